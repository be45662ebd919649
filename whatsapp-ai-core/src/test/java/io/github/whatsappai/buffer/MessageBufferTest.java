package io.github.whatsappai.buffer;

import io.github.whatsappai.store.Batch;
import io.github.whatsappai.store.BufferPolicy;

import io.github.whatsappai.testing.DirectExecutor;
import io.github.whatsappai.testing.Inbound;
import io.github.whatsappai.testing.ManualClock;
import io.github.whatsappai.testing.VirtualScheduler;
import io.github.whatsappai.webhook.model.InboundMessage;
import io.github.whatsappai.webhook.model.TextContent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MessageBufferTest {

    private final ManualClock clock = ManualClock.atDefaultStart();
    private final VirtualScheduler scheduler = new VirtualScheduler(clock);
    private final List<Batch> batches = new ArrayList<>();
    private final List<Instant> handedAt = new ArrayList<>();
    /** When not null, batches stay in flight until their future is completed. */
    private List<CompletableFuture<Void>> holding;
    private MessageBuffer buffer;

    private MessageBuffer buffer(BufferPolicy policy, Executor executor) {
        buffer = MessageBuffer.builder()
                .policy(policy)
                .executor(executor)
                .scheduler(scheduler)
                .clock(clock)
                .processor(batch -> {
                    batches.add(batch);
                    handedAt.add(clock.instant());
                    if (holding == null) {
                        return CompletableFuture.completedFuture(null);
                    }
                    CompletableFuture<Void> f = new CompletableFuture<>();
                    holding.add(f);
                    return f;
                })
                .build();
        return buffer;
    }

    private MessageBuffer buffer() {
        return buffer(BufferPolicy.defaults(), DirectExecutor.INSTANCE);
    }

    @AfterEach
    void noTaskFailed() {
        assertThat(scheduler.failures()).isEmpty();
    }

    private InboundMessage text(String waId, String body) {
        return Inbound.text(waId, body, clock.instant());
    }

    private static List<String> bodies(Batch batch) {
        return batch.messages().stream().map(m -> ((TextContent) m.content()).body()).toList();
    }

    @Test
    void aBurstWithinTheWindowBecomesOneBatchInOrder() {
        MessageBuffer buffer = buffer();
        Instant start = clock.instant();
        buffer.add(text("15550001", "one"));
        scheduler.advance(Duration.ofSeconds(5));
        buffer.add(text("15550001", "two"));
        scheduler.advance(Duration.ofSeconds(5));
        buffer.add(text("15550001", "three"));

        scheduler.advance(Duration.ofMillis(14_999));
        assertThat(batches).as("the window restarted with the third message").isEmpty();
        scheduler.advance(Duration.ofMillis(1));

        assertThat(batches).hasSize(1);
        Batch batch = batches.get(0);
        assertThat(bodies(batch)).containsExactly("one", "two", "three");
        assertThat(batch.firstArrival()).isEqualTo(start);
        assertThat(batch.deadline()).isEqualTo(start.plusSeconds(25));
        assertThat(handedAt.get(0)).isEqualTo(start.plusSeconds(25));
        assertThat(buffer.pendingConversations()).isZero();
    }

    @Test
    void aBurstThatCameDueWhileItsPredecessorWasAnsweredGoesOutWhenThatOneIsReleased() {
        holding = new ArrayList<>();
        MessageBuffer buffer = buffer();
        buffer.add(text("15550001", "first"));
        scheduler.advance(Duration.ofSeconds(15));
        assertThat(batches).hasSize(1);

        buffer.add(text("15550001", "second"));
        clock.advance(Duration.ofSeconds(20));   // the second burst is due, but its predecessor is in flight
        assertThat(batches).hasSize(1);

        holding.get(0).complete(null);           // released on a worker, with no scheduler tick to follow
        assertThat(batches).as("handed over at once, not by a timer armed in the past").hasSize(2);
        assertThat(bodies(batches.get(1))).containsExactly("second");
    }

    @Test
    void everyMessageRestartsTheWindow() {
        MessageBuffer buffer = buffer();
        buffer.add(text("15550001", "a"));
        for (int i = 0; i < 3; i++) {
            scheduler.advance(Duration.ofSeconds(14));
            buffer.add(text("15550001", "b" + i));
        }
        assertThat(batches).as("never 15 s of quiet so far").isEmpty();
        scheduler.advance(Duration.ofSeconds(15));
        assertThat(batches).hasSize(1);
        assertThat(batches.get(0).size()).isEqualTo(4);
    }

    @Test
    void theMaximumWaitCapsABurstThatNeverStops() {
        MessageBuffer buffer = buffer();
        Instant start = clock.instant();
        for (int i = 0; i < 6; i++) {
            buffer.add(text("15550001", "m" + i));
            scheduler.advance(Duration.ofSeconds(10));
        }
        assertThat(batches).hasSize(1);
        assertThat(batches.get(0).size()).isEqualTo(6);
        assertThat(handedAt.get(0)).isEqualTo(start.plusSeconds(60));
        assertThat(batches.get(0).deadline()).isEqualTo(start.plusSeconds(60));
    }

    @Test
    void aFullBatchIsHandedOverAtOnceAndTheRestWaitsItsTurn() {
        MessageBuffer buffer = buffer();
        for (int i = 0; i < 25; i++) {
            buffer.add(text("15550001", "m" + i));
        }
        scheduler.runDueTasks();
        assertThat(batches).hasSize(1);
        assertThat(bodies(batches.get(0))).hasSize(20).startsWith("m0", "m1").endsWith("m19");

        scheduler.advance(Duration.ofSeconds(15));
        assertThat(batches).hasSize(2);
        assertThat(bodies(batches.get(1))).containsExactly("m20", "m21", "m22", "m23", "m24");
    }

    @Test
    void messagesAreOrderedByTimestampThenArrival() {
        MessageBuffer buffer = buffer();
        Instant t = clock.instant();
        buffer.add(Inbound.text("15550001", "late", t.plusSeconds(2)));
        buffer.add(Inbound.text("15550001", "early", t));
        buffer.add(Inbound.text("15550001", "same second, first", t.plusSeconds(1)));
        buffer.add(Inbound.text("15550001", "same second, second", t.plusSeconds(1)));
        scheduler.advance(Duration.ofSeconds(15));
        assertThat(bodies(batches.get(0)))
                .containsExactly("early", "same second, first", "same second, second", "late");
    }

    @Test
    void messagesDuringAnAnswerWaitForTheNextBatch() {
        holding = new ArrayList<>();
        MessageBuffer buffer = buffer();
        buffer.add(text("15550001", "first"));
        scheduler.advance(Duration.ofSeconds(15));
        assertThat(batches).hasSize(1);

        buffer.add(text("15550001", "while answering 1"));
        buffer.add(text("15550001", "while answering 2"));
        scheduler.advance(Duration.ofSeconds(120));
        assertThat(batches).as("never two batches of one conversation at once").hasSize(1);
        assertThat(buffer.batchesInFlight()).isEqualTo(1);

        holding.get(0).complete(null);
        scheduler.runDueTasks();
        assertThat(batches).hasSize(2);
        assertThat(bodies(batches.get(1))).containsExactly("while answering 1", "while answering 2");
        assertThat(handedAt.get(1)).as("overdue, so handed over right after the first completed")
                .isEqualTo(clock.instant());
    }

    @Test
    void aFailedBatchStillReleasesItsConversation() {
        holding = new ArrayList<>();
        MessageBuffer buffer = buffer();
        buffer.add(text("15550001", "first"));
        scheduler.advance(Duration.ofSeconds(15));
        buffer.add(text("15550001", "second"));
        holding.get(0).completeExceptionally(new IllegalStateException("boom"));
        scheduler.advance(Duration.ofSeconds(15));
        assertThat(batches).hasSize(2);
    }

    @Test
    void conversationsAreIndependentAndRunConcurrently() {
        holding = new ArrayList<>();
        MessageBuffer buffer = buffer();
        buffer.add(text("15550001", "a1"));
        scheduler.advance(Duration.ofSeconds(5));
        buffer.add(text("15550002", "b1"));
        scheduler.advance(Duration.ofSeconds(10));
        assertThat(batches).hasSize(1);
        assertThat(batches.get(0).key().userKey()).isEqualTo("15550001");

        scheduler.advance(Duration.ofSeconds(5));
        assertThat(batches).as("b is answered while a is still in flight").hasSize(2);
        assertThat(batches.get(1).key().userKey()).isEqualTo("15550002");
        assertThat(buffer.batchesInFlight()).isEqualTo(2);
        holding.forEach(f -> f.complete(null));
        assertThat(buffer.batchesInFlight()).isZero();
        assertThat(buffer.pendingConversations()).isZero();
    }

    @Test
    void oneTimerServesEveryConversation() {
        MessageBuffer buffer = buffer();
        for (int i = 0; i < 1000; i++) {
            buffer.add(text(String.valueOf(15550000 + i), "hi"));
            buffer.add(text(String.valueOf(15550000 + i), "again"));
        }
        assertThat(buffer.pendingConversations()).isEqualTo(1000);
        assertThat(scheduler.pendingTasks()).isEqualTo(1);

        scheduler.advance(Duration.ofSeconds(15));
        assertThat(batches).hasSize(1000).allSatisfy(b -> assertThat(b.size()).isEqualTo(2));
        assertThat(scheduler.pendingTasks()).as("at most the timer for the lease ends, which finds nothing")
                .isLessThanOrEqualTo(1);
        scheduler.advance(Duration.ofSeconds(30));
        assertThat(scheduler.pendingTasks()).isZero();
    }

    @Test
    void workersRunBatchesHandedOverByTheTimer() {
        VirtualScheduler workers = new VirtualScheduler(clock);
        MessageBuffer buffer = buffer(BufferPolicy.defaults(), workers);
        buffer.add(text("15550001", "a"));
        buffer.add(text("15550002", "b"));
        scheduler.advance(Duration.ofSeconds(15));
        assertThat(batches).as("handed over, not run on the timer").isEmpty();
        assertThat(workers.pendingTasks()).isEqualTo(2);
        workers.runDueTasks();
        assertThat(batches).hasSize(2);
    }

    @Test
    void aRefusedBatchIsKeptAndHandedOverAgain() {
        AtomicBoolean refuse = new AtomicBoolean(true);
        MessageBuffer buffer = buffer(BufferPolicy.defaults(), command -> {
            if (refuse.get()) {
                throw new RejectedExecutionException("full");
            }
            command.run();
        });
        buffer.add(text("15550001", "a"));
        scheduler.advance(Duration.ofSeconds(15));
        assertThat(batches).isEmpty();
        assertThat(buffer.pendingConversations()).isEqualTo(1);
        refuse.set(false);
        scheduler.advance(Duration.ofMillis(999));
        assertThat(batches).as("retried after a second").isEmpty();
        scheduler.advance(Duration.ofMillis(1));
        assertThat(batches).hasSize(1);

        refuse.set(true);
        buffer.add(text("15550001", "b"));
        scheduler.advance(Duration.ofSeconds(15));
        buffer.add(text("15550001", "c"));
        refuse.set(false);
        scheduler.advance(Duration.ofSeconds(15));
        assertThat(batches).hasSize(2);
        assertThat(bodies(batches.get(1))).as("the refused message stays ahead").containsExactly("b", "c");
    }

    @Test
    void closeFlushesEverythingPendingAndRefusesNewMessages() {
        MessageBuffer buffer = buffer();
        buffer.add(text("15550001", "a"));
        buffer.add(text("15550002", "b"));
        assertThat(buffer.close(Duration.ofSeconds(1))).isTrue();
        assertThat(batches).hasSize(2);
        assertThat(handedAt).containsOnly(clock.instant());
        assertThatThrownBy(() -> buffer.add(text("15550001", "late"))).isInstanceOf(IllegalStateException.class);
        assertThat(scheduler.pendingTasks()).as("the timer was cancelled").isZero();
    }

    @Test
    void closeAlsoFlushesWhatArrivedDuringAnAnswer() {
        holding = new ArrayList<>();
        MessageBuffer buffer = buffer();
        buffer.add(text("15550001", "a"));
        scheduler.advance(Duration.ofSeconds(15));
        buffer.add(text("15550001", "b"));
        assertThat(buffer.close(Duration.ZERO)).as("a batch is still in flight").isFalse();
        holding.get(0).complete(null);
        assertThat(batches).hasSize(2);
        holding.get(1).complete(null);
        assertThat(buffer.pendingConversations()).isZero();
        assertThat(buffer.close(Duration.ZERO)).isTrue();
    }

    @Test
    void aFailingProcessorDoesNotBlockTheConversation() {
        List<Batch> seen = new ArrayList<>();
        MessageBuffer buffer = MessageBuffer.builder().executor(DirectExecutor.INSTANCE).scheduler(scheduler)
                .clock(clock)
                .processor(batch -> {
                    seen.add(batch);
                    throw new IllegalStateException("processor bug");
                })
                .build();
        buffer.add(text("15550001", "a"));
        scheduler.advance(Duration.ofSeconds(15));
        buffer.add(text("15550001", "b"));
        scheduler.advance(Duration.ofSeconds(15));
        assertThat(seen).hasSize(2);
        assertThat(buffer.pendingConversations()).isZero();
    }

    @Test
    void builderListsEveryMissingOrInvalidValueAtOnce() {
        assertThatThrownBy(() -> MessageBuffer.builder().owner(" ").lease(Duration.ofMillis(1))
                .closeTimeout(Duration.ofSeconds(-1)).pollInterval(Duration.ZERO).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("processor is required")
                .hasMessageContaining("executor is required")
                .hasMessageContaining("scheduler is required")
                .hasMessageContaining("owner must not be blank")
                .hasMessageContaining("lease must be at least 3 ms")
                .hasMessageContaining("closeTimeout must not be negative")
                .hasMessageContaining("pollInterval must be a positive duration");
    }

    @Test
    void policyIsValidated() {
        assertThatThrownBy(() -> new BufferPolicy(Duration.ofSeconds(15), Duration.ofSeconds(10), 20))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxWait");
        assertThatThrownBy(() -> new BufferPolicy(Duration.ZERO, Duration.ofSeconds(10), 20))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new BufferPolicy(Duration.ofSeconds(1), Duration.ofSeconds(10), 0))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
