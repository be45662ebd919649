package io.github.whatsappai.testing;

import io.github.whatsappai.ai.AiReply;
import io.github.whatsappai.ai.AiRequest;
import io.github.whatsappai.client.Recipient;
import io.github.whatsappai.client.SendResult;
import io.github.whatsappai.webhook.model.ConversationKey;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TestKitTest {

    @Test
    void theVirtualSchedulerRunsTasksInTimeOrderWithTheClockAtTheirDueTime() {
        VirtualScheduler scheduler = new VirtualScheduler();
        Instant start = scheduler.clock().instant();
        List<String> ran = new ArrayList<>();
        scheduler.schedule(() -> ran.add("b@" + Duration.between(start, scheduler.clock().instant()).toSeconds()),
                2, TimeUnit.SECONDS);
        scheduler.schedule(() -> ran.add("a@" + Duration.between(start, scheduler.clock().instant()).toSeconds()),
                1, TimeUnit.SECONDS);
        ScheduledFuture<?> cancelled = scheduler.schedule(() -> ran.add("never"), 1, TimeUnit.SECONDS);
        cancelled.cancel(false);
        scheduler.execute(() -> ran.add("now"));
        assertThat(scheduler.pendingTasks()).isEqualTo(3);
        assertThat(scheduler.nextTaskTime()).contains(start);

        assertThat(scheduler.advance(Duration.ofSeconds(5))).isEqualTo(3);
        assertThat(ran).containsExactly("now", "a@1", "b@2");
        assertThat(scheduler.clock().instant()).isEqualTo(start.plusSeconds(5));
    }

    @Test
    void periodicTasksRepeatAndFailuresAreRecorded() {
        VirtualScheduler scheduler = new VirtualScheduler();
        List<Instant> ticks = new ArrayList<>();
        ScheduledFuture<?> rate = scheduler.scheduleAtFixedRate(() -> ticks.add(scheduler.clock().instant()), 0, 10,
                TimeUnit.SECONDS);
        scheduler.scheduleWithFixedDelay(() -> {
            throw new IllegalStateException("boom");
        }, 1, 1, TimeUnit.SECONDS);
        scheduler.advance(Duration.ofSeconds(25));
        assertThat(ticks).hasSize(3);
        assertThat(scheduler.failures()).singleElement().isInstanceOf(IllegalStateException.class);
        rate.cancel(false);
        assertThat(scheduler.pendingTasks()).isZero();
        scheduler.shutdown();
        assertThat(scheduler.isTerminated()).isTrue();
        assertThatThrownBy(() -> scheduler.execute(() -> { })).isInstanceOf(
                java.util.concurrent.RejectedExecutionException.class);
    }

    @Test
    void nextTaskDelayIsMeasuredFromTheClock() {
        VirtualScheduler scheduler = new VirtualScheduler();
        assertThat(scheduler.nextTaskDelay()).isEmpty();
        scheduler.schedule(() -> { }, 30, TimeUnit.SECONDS);
        scheduler.schedule(() -> { }, 10, TimeUnit.SECONDS);
        assertThat(scheduler.nextTaskDelay()).contains(Duration.ofSeconds(10));
        scheduler.advance(Duration.ofSeconds(12));
        assertThat(scheduler.nextTaskDelay()).contains(Duration.ofSeconds(18));
    }

    @Test
    void awaitPendingTasksWaitsForTasksScheduledByAnotherThread() throws Exception {
        VirtualScheduler scheduler = new VirtualScheduler();
        CountDownLatch go = new CountDownLatch(1);
        Thread other = new Thread(() -> {
            try {
                go.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            scheduler.schedule(() -> { }, 1, TimeUnit.SECONDS);
            scheduler.schedule(() -> { }, 2, TimeUnit.SECONDS);
        });
        other.start();
        go.countDown();
        scheduler.awaitPendingTasks(2, Duration.ofSeconds(10));
        assertThat(scheduler.pendingTasks()).isEqualTo(2);
        other.join();
        assertThatThrownBy(() -> scheduler.awaitPendingTasks(3, Duration.ofMillis(1)))
                .isInstanceOf(TimeoutException.class).hasMessageContaining("expected 3").hasMessageContaining("have 2");
    }

    @Test
    void theManualClockIsANanosecondTicker() {
        ManualClock clock = ManualClock.atDefaultStart();
        long before = clock.nanoTime();
        assertThat(before).isEqualTo(Instant.parse("2026-01-01T00:00:00Z").getEpochSecond() * 1_000_000_000L);
        clock.advance(Duration.ofNanos(1_500));
        assertThat(clock.nanoTime() - before).isEqualTo(1_500);
    }

    @Test
    void theManualClockOnlyMovesForward() {
        ManualClock clock = ManualClock.atDefaultStart();
        clock.advance(Duration.ofMinutes(1));
        assertThat(clock.instant()).isEqualTo(Instant.parse("2026-01-01T00:01:00Z"));
        assertThatThrownBy(() -> clock.setInstant(Instant.parse("2025-01-01T00:00:00Z")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(clock.withZone(java.time.ZoneId.of("Asia/Jakarta")).instant()).isEqualTo(clock.instant());
    }

    @Test
    void theRecordingClientFailsAndHoldsOnDemand() {
        RecordingWhatsAppClient client = new RecordingWhatsAppClient();
        Recipient to = new Recipient("15550001", null);
        client.failNextSends(new IllegalStateException("down"));
        assertThat(client.sendText("1", to, "a", null)).isCompletedExceptionally();
        CompletableFuture<SendResult> ok = client.sendText("1", to, "b", "wamid.x");
        assertThat(ok.join().messageIds()).hasSize(1);
        client.holdSends();
        CompletableFuture<SendResult> held = client.sendText("1", to, "c", null);
        assertThat(held).isNotDone();
        assertThat(client.heldSends()).isEqualTo(1);
        assertThat(client.completeHeldSends()).isEqualTo(1);
        assertThat(held).isCompleted();
        client.markRead("1", "wamid.y", true);
        assertThat(client.textBodies()).containsExactly("a", "b", "c");
        assertThat(client.texts().get(1).replyToMessageId()).isEqualTo("wamid.x");
        assertThat(client.readReceipts()).hasSize(1);
        client.clear();
        assertThat(client.texts()).isEmpty();
    }

    @Test
    void theScriptedResponderFollowsItsScriptAndRecordsRequests() {
        ScriptedAiResponder ai = new ScriptedAiResponder().thenReply("one").thenFail(new IllegalStateException("x"));
        AiRequest request = new AiRequest(new ConversationKey("1", "2"), "u", "s", List.of(), List.of(), "hi");
        assertThat(ai.respond(request).text()).isEqualTo("one");
        assertThatThrownBy(() -> ai.respond(request)).hasMessage("x");
        assertThatThrownBy(() -> ai.respond(request)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no scripted reply");
        ai.otherwise(r -> AiReply.of("default", "m"));
        assertThat(ai.respond(request).text()).isEqualTo("default");
        assertThat(ai.callCount()).isEqualTo(4);
        assertThat(ai.lastRequest().userTurn()).isEqualTo("hi");
        assertThat(ai.remainingSteps()).isZero();
    }

    @Test
    void theDirectExecutorRunsOnTheCallingThread() {
        Thread[] ran = new Thread[1];
        DirectExecutor.INSTANCE.execute(() -> ran[0] = Thread.currentThread());
        assertThat(ran[0]).isSameAs(Thread.currentThread());
    }
}
