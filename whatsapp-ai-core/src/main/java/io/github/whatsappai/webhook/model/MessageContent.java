package io.github.whatsappai.webhook.model;

/**
 * The type-specific part of an {@link InboundMessage}. Implementations are records, one per
 * message type; a type this version does not know is an {@link UnknownContent}. Not sealed: Meta
 * adds types, and code written against this version must keep compiling and running.
 */
public interface MessageContent {

    /**
     * Describes the content as one line of text for the AI prompt and the chat log:
     * the text itself for text messages, {@code [image: caption]}, {@code [location: …]} and the
     * like for the others.
     */
    String describe();
}
