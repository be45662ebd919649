package io.github.whatsappai.spi;

import io.github.whatsappai.webhook.model.ConversationKey;

import java.time.Instant;
import java.util.Objects;

/**
 * A conversation session: one continuous exchange with a user, ended by inactivity or a reset word.
 *
 * @param id the session id the chat log is grouped by
 * @param key the conversation it belongs to
 * @param userId the application's user id
 * @param startedAt when it started
 * @param lastActivityAt the last message in it
 * @param created whether this call started it
 */
public record Session(String id, ConversationKey key, String userId, Instant startedAt, Instant lastActivityAt,
                      boolean created) {

    public Session {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(userId, "userId");
    }
}
