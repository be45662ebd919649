package io.github.whatsappai.internal.retry;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;

/**
 * Runs an asynchronous operation until it succeeds or the policy gives up: at most
 * {@code maxAttempts} attempts, each failure classified by the caller into a {@link Verdict}, waits
 * drawn from a {@link Backoff} or asked for by the server ({@code Retry-After}, up to
 * {@code maxRetryAfter}), no attempt started after the overall {@code deadline}, and every wait a
 * task on the {@link ScheduledExecutorService}: no thread sleeps. With a {@link CircuitBreaker},
 * every attempt (the first and each retry) asks it first, so the retries of all callers and the
 * breaker share one budget: an open circuit ends the retries of every caller at once.
 *
 * <p>Two typical shapes:
 * <pre>{@code
 * // an HTTP call with backoff and Retry-After, at most 4 attempts within 30 s
 * RetryPolicy http = RetryPolicy.builder(scheduler).backoff(Backoff.exponential(ofSeconds(1), ofSeconds(10)))
 *         .maxAttempts(4).deadline(ofSeconds(30)).maxRetryAfter(ofSeconds(30)).build();
 * CompletableFuture<Reply> reply = http.run(n -> exchange(), (failure, n) -> classify(failure));
 *
 * // an SPI call retried with capped backoff until it works
 * RetryPolicy forever = RetryPolicy.builder(scheduler).backoff(Backoff.exponential(ofMillis(200), ofSeconds(30)))
 *         .unlimitedAttempts().build();
 * forever.run(n -> CompletableFuture.supplyAsync(() -> store.save(row), worker), (failure, n) -> Verdict.backoff());
 * }</pre>
 *
 * <p>A run fails with a {@link RetryStoppedException} whose cause is the last attempt's failure.
 * Cancelling the returned future cancels the pending wait and the attempt in flight. Immutable and
 * thread-safe; one policy serves any number of concurrent runs.
 */
public final class RetryPolicy {

    private final Backoff backoff;
    private final int maxAttempts;
    private final Duration deadline;
    private final Duration maxRetryAfter;
    private final Clock clock;
    private final ScheduledExecutorService scheduler;
    private final RandomGenerator random;
    private final CircuitBreaker breaker;

    private RetryPolicy(Builder b) {
        this.backoff = b.backoff;
        this.maxAttempts = b.maxAttempts;
        this.deadline = b.deadline;
        this.maxRetryAfter = b.maxRetryAfter;
        this.clock = b.clock;
        this.scheduler = b.scheduler;
        this.random = b.random;
        this.breaker = b.breaker;
    }

    /** A builder whose waits run on {@code scheduler}. */
    public static Builder builder(ScheduledExecutorService scheduler) {
        return new Builder(scheduler);
    }

    /** Starts one attempt; {@code number} counts from 1. May throw: that is a failed attempt. */
    @FunctionalInterface
    public interface Attempt<T> {
        CompletionStage<T> start(int number) throws Exception;
    }

    /** Decides what follows a failed attempt. {@code failure} is unwrapped from {@link CompletionException}. */
    @FunctionalInterface
    public interface Classifier {
        Verdict classify(Throwable failure, int attempt);
    }

    /** Hears about each retry before its wait starts (for logging). */
    @FunctionalInterface
    public interface RetryListener {
        void retrying(int failedAttempt, Throwable failure, Duration delay);

        /** A listener that does nothing. */
        static RetryListener none() {
            return (attempt, failure, delay) -> { };
        }
    }

    /** The backoff between attempts. */
    public Backoff backoff() {
        return backoff;
    }

    /** Attempts per run, the first included ({@link Integer#MAX_VALUE}: unlimited). */
    public int maxAttempts() {
        return maxAttempts;
    }

    /** The breaker every attempt asks, or {@code null}. */
    public CircuitBreaker circuitBreaker() {
        return breaker;
    }

    /** The same policy with another breaker ({@code null}: none). */
    public RetryPolicy withCircuitBreaker(CircuitBreaker breaker) {
        Builder b = toBuilder();
        b.breaker = breaker;
        return new RetryPolicy(b);
    }

    /** A builder holding this policy's settings. */
    public Builder toBuilder() {
        Builder b = new Builder(scheduler);
        b.backoff = backoff;
        b.maxAttempts = maxAttempts;
        b.deadline = deadline;
        b.maxRetryAfter = maxRetryAfter;
        b.clock = clock;
        b.random = random;
        b.breaker = breaker;
        return b;
    }

