package io.github.whatsappai.client;

import io.github.whatsappai.WhatsAppAiException;

/**
 * A media download was refused because the file is larger than the client's cap, announced by
 * {@code Content-Length} or noticed while streaming. Nothing of the file is kept. Immutable.
 */
public class MediaTooLargeException extends WhatsAppAiException {

    private static final long serialVersionUID = 1L;

    private final long limitBytes;

    /**
     * Creates the exception.
     *
     * @param limitBytes the cap that was exceeded
     * @param observedBytes the announced size, or the bytes received when the cap was passed
     */
    public MediaTooLargeException(long limitBytes, long observedBytes) {
        super("media larger than the cap of " + limitBytes + " bytes (at least " + observedBytes + " bytes)");
        this.limitBytes = limitBytes;
    }

    /** The cap that was exceeded, in bytes. */
    public long limitBytes() {
        return limitBytes;
    }
}
