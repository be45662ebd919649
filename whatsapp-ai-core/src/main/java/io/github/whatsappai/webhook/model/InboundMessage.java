package io.github.whatsappai.webhook.model;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One inbound message of a delivery, with the business number it was sent to and its sender.
 *
 * @param id the wamid: de-duplication key and target of read receipts and replies
 * @param business the WABA and phone number id the message was sent to
 * @param sender who sent it
 * @param timestamp when Meta says it was sent (webhook seconds)
 * @param type the wire type, e.g. {@code text}; for unknown types the raw string
 * @param content the type-specific part
 * @param context what it replies to or that it was forwarded, or {@code null}
 * @param referral the ad or post the user came from, or {@code null}
 * @param errors errors Meta attached (for {@code unsupported}), never {@code null}
 * @param groupId group id for group messages, or {@code null}
 */
public record InboundMessage(String id, BusinessNumber business, Sender sender, Instant timestamp, String type,
                             MessageContent content, MessageContext context, Referral referral,
                             List<WebhookError> errors, String groupId) {

    public InboundMessage {
        Objects.requireNonNull(business, "business");
        Objects.requireNonNull(sender, "sender");
        Objects.requireNonNull(content, "content");
        errors = errors == null ? List.of() : List.copyOf(errors);
    }
}
