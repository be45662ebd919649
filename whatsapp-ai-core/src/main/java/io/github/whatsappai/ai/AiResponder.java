package io.github.whatsappai.ai;

/**
 * Writes one reply for one burst. Called on a worker thread, one burst per conversation at a time;
 * may block (an HTTP call) and must be thread-safe across conversations.
 */
@FunctionalInterface
public interface AiResponder {

    /**
     * Answers the burst.
     *
     * @throws AiResponderException when no reply could be produced after the responder's own retries;
     *         the pipeline then sends the configured apology or asks a fallback responder
     */
    AiReply respond(AiRequest request);

    /**
     * Whether this responder reads the bytes of voice notes, images and documents
     * ({@link AiRequest#media()}). When it does not, the conversation engine downloads nothing and
     * tells the user which items it could not read. Default {@code false}.
     */
    default boolean acceptsMedia() {
        return false;
    }
}
