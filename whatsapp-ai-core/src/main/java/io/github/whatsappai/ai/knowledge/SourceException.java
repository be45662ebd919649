package io.github.whatsappai.ai.knowledge;

/**
 * A knowledge-base source could not be loaded this time; the message is the reason reported in
 * {@link io.github.whatsappai.event.Event.KnowledgeBaseLoadFailed} (no secrets, no document text).
 */
final class SourceException extends Exception {

    private static final long serialVersionUID = 1L;

    SourceException(String reason) {
        super(reason);
    }

    SourceException(String reason, Throwable cause) {
        super(reason, cause);
    }
}
