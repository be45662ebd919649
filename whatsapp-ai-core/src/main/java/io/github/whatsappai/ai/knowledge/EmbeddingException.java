package io.github.whatsappai.ai.knowledge;

import io.github.whatsappai.WhatsAppAiException;

/**
 * An {@link Embedder} could not turn texts into vectors: the model is unreachable, refused the
 * request, or answered something unusable (a wrong count or a wrong dimension). The message says
 * what to check.
 */
public class EmbeddingException extends WhatsAppAiException {

    private static final long serialVersionUID = 1L;

    /** A failure described by {@code message}. */
    public EmbeddingException(String message) {
        super(message);
    }

    /** A failure described by {@code message}, caused by {@code cause}. */
    public EmbeddingException(String message, Throwable cause) {
        super(message, cause);
    }
}
