package io.github.whatsappai.spi;

import io.github.whatsappai.ai.AiReply;
import io.github.whatsappai.webhook.model.InboundMessage;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One logged chat message, user or assistant.
 *
 * @param idempotencyKey unique per logical message: logging the same key twice must store it once
 * @param sessionId the session the message belongs to
 * @param userId the application's user id
 * @param channel always {@value #CHANNEL_WHATSAPP} for this SDK
 * @param phoneNumberId the business phone number id
 * @param waId the user's wa_id, or {@code null}
 * @param bsuid the user's business-scoped id, or {@code null}
 * @param direction inbound (from the user) or outbound (from the assistant)
 * @param messageId the wamid: of the inbound message, or of the first part sent; {@code null} when sending failed
 * @param outboundMessageIds every part's wamid of an outbound reply; empty for inbound messages
 * @param messageType {@code text}, {@code image}, … for inbound; {@code text} for replies
 * @param content the text (for non-text messages, the description given to the AI)
 * @param timestamp when the message was sent (inbound: Meta's timestamp)
 * @param loggedAt when the entry was made
 * @param model the model that wrote a reply, or {@code null}
 * @param promptTokens prompt tokens of a reply, or {@code null}
 * @param completionTokens completion tokens of a reply, or {@code null}
 * @param cost cost reported by the provider, or {@code null}
 * @param error why a reply could not be sent, or {@code null}
 */
public record ChatLogEntry(String idempotencyKey, String sessionId, String userId, String channel,
                           String phoneNumberId, String waId, String bsuid, Direction direction,
                           String messageId, List<String> outboundMessageIds, String messageType, String content,
                           Instant timestamp, Instant loggedAt, String model, Integer promptTokens,
                           Integer completionTokens, BigDecimal cost, String error) {

    public static final String CHANNEL_WHATSAPP = "whatsapp";

    public ChatLogEntry {
        Objects.requireNonNull(idempotencyKey, "idempotencyKey");
        Objects.requireNonNull(sessionId, "sessionId");
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(direction, "direction");
        channel = channel == null ? CHANNEL_WHATSAPP : channel;
        outboundMessageIds = outboundMessageIds == null ? List.of() : List.copyOf(outboundMessageIds);
    }

    /**
     * The entry for a message the user sent.
     *
     * @param content the text; for other types, the description given to the AI
     * @param loggedAt now; also the timestamp when Meta's is missing
     */
    public static ChatLogEntry inbound(String idempotencyKey, String sessionId, String userId, InboundMessage message,
                                       String content, Instant loggedAt) {
        return new ChatLogEntry(idempotencyKey, sessionId, userId, CHANNEL_WHATSAPP,
                message.business().phoneNumberId(), message.sender().waId(), message.sender().userId(),
                Direction.INBOUND, message.id(), List.of(), message.type(), content,
                message.timestamp() != null ? message.timestamp() : loggedAt, loggedAt,
                null, null, null, null, null);
    }

    /**
     * The entry for the assistant's reply to the burst whose last message is {@code answered}.
     *
     * @param messageIds every part's wamid, in order; empty when no part was sent
     * @param usage the reply's model, token counts and cost, or {@code null} for a fixed text
     * @param error why the reply could not be sent, or {@code null}
     */
    public static ChatLogEntry reply(String idempotencyKey, String sessionId, String userId, InboundMessage answered,
                                     List<String> messageIds, String text, Instant at, AiReply usage, String error) {
        List<String> ids = List.copyOf(messageIds);
        return new ChatLogEntry(idempotencyKey, sessionId, userId, CHANNEL_WHATSAPP,
                answered.business().phoneNumberId(), answered.sender().waId(), answered.sender().userId(),
                Direction.OUTBOUND, ids.isEmpty() ? null : ids.get(0), ids, "text", text, at, at,
                usage == null ? null : usage.model(),
                usage == null || usage.promptTokens() < 0 ? null : usage.promptTokens(),
                usage == null || usage.completionTokens() < 0 ? null : usage.completionTokens(),
                usage == null ? null : usage.cost(), error);
    }

    /** Who wrote a message. */
    public enum Direction {
        /** From the WhatsApp user; role {@code user}. */
        INBOUND,
        /** From the assistant; role {@code assistant}. */
        OUTBOUND;

        /** The chat role: {@code user} or {@code assistant}. */
        public String role() {
            return this == INBOUND ? "user" : "assistant";
        }
    }
}
