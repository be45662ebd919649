package io.github.whatsappai.client;

import io.github.whatsappai.webhook.model.Sender;

/**
 * Whom to send to. Replies go to {@code +} followed by the wa_id exactly as received (its digits are
 * never rewritten), or to the business-scoped user id when no wa_id is known.
 *
 * @param waId the user's wa_id (digits, no {@code +}), or {@code null}
 * @param userId the user's business-scoped id, or {@code null}
 */
public record Recipient(String waId, String userId) {

    public Recipient {
        if ((waId == null || waId.isEmpty()) && (userId == null || userId.isEmpty())) {
            throw new IllegalArgumentException("a recipient needs a wa_id or a business-scoped user id");
        }
    }

    /** The sender of an inbound message, as a recipient of the reply. */
    public static Recipient of(Sender sender) {
        return new Recipient(sender.waId(), sender.userId());
    }
}
