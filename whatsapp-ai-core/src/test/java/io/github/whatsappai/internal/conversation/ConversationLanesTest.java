package io.github.whatsappai.internal.conversation;

import io.github.whatsappai.webhook.model.ConversationKey;
import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The per-conversation queue: one task in flight per person, in order, none lost. Checked against
 * two deliberate bugs: running a task without waiting for its predecessor (fails
 * {@link #aTaskWaitsUntilThePreviousStageCompletes} and the concurrent test), and removing the
 * conversation's entry before its task completes (fails {@link #theLaneIsForgottenOnlyWhenItsLastTaskCompletes}).
 */
class ConversationLanesTest {

    private static final ConversationKey ANN = new ConversationKey("106540352242922", "15551230001");
    private static final ConversationKey BOB = new ConversationKey("106540352242922", "15551230002");

    /** Runs queued tasks when the test says so. */
    private final Queue<Runnable> pending = new ArrayDeque<>();
    private final ConversationLanes lanes = new ConversationLanes(pending::add);

    @Test
    void aTaskWithNothingBeforeItRunsOnTheCallingThread() {
        List<String> ran = new ArrayList<>();
        CompletableFuture<Void> done = lanes.run(ANN, () -> {
            ran.add("first");
            return CompletableFuture.completedFuture(null);
        });
        assertThat(ran).containsExactly("first");
        assertThat(done).isCompleted();
        assertThat(lanes.active()).isZero();
    }

    @Test
    void aTaskWaitsUntilThePreviousStageCompletes() {
        List<String> ran = new ArrayList<>();
        CompletableFuture<Void> firstStage = new CompletableFuture<>();
        lanes.run(ANN, () -> {
            ran.add("first");
            return firstStage;
        });
        CompletableFuture<Void> second = lanes.run(ANN, () -> {
            ran.add("second");
            return CompletableFuture.completedFuture(null);
        });
        assertThat(ran).containsExactly("first");
        assertThat(pending).isEmpty();

        firstStage.complete(null);
        runPending();
        assertThat(ran).containsExactly("first", "second");
        assertThat(second).isCompleted();
    }

    @Test
    void anotherPersonIsNotHeldUp() {
        List<String> ran = new ArrayList<>();
        lanes.run(ANN, () -> {
            ran.add("ann");
            return new CompletableFuture<>();
        });
        lanes.run(BOB, () -> {
            ran.add("bob");
            return CompletableFuture.completedFuture(null);
        });
        assertThat(ran).containsExactly("ann", "bob");
    }

    @Test
    void aTaskThatThrowsOrFailsStillLetsTheNextOneRun() {
        List<String> ran = new ArrayList<>();
        lanes.run(ANN, () -> {
            throw new IllegalStateException("boom");
        });
        lanes.run(ANN, () -> CompletableFuture.failedFuture(new IllegalStateException("failed stage")));
        CompletableFuture<Void> third = lanes.run(ANN, () -> {
            ran.add("third");
            return CompletableFuture.completedFuture(null);
        });
        runPending();
        assertThat(ran).containsExactly("third");
        assertThat(third).isCompletedWithValue(null);
    }

    @Test
    void theLaneIsForgottenOnlyWhenItsLastTaskCompletes() {
        CompletableFuture<Void> firstStage = new CompletableFuture<>();
        lanes.run(ANN, () -> firstStage);
        assertThat(lanes.active()).isEqualTo(1);
        CompletableFuture<Void> secondStage = new CompletableFuture<>();
        lanes.run(ANN, () -> secondStage);

        firstStage.complete(null);
        runPending();
        assertThat(lanes.active()).as("the second task is still running").isEqualTo(1);

        List<String> ran = new ArrayList<>();
        lanes.run(ANN, () -> {
            ran.add("third");
            return CompletableFuture.completedFuture(null);
        });
        assertThat(ran).as("the third waits for the second").isEmpty();
        secondStage.complete(null);
        runPending();
        assertThat(ran).containsExactly("third");
        assertThat(lanes.active()).isZero();
    }

    @Test
    void manyThreadsQueueingForOnePersonNeverOverlapAndNoneIsLost() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            ConversationLanes concurrent = new ConversationLanes(pool);
            AtomicInteger inFlight = new AtomicInteger();
            AtomicInteger overlaps = new AtomicInteger();
            AtomicInteger ran = new AtomicInteger();
            int tasks = 2_000;
            CountDownLatch allDone = new CountDownLatch(tasks);
            CountDownLatch start = new CountDownLatch(1);
            for (int t = 0; t < 4; t++) {
                pool.execute(() -> {
                    await(start);
                    for (int i = 0; i < tasks / 4; i++) {
                        concurrent.run(ANN, () -> {
                            if (inFlight.incrementAndGet() > 1) {
                                overlaps.incrementAndGet();
                            }
                            // completes on another thread, as a reply's send does
                            return CompletableFuture.runAsync(() -> {
                                inFlight.decrementAndGet();
                                ran.incrementAndGet();
                            }, pool);
                        }).thenRun(allDone::countDown);
                    }
                });
            }
            start.countDown();
            assertThat(allDone.await(30, TimeUnit.SECONDS)).as("every task completed").isTrue();
            assertThat(ran).hasValue(tasks);
            assertThat(overlaps).as("tasks of one person running at once").hasValue(0);
            assertThat(concurrent.active()).isZero();
        } finally {
            pool.shutdownNow();
        }
    }

    private void runPending() {
        Runnable next;
        while ((next = pending.poll()) != null) {
            next.run();
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
