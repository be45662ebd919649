package io.github.whatsappai.webhook.model;

import java.util.Objects;

/**
 * Identifies one conversation: a business phone number and one user, keyed by the user's
 * business-scoped id when present, else by the wa_id (see {@link Sender#conversationId()}).
 *
 * @param phoneNumberId the business phone number id the user wrote to
 * @param userKey the BSUID or the wa_id
 */
public record ConversationKey(String phoneNumberId, String userKey) {

    public ConversationKey {
        Objects.requireNonNull(phoneNumberId, "phoneNumberId");
        Objects.requireNonNull(userKey, "userKey");
    }

    /** The key of the conversation {@code message} belongs to. */
    public static ConversationKey of(InboundMessage message) {
        return new ConversationKey(message.business().phoneNumberId(), message.sender().conversationId());
    }

    /** Masks the user part, for logs. */
    @Override
    public String toString() {
        return phoneNumberId + "/" + io.github.whatsappai.internal.Redaction.maskId(userKey);
    }
}
