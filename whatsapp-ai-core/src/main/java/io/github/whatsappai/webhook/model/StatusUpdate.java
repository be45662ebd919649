package io.github.whatsappai.webhook.model;

import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * {@code statuses[]}: what happened to a message we sent.
 *
 * @param business the WABA and phone number id that sent the message
 * @param messageId the wamid returned when we sent it
 * @param status the new state
 * @param rawStatus the state as sent (useful when {@code status} is {@link Status#UNKNOWN})
 * @param timestamp when it happened
 * @param recipientId the recipient's wa_id, or {@code null} when we sent to a business-scoped id
 * @param recipientUserId the recipient's business-scoped id, or {@code null}
 * @param recipientType {@code individual} or {@code group}, or {@code null}
 * @param bizOpaqueCallbackData echoed from the send request, or {@code null}
 * @param pricingCategory {@code pricing.category}, or {@code null}
 * @param conversationId {@code conversation.id}, or {@code null}
 * @param errors why it failed ({@link Status#FAILED}), never {@code null}
 */
public record StatusUpdate(BusinessNumber business, String messageId, Status status, String rawStatus,
                           Instant timestamp, String recipientId, String recipientUserId, String recipientType,
                           String bizOpaqueCallbackData, String pricingCategory, String conversationId,
                           List<WebhookError> errors) {

    public StatusUpdate {
        errors = errors == null ? List.of() : List.copyOf(errors);
    }

    /** Outbound message states, in forward order; {@link #UNKNOWN} for states this version does not know. */
    public enum Status {
        SENT, DELIVERED, READ, PLAYED, FAILED, UNKNOWN;

        /** Maps the wire value, case-insensitively; anything else is {@link #UNKNOWN}. */
        public static Status fromWire(String value) {
            if (value == null) {
                return UNKNOWN;
            }
            try {
                return valueOf(value.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                return UNKNOWN;
            }
        }
    }
}
