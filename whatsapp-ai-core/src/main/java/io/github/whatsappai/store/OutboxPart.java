package io.github.whatsappai.store;

import io.github.whatsappai.webhook.model.ConversationKey;

import java.util.Objects;

/**
 * One part of a stored reply (a reply longer than WhatsApp's limit is split into parts, sent in
 * order).
 *
 * @param id unique across instances; sent as {@code biz_opaque_callback_data} so that a status
 *           webhook confirms a send whose HTTP answer was lost
 * @param key the conversation
 * @param index the part's position, from 0
 * @param text the part's text, already formatted for WhatsApp
 * @param state where the part is
 * @param wamid Meta's message id once accepted, else {@code null}
 * @param attempts failed attempts so far
 * @param retryAt not to be tried before, epoch milliseconds
 * @param expiresAt when WhatsApp's customer-service window closes for it, epoch milliseconds
 */
public record OutboxPart(String id, ConversationKey key, int index, String text, State state, String wamid,
                         int attempts, long retryAt, long expiresAt) {

    /** Where a part is. */
    public enum State {
        /** Not sent yet, or failed and waiting for its retry. */
        PENDING,
        /** A request may have reached Meta without an answer: waiting for a status to confirm it. */
        AMBIGUOUS,
        /** Accepted by Meta ({@link #wamid()} set). */
        SENT,
        /** Given up: the window closed, or Meta refused it for good. */
        ABANDONED
    }

    public OutboxPart {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(state, "state");
    }

    /** Whether this part still needs sending. */
    public boolean open() {
        return state == State.PENDING || state == State.AMBIGUOUS;
    }
}
