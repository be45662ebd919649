package io.github.whatsappai.internal.retry;

import java.time.Duration;

/**
 * A {@link RetryPolicy} gave up. {@link #getCause()} is the last attempt's failure ({@code null}
 * when the circuit breaker refused the first attempt); {@link #reason()} says why no further attempt
 * was made. The message is the policy's own; callers build theirs from the parts.
 */
public final class RetryStoppedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Why the retries ended. */
    public enum Reason {
        /** The classifier said the failure is not worth retrying. */
        NOT_RETRYABLE,
        /** Every allowed attempt was made. */
        ATTEMPTS_EXHAUSTED,
        /** The next attempt would start after the overall deadline. */
        DEADLINE,
        /** The server asked for a wait longer than the policy's {@code maxRetryAfter}. */
        RETRY_AFTER_TOO_LONG,
        /** The circuit breaker is open: the remote side is failing, no call was made. */
        CIRCUIT_OPEN,
        /** The scheduler refused the wait (it is shut down). */
        REJECTED
    }

    private final Reason reason;
    private final int attempts;
    private final transient Duration requestedDelay;

    RetryStoppedException(Reason reason, int attempts, Duration requestedDelay, Throwable lastFailure) {
        super(reason + " after " + attempts + " attempt(s)", lastFailure, false, false);
        this.reason = reason;
        this.attempts = attempts;
        this.requestedDelay = requestedDelay;
    }

    /** Why the retries ended. */
    public Reason reason() {
        return reason;
    }

    /** How many attempts were started. */
    public int attempts() {
        return attempts;
    }

    /** For {@link Reason#RETRY_AFTER_TOO_LONG}, the delay the server asked for; else {@code null}. */
    public Duration requestedDelay() {
        return requestedDelay;
    }

    /** The last attempt's failure, unwrapped from {@link java.util.concurrent.CompletionException}; may be {@code null}. */
    public Throwable lastFailure() {
        return getCause();
    }
}
