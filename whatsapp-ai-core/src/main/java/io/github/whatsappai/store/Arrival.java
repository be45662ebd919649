package io.github.whatsappai.store;

import io.github.whatsappai.webhook.model.ConversationKey;
import io.github.whatsappai.webhook.model.InboundMessage;

import java.util.Objects;

/**
 * A message the ingress accepted, on its way into the {@link StateStore}.
 *
 * @param key the conversation as the delivery names it; the store may map it to the key it already
 *            links this person to
 * @param message the sanitised message (its id is the ledger key)
 * @param arrivedAt when the webhook received it, epoch milliseconds
 */
public record Arrival(ConversationKey key, InboundMessage message, long arrivedAt) {

    public Arrival {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(message.id(), "message.id");
    }
}
