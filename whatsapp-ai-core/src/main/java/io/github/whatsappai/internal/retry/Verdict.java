package io.github.whatsappai.internal.retry;

import java.time.Duration;
import java.util.Objects;

/**
 * What a {@link RetryPolicy} does after a failed attempt, as the caller's classifier decides.
 * Besides deciding the wait, a verdict tells the {@link CircuitBreaker} whether the failure counts
 * against the remote side: a refusal ({@link #stop()}) shows the remote side up and answering, so it
 * does not.
 */
public final class Verdict {

    enum Kind { STOP, STOP_COUNTED, BACKOFF, REQUESTED, FIXED }

    private static final Verdict STOP = new Verdict(Kind.STOP, null);
    private static final Verdict STOP_COUNTED = new Verdict(Kind.STOP_COUNTED, null);
    private static final Verdict BACKOFF = new Verdict(Kind.BACKOFF, null);

    private final Kind kind;
    private final Duration delay;

    private Verdict(Kind kind, Duration delay) {
        this.kind = kind;
        this.delay = delay;
    }

    /** Do not retry: a refusal that another try would get again. Not counted by the breaker. */
    public static Verdict stop() {
        return STOP;
    }

    /**
     * Do not retry, but count the failure against the remote side (e.g. a timeout after the request
     * was written, which must not be repeated but still says the remote side is in trouble).
     */
    public static Verdict stopCounted() {
        return STOP_COUNTED;
    }

    /** Retry after the policy's {@link Backoff} delay. */
    public static Verdict backoff() {
        return BACKOFF;
    }

    /**
     * Retry after the delay the server asked for ({@code Retry-After}); a delay longer than the
     * policy's {@code maxRetryAfter} ends the retries. {@code null} means none was asked: backoff.
     */
    public static Verdict retryAfter(Duration requested) {
        return requested == null ? BACKOFF : new Verdict(Kind.REQUESTED, nonNegative(requested));
    }

    /** Retry after exactly {@code delay}, worked out by the caller (not capped by {@code maxRetryAfter}). */
    public static Verdict retryIn(Duration delay) {
        return new Verdict(Kind.FIXED, nonNegative(delay));
    }

    private static Duration nonNegative(Duration d) {
        Objects.requireNonNull(d, "delay");
        return d.isNegative() ? Duration.ZERO : d;
    }

    Kind kind() {
        return kind;
    }

    Duration delay() {
        return delay;
    }

    /** Whether this verdict asks for another attempt. */
    public boolean retries() {
        return kind != Kind.STOP && kind != Kind.STOP_COUNTED;
    }

    /** Whether the breaker counts the failure. */
    boolean counts() {
        return kind != Kind.STOP;
    }

    @Override
    public String toString() {
        return delay == null ? kind.toString() : kind + " " + delay;
    }
}
