package io.github.whatsappai.ai;

import io.github.whatsappai.WhatsAppAiException;

/**
 * A responder could not produce a reply.
 */
public class AiResponderException extends WhatsAppAiException {

    private static final long serialVersionUID = 1L;

    private final int attempts;
    private final int httpStatus;
    private final boolean retryable;

    /**
     * @param message what failed, without secrets or user text
     * @param attempts how many requests were made
     * @param httpStatus the last HTTP status, or -1 (network error, timeout)
     * @param retryable whether trying again later may succeed
     * @param cause the last underlying error, or {@code null}
     */
    public AiResponderException(String message, int attempts, int httpStatus, boolean retryable, Throwable cause) {
        super(message, cause);
        this.attempts = attempts;
        this.httpStatus = httpStatus;
        this.retryable = retryable;
    }

    /** How many requests were made before giving up. */
    public int attempts() {
        return attempts;
    }

    /** The last HTTP status, or -1 when there was none (network error, timeout). */
    public int httpStatus() {
        return httpStatus;
    }

    /** Whether trying again later may succeed (rate limits, outages), as opposed to a bad key or request. */
    public boolean isRetryable() {
        return retryable;
    }
}