    /** {@link #run(Attempt, Classifier, RetryListener)} without a listener. */
    public <T> CompletableFuture<T> run(Attempt<T> attempt, Classifier classifier) {
        return run(attempt, classifier, RetryListener.none());
    }

    /**
     * Starts the first attempt on the calling thread and returns its eventual result.
     *
     * @return completes with the first success, or with a {@link RetryStoppedException}
     */
    public <T> CompletableFuture<T> run(Attempt<T> attempt, Classifier classifier, RetryListener listener) {
        Run<T> run = new Run<>(Objects.requireNonNull(attempt, "attempt"),
                Objects.requireNonNull(classifier, "classifier"), Objects.requireNonNull(listener, "listener"),
                deadline == null ? null : clock.instant().plus(deadline));
        run.result.whenComplete((v, e) -> run.cancelPending());
        run.attempt(1, null);
        return run.result;
    }

    /**
     * Waits for {@code future} on the calling thread, for callers whose own API is blocking; on
     * interruption the future is cancelled (which cancels its wait and attempt) and the interrupt is
     * kept.
     *
     * @throws InterruptedException when interrupted while waiting
     * @throws RetryStoppedException or the failure the future completed with, unwrapped when unchecked
     */
    public static <T> T await(CompletableFuture<T> future) throws InterruptedException {
        try {
            return future.get();
        } catch (InterruptedException e) {
            future.cancel(true);
            throw e;
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new CompletionException(cause);
        }
    }

    /** {@code t} without {@link CompletionException}/{@link ExecutionException} wrappers. */
    public static Throwable unwrap(Throwable t) {
        Throwable c = t;
        while ((c instanceof CompletionException || c instanceof ExecutionException) && c.getCause() != null) {
            c = c.getCause();
        }
        return c;
    }

    @Override
    public String toString() {
        return "RetryPolicy[" + backoff + ", attempts " + (maxAttempts == Integer.MAX_VALUE ? "unlimited" : maxAttempts)
                + (deadline == null ? "" : ", deadline " + deadline) + (breaker == null ? "" : ", " + breaker) + "]";
    }

    /** One run: its attempts, waits and result. */
    private final class Run<T> {
        final CompletableFuture<T> result = new CompletableFuture<>();
        final Attempt<T> attempt;
        final Classifier classifier;
        final RetryListener listener;
        final Instant deadlineAt;
        volatile Future<?> wait;
        volatile Future<?> inFlight;

        Run(Attempt<T> attempt, Classifier classifier, RetryListener listener, Instant deadlineAt) {
            this.attempt = attempt;
            this.classifier = classifier;
            this.listener = listener;
            this.deadlineAt = deadlineAt;
        }

        void attempt(int n, Throwable last) {
            if (result.isDone()) {
                return;
            }
            CircuitBreaker.Permit permit = null;
            if (breaker != null) {
                permit = breaker.tryAcquire();
                if (permit == null) {
                    stop(RetryStoppedException.Reason.CIRCUIT_OPEN, n - 1, null, last);
                    return;
                }
            }
            CompletionStage<T> stage;
            try {
                stage = Objects.requireNonNull(attempt.start(n), "the attempt returned null");
            } catch (Exception | Error e) {
                stage = CompletableFuture.failedFuture(e);
            }
            CompletableFuture<T> started = stage.toCompletableFuture();
            inFlight = started;
            CircuitBreaker.Permit p = permit;
            started.whenComplete((value, error) -> settle(n, p, value, error));
        }

