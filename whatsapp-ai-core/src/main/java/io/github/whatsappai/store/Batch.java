package io.github.whatsappai.store;

import io.github.whatsappai.webhook.model.ConversationKey;
import io.github.whatsappai.webhook.model.InboundMessage;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One burst of a conversation, claimed from a {@link StateStore}.
 *
 * @param key the conversation
 * @param messages the burst's messages ordered by their timestamp, then by arrival; never empty
 * @param firstArrival when the buffer received the burst's first message
 * @param deadline when the burst became due (quiet window over, maximum wait reached or batch full)
 */
public record Batch(ConversationKey key, List<InboundMessage> messages, Instant firstArrival, Instant deadline) {

    public Batch {
        Objects.requireNonNull(key, "key");
        messages = List.copyOf(messages);
        if (messages.isEmpty()) {
            throw new IllegalArgumentException("a batch has at least one message");
        }
        Objects.requireNonNull(firstArrival, "firstArrival");
        Objects.requireNonNull(deadline, "deadline");
    }

    /** The number of messages. */
    public int size() {
        return messages.size();
    }

    /** The last message (the newest by timestamp). */
    public InboundMessage last() {
        return messages.get(messages.size() - 1);
    }

    /** Time from the first message's arrival to {@code now}. */
    public Duration waited(Instant now) {
        return Duration.between(firstArrival, now);
    }

    /** Time from the deadline to {@code now} (how late the hand-off is). */
    public Duration lateness(Instant now) {
        return Duration.between(deadline, now);
    }
}
