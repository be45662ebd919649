package io.github.whatsappai.internal.http;

import java.io.IOException;

/**
 * A response body was larger than the cap a {@link CappedBody} allowed; the transfer was
 * cancelled. {@link #size()} is what gave it away: the announced {@code Content-Length}, or the
 * bytes received when the cap was passed, so the body was at least that large.
 */
public final class BodyTooLargeException extends IOException {

    private static final long serialVersionUID = 1L;

    private final long cap;
    private final long size;

    /**
     * @param cap  the largest body allowed, in bytes
     * @param size the size seen, more than {@code cap}
     */
    public BodyTooLargeException(long cap, long size) {
        super("response body larger than " + cap + " bytes");
        this.cap = cap;
        this.size = size;
    }

    /** The largest body allowed, in bytes. */
    public long cap() {
        return cap;
    }

    /** The size seen (announced or received so far), in bytes: a lower bound of the body's size. */
    public long size() {
        return size;
    }
}