        private void settle(int n, CircuitBreaker.Permit permit, T value, Throwable error) {
            if (error == null) {
                if (permit != null) {
                    permit.success();
                }
                result.complete(value);
                return;
            }
            Throwable failure = unwrap(error);
            if (result.isDone()) {
                if (permit != null) {
                    permit.release();
                }
                return;
            }
            Verdict verdict;
            try {
                verdict = Objects.requireNonNull(classifier.classify(failure, n), "the classifier returned null");
            } catch (RuntimeException | Error e) {
                if (permit != null) {
                    permit.release();
                }
                e.addSuppressed(failure);
                result.completeExceptionally(e);
                return;
            }
            if (permit != null) {
                if (verdict.counts()) {
                    permit.failure();
                } else {
                    permit.success();
                }
            }
            if (!verdict.retries()) {
                stop(RetryStoppedException.Reason.NOT_RETRYABLE, n, null, failure);
                return;
            }
            if (n >= maxAttempts) {
                stop(RetryStoppedException.Reason.ATTEMPTS_EXHAUSTED, n, null, failure);
                return;
            }
            Duration delay = switch (verdict.kind()) {
                case REQUESTED -> verdict.delay();
                case FIXED -> verdict.delay();
                default -> backoff.delay(n, random);
            };
            if (verdict.kind() == Verdict.Kind.REQUESTED && maxRetryAfter != null
                    && delay.compareTo(maxRetryAfter) > 0) {
                stop(RetryStoppedException.Reason.RETRY_AFTER_TOO_LONG, n, delay, failure);
                return;
            }
            if (deadlineAt != null && clock.instant().plus(delay).isAfter(deadlineAt)) {
                stop(RetryStoppedException.Reason.DEADLINE, n, null, failure);
                return;
            }
            try {
                listener.retrying(n, failure, delay);
            } catch (RuntimeException ignored) {
                // a logging callback must not end the run
            }
            try {
                wait = scheduler.schedule(() -> attempt(n + 1, failure), delay.toNanos(), TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException e) {
                stop(RetryStoppedException.Reason.REJECTED, n, null, failure);
            }
        }

        private void stop(RetryStoppedException.Reason reason, int attempts, Duration requested, Throwable last) {
            result.completeExceptionally(new RetryStoppedException(reason, attempts, requested, last));
        }

        void cancelPending() {
            if (!result.isCancelled()) {
                return;
            }
            Future<?> w = wait;
            if (w != null) {
                w.cancel(false);
            }
            Future<?> f = inFlight;
            if (f != null) {
                f.cancel(true);
            }
        }
    }

    /** Builds a {@link RetryPolicy}; setters check their argument at once. Not thread-safe. */
    public static final class Builder {
        private final ScheduledExecutorService scheduler;
        private Backoff backoff = Backoff.exponential(Duration.ofSeconds(1), Duration.ofSeconds(10));
        private int maxAttempts = 4;
        private Duration deadline;
        private Duration maxRetryAfter;
        private Clock clock = Clock.systemUTC();
        private RandomGenerator random;
        private CircuitBreaker breaker;

        private Builder(ScheduledExecutorService scheduler) {
            this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        }

        /** The waits between attempts; default full jitter from 1 s doubling to 10 s. */
        public Builder backoff(Backoff backoff) {
            this.backoff = Objects.requireNonNull(backoff, "backoff");
            return this;
        }

        /** Attempts per run, the first included; default 4. */
        public Builder maxAttempts(int maxAttempts) {
            if (maxAttempts < 1) {
                throw new IllegalArgumentException("maxAttempts must be at least 1, was " + maxAttempts);
            }
            this.maxAttempts = maxAttempts;
            return this;
        }

        /** No limit on attempts: retries until success, a stop verdict, the deadline or the breaker. */
        public Builder unlimitedAttempts() {
            this.maxAttempts = Integer.MAX_VALUE;
            return this;
        }

        /** No retry starts later than this after the run began; {@code null} (the default) for none. */
        public Builder deadline(Duration deadline) {
            if (deadline != null && deadline.isNegative()) {
                throw new IllegalArgumentException("deadline must not be negative, was " + deadline);
            }
            this.deadline = deadline;
            return this;
        }

        /** The longest server-requested wait honoured; a longer one ends the run. {@code null} (default): no cap. */
        public Builder maxRetryAfter(Duration maxRetryAfter) {
            if (maxRetryAfter != null && maxRetryAfter.isNegative()) {
                throw new IllegalArgumentException("maxRetryAfter must not be negative, was " + maxRetryAfter);
            }
            this.maxRetryAfter = maxRetryAfter;
            return this;
        }

        /** The time the deadline is measured in; default the UTC system clock. Must agree with the scheduler. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** The jitter source (thread-safe when shared); default {@code null}: each thread's ThreadLocalRandom. */
        public Builder random(RandomGenerator random) {
            this.random = random;
            return this;
        }

        /** The breaker every attempt asks first; default none. */
        public Builder circuitBreaker(CircuitBreaker breaker) {
            this.breaker = breaker;
            return this;
        }

        /** The policy. */
        public RetryPolicy build() {
            return new RetryPolicy(this);
        }
    }
}
