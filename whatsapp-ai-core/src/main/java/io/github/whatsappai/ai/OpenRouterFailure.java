package io.github.whatsappai.ai;

import java.time.Duration;

/**
 * One failed OpenRouter attempt, classified: the HTTP status (or -1), whether another attempt may
 * succeed, the delay the provider asked for, and a reason fit for an exception message (no key, no
 * user text). Travels through the retry layer as the attempt's failure; carries no stack trace.
 */
final class OpenRouterFailure extends Exception {

    private static final long serialVersionUID = 1L;

    private final int status;
    private final boolean retryable;
    private final transient Duration retryAfter;

    OpenRouterFailure(int status, boolean retryable, Duration retryAfter, String reason, Throwable cause) {
        super(reason, cause, false, false);
        this.status = status;
        this.retryable = retryable;
        this.retryAfter = retryAfter;
    }

    /** The HTTP status, or -1 when there was no response. */
    int status() {
        return status;
    }

    boolean retryable() {
        return retryable;
    }

    /** The delay the provider asked for, or {@code null}. */
    Duration retryAfter() {
        return retryAfter;
    }

    /** Why the attempt failed, without secrets or user text. */
    String reason() {
        return getMessage();
    }
}
