package io.github.whatsappai.store;

import io.github.whatsappai.webhook.model.ConversationKey;

import java.util.Objects;

/**
 * What {@link StateStore#append} did with one {@link Arrival}.
 *
 * @param outcome accepted or a duplicate
 * @param key the canonical conversation key (the person's linked key)
 * @param dueAt when the conversation's burst is due, epoch milliseconds, or {@link StateStore#NONE}
 *              (duplicate, or a burst of this conversation is being answered)
 */
public record Appended(Outcome outcome, ConversationKey key, long dueAt) {

    /** Accepted or a duplicate. */
    public enum Outcome {
        /** New: recorded and pending; it will be answered. */
        ACCEPTED,
        /** The ledger already holds its id: a redelivery, to this instance or another. */
        DUPLICATE
    }

    public Appended {
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(key, "key");
    }

    /** Whether the message was new. */
    public boolean accepted() {
        return outcome == Outcome.ACCEPTED;
    }
}
