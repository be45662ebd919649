package io.github.whatsappai.webhook;

import io.github.whatsappai.webhook.model.InboundMessage;

/**
 * Receives the messages the ingress accepted: signed, parsed, addressed to one of our numbers,
 * valid sender, sanitised, fresh, not a duplicate and within the sender's rate limit. Called on the
 * request thread, so an implementation must only enqueue (the conversation engine buffers them).
 *
 * <p>Messages that must reach a person arrive here: text, media, location, contacts, interactive,
 * button, order, {@code request_welcome} and {@code unsupported}. Reactions, statuses, system
 * messages and unknown types never do: they go to the {@link io.github.whatsappai.event.EventListener}.
 */
public interface InboundHandler {

    /** An accepted message to be answered. Must not block. */
    void onMessage(InboundMessage message);

    /**
     * The sender of {@code message} went over the rate limit for the first time this minute; tell
     * them once. The message itself is dropped. Must not block.
     */
    default void onRateLimited(InboundMessage message) {
    }
}
