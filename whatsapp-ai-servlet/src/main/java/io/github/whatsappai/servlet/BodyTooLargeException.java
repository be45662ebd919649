package io.github.whatsappai.servlet;

import java.io.IOException;

/**
 * A request body was larger than the configured cap. Thrown by
 * {@link WebhookServletAdapter#toWebhookRequest(jakarta.servlet.http.HttpServletRequest)} either before
 * reading anything (the declared {@code Content-Length} is above the cap) or as soon as one byte more
 * than the cap has been read (a chunked body, or one without a length). Answer it with
 * {@value WebhookServletAdapter#STATUS_PAYLOAD_TOO_LARGE}, as
 * {@link WebhookServletAdapter#writeBodyTooLarge(BodyTooLargeException, jakarta.servlet.http.HttpServletResponse)}
 * does.
 */
public final class BodyTooLargeException extends IOException {

    private static final long serialVersionUID = 1L;

    /** The cap in bytes. */
    private final int limit;
    /** The declared length, or {@code -1}. */
    private final long declaredLength;

    /**
     * @param limit the cap in bytes
     * @param declaredLength the {@code Content-Length} the client declared, or {@code -1} when unknown
     */
    public BodyTooLargeException(int limit, long declaredLength) {
        super(declaredLength >= 0
                ? "Request body of " + declaredLength + " bytes exceeds the limit of " + limit + " bytes"
                : "Request body exceeds the limit of " + limit + " bytes");
        this.limit = limit;
        this.declaredLength = declaredLength;
    }

    /**
     * The cap the body exceeded.
     *
     * @return the cap in bytes
     */
    public int limit() {
        return limit;
    }

    /**
     * What the client declared.
     *
     * @return the declared {@code Content-Length}, or {@code -1} when the client did not declare one
     */
    public long declaredLength() {
        return declaredLength;
    }
}
