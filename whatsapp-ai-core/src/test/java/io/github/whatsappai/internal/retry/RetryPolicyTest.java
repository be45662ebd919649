package io.github.whatsappai.internal.retry;

import io.github.whatsappai.event.Event;
import io.github.whatsappai.testing.VirtualScheduler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class RetryPolicyTest {

    private final VirtualScheduler scheduler = new VirtualScheduler();
    private final List<Duration> waits = new CopyOnWriteArrayList<>();
    private final List<Event> events = new CopyOnWriteArrayList<>();
    private final AtomicInteger calls = new AtomicInteger();

    @AfterEach
    void noTaskFailed() {
        assertThat(scheduler.failures()).isEmpty();
    }

    private RetryPolicy.Builder policy() {
        return RetryPolicy.builder(scheduler).clock(scheduler.clock())
                .backoff(Backoff.exponential(Duration.ofSeconds(1), Duration.ofSeconds(10)).withJitter(Backoff.Jitter.NONE));
    }

    /** An attempt that fails {@code failures} times, then answers "ok". */
    private RetryPolicy.Attempt<String> failing(int failures) {
        return n -> {
            calls.incrementAndGet();
            return n <= failures ? CompletableFuture.failedFuture(new IllegalStateException("boom " + n))
                    : CompletableFuture.completedFuture("ok");
        };
    }

    private <T> CompletableFuture<T> run(RetryPolicy p, RetryPolicy.Attempt<T> attempt, RetryPolicy.Classifier c) {
        return p.run(attempt, c, (n, failure, delay) -> waits.add(delay));
    }

    private static RetryStoppedException stopped(CompletableFuture<?> f) {
        assertThat(f).isCompletedExceptionally();
        return (RetryStoppedException) RetryPolicy.unwrap(f.handle((v, e) -> e).join());
    }

    @Test
    void retriesWithExponentialWaitsOnTheSchedulerUntilSuccess() {
        CompletableFuture<String> f = run(policy().build(), failing(3), (e, n) -> Verdict.backoff());
        assertThat(calls).hasValue(1);
        assertThat(f).isNotDone();
        scheduler.advance(Duration.ofMillis(999));
        assertThat(calls).hasValue(1);
        scheduler.advance(Duration.ofMillis(1));
        assertThat(calls).hasValue(2);
        scheduler.advance(Duration.ofSeconds(6));
        assertThat(f).isCompletedWithValue("ok");
        assertThat(calls).hasValue(4);
        assertThat(waits).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4));
    }

    @Test
    void givesUpAfterMaxAttemptsWithTheLastFailure() {
        CompletableFuture<String> f = run(policy().maxAttempts(3).build(), failing(10), (e, n) -> Verdict.backoff());
        scheduler.advance(Duration.ofMinutes(1));
        RetryStoppedException e = stopped(f);
        assertThat(e.reason()).isEqualTo(RetryStoppedException.Reason.ATTEMPTS_EXHAUSTED);
        assertThat(e.attempts()).isEqualTo(3);
        assertThat(e.lastFailure()).hasMessage("boom 3");
        assertThat(calls).hasValue(3);
    }

    @Test
    void stopVerdictEndsAtOnce() {
        CompletableFuture<String> f = run(policy().build(), failing(10), (e, n) -> Verdict.stop());
        RetryStoppedException e = stopped(f);
        assertThat(e.reason()).isEqualTo(RetryStoppedException.Reason.NOT_RETRYABLE);
        assertThat(calls).hasValue(1);
        assertThat(scheduler.pendingTasks()).isZero();
    }

    @Test
    void requestedDelayIsHonouredAndATooLongOneEndsTheRun() {
        RetryPolicy p = policy().maxRetryAfter(Duration.ofSeconds(30)).build();
        CompletableFuture<String> f = run(p, failing(1), (e, n) -> Verdict.retryAfter(Duration.ofSeconds(7)));
        scheduler.advance(Duration.ofSeconds(7));
        assertThat(f).isCompletedWithValue("ok");
        assertThat(waits).containsExactly(Duration.ofSeconds(7));

        CompletableFuture<String> g = run(p, failing(1), (e, n) -> Verdict.retryAfter(Duration.ofMinutes(5)));
        RetryStoppedException e = stopped(g);
        assertThat(e.reason()).isEqualTo(RetryStoppedException.Reason.RETRY_AFTER_TOO_LONG);
        assertThat(e.requestedDelay()).isEqualTo(Duration.ofMinutes(5));
    }

    @Test
    void fixedDelayIsNotCappedButTheDeadlineIs() {
        RetryPolicy p = policy().maxRetryAfter(Duration.ofSeconds(1)).deadline(Duration.ofSeconds(10)).build();
        CompletableFuture<String> f = run(p, failing(1), (e, n) -> Verdict.retryIn(Duration.ofSeconds(9)));
        scheduler.advance(Duration.ofSeconds(9));
        assertThat(f).isCompletedWithValue("ok");

        CompletableFuture<String> g = run(p, failing(5), (e, n) -> Verdict.retryIn(Duration.ofSeconds(4)));
        scheduler.advance(Duration.ofSeconds(8));
        // attempts at 0, 4 and 8 s; a fourth at 12 s would pass the 10 s deadline
        assertThat(stopped(g).reason()).isEqualTo(RetryStoppedException.Reason.DEADLINE);
        assertThat(stopped(g).attempts()).isEqualTo(3);
    }

    @Test
    void unlimitedAttemptsRetryUntilItWorks() {
        CompletableFuture<String> f = run(policy().unlimitedAttempts().build(), failing(40), (e, n) -> Verdict.backoff());
        scheduler.advance(Duration.ofMinutes(10));
        assertThat(f).isCompletedWithValue("ok");
        assertThat(calls).hasValue(41);
        assertThat(waits).last().isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void anAttemptThatThrowsIsAFailedAttempt() {
        CompletableFuture<String> f = run(policy().maxAttempts(2).build(), n -> {
            calls.incrementAndGet();
            throw new java.io.IOException("refused");
        }, (e, n) -> e instanceof java.io.IOException ? Verdict.backoff() : Verdict.stop());
        scheduler.advance(Duration.ofSeconds(1));
        assertThat(stopped(f).lastFailure()).hasMessage("refused");
        assertThat(calls).hasValue(2);
    }

    @Test
    void cancellingTheRunCancelsTheWait() {
        CompletableFuture<String> f = run(policy().build(), failing(10), (e, n) -> Verdict.backoff());
        assertThat(scheduler.pendingTasks()).isEqualTo(1);
        f.cancel(true);
        assertThat(scheduler.pendingTasks()).isZero();
        scheduler.advance(Duration.ofMinutes(1));
        assertThat(calls).hasValue(1);
    }

    @Test
    void anOpenBreakerEndsTheRetriesOfEveryRun() {
        CircuitBreaker breaker = CircuitBreaker.of("test", 2, CircuitBreaker.DEFAULT_OPEN_BACKOFF,
                scheduler.clock(), events::add);
        RetryPolicy p = policy().maxAttempts(4).circuitBreaker(breaker).build();
        CompletableFuture<String> first = run(p, failing(10), (e, n) -> Verdict.backoff());
        CompletableFuture<String> second = run(p, failing(10), (e, n) -> Verdict.backoff());
        // two failures in a row open the circuit; both runs' retries are refused without a call
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.OPEN);
        scheduler.advance(Duration.ofSeconds(1));
        assertThat(calls).hasValue(2);
        assertThat(stopped(first).reason()).isEqualTo(RetryStoppedException.Reason.CIRCUIT_OPEN);
        assertThat(stopped(first).lastFailure()).hasMessage("boom 1");
        assertThat(stopped(second).reason()).isEqualTo(RetryStoppedException.Reason.CIRCUIT_OPEN);
        assertThat(events).hasSize(1).first().isInstanceOf(Event.CircuitOpened.class);
    }

    @Test
    void refusalsDoNotCountAgainstTheBreaker() {
        CircuitBreaker breaker = CircuitBreaker.of("test", 2, CircuitBreaker.DEFAULT_OPEN_BACKOFF,
                scheduler.clock(), events::add);
        RetryPolicy p = policy().circuitBreaker(breaker).build();
        for (int i = 0; i < 5; i++) {
            run(p, failing(10), (e, n) -> Verdict.stop());
        }
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(calls).hasValue(5);
    }
}
