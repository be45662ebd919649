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
 */
public record AiRequest(ConversationKey key, String userId, String sessionId, List<ChatTurn> history,
                        List<InboundMessage> messages, String userTurn) {

    public AiRequest {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(sessionId, "sessionId");
        history = List.copyOf(history);
        messages = List.copyOf(messages);
        Objects.requireNonNull(userTurn, "userTurn");
    }
}
