package io.github.whatsappai.ai;

import io.github.whatsappai.webhook.model.ConversationKey;
import io.github.whatsappai.webhook.model.InboundMessage;

import java.util.List;
import java.util.Objects;

/**
 * What a responder answers: one burst of a conversation.
 *
 * @param key the conversation
 * @param userId the application's user id
 * @param sessionId the session id
 * @param history earlier turns of the session, oldest first, within the configured window
 * @param messages the burst's messages, in order
 * @param userTurn the burst merged into one user turn: texts in order, other types described
 *                 ({@code [image: caption]}), sanitised and capped
 * @param media the burst's downloaded media, in message order; empty for a text-only burst and for
 *              responders that do not {@linkplain AiResponder#acceptsMedia() accept media}
 */
public record AiRequest(ConversationKey key, String userId, String sessionId, List<ChatTurn> history,
                        List<InboundMessage> messages, String userTurn, List<MediaAttachment> media) {

    public AiRequest {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(sessionId, "sessionId");
        history = List.copyOf(history);
        messages = List.copyOf(messages);
        Objects.requireNonNull(userTurn, "userTurn");
        media = media == null ? List.of() : List.copyOf(media);
    }

    /** A request without media. */
    public AiRequest(ConversationKey key, String userId, String sessionId, List<ChatTurn> history,
                     List<InboundMessage> messages, String userTurn) {
        this(key, userId, sessionId, history, messages, userTurn, List.of());
    }

    /** Whether the burst carries downloaded media. */
    public boolean hasMedia() {
        return !media.isEmpty();
    }
}
