package io.github.whatsappai.event;

import io.github.whatsappai.internal.Redaction;
import io.github.whatsappai.webhook.model.BusinessNumber;
import io.github.whatsappai.webhook.model.InboundMessage;
import io.github.whatsappai.webhook.model.OtherChange;
import io.github.whatsappai.webhook.model.StatusUpdate;
import io.github.whatsappai.webhook.model.WebhookError;

import java.util.List;

/**
 * How the events' {@code toString} methods print the webhook records they carry: the user's ids
 * masked, names, message content and operator data left out, free text scrubbed of anything that
 * looks like a phone number or a business-scoped id. The business's own ids (WABA id, phone
 * number id, display number) are not personal data and are printed in full.
 */
final class EventText {

    private EventText() {
    }

    static String scrub(String text) {
        return Redaction.scrub(text);
    }

    static String maskId(String id) {
        return Redaction.maskId(id);
    }

    static String chars(String text) {
        return Redaction.chars(text);
    }

    static String scrubAll(List<String> texts) {
        if (texts == null) {
            return "-";
        }
        return texts.stream().map(Redaction::scrub).toList().toString();
    }

    static String business(BusinessNumber b) {
        return b == null ? "-" : "WABA " + b.wabaId() + "/" + b.phoneNumberId();
    }

    static String describe(StatusUpdate s) {
        if (s == null) {
            return "-";
        }
        String recipient = s.recipientId() != null ? s.recipientId() : s.recipientUserId();
        return scrub(s.rawStatus()) + " for " + scrub(s.messageId()) + " to " + maskId(recipient)
                + " (" + scrub(s.recipientType()) + ") from " + business(s.business())
                + (s.pricingCategory() == null ? "" : ", pricing " + scrub(s.pricingCategory()))
                + (s.bizOpaqueCallbackData() == null ? "" : ", callback data " + chars(s.bizOpaqueCallbackData()))
                + errors(s.errors());
    }

    static String describe(InboundMessage m) {
        if (m == null) {
            return "-";
        }
        return scrub(m.type()) + " " + scrub(m.id()) + " from " + maskId(m.sender().conversationId())
                + " to " + business(m.business()) + ", content " + m.content().getClass().getSimpleName()
                + errors(m.errors());
    }

    static String describe(WebhookError e) {
        if (e == null) {
            return "-";
        }
        return e.code() + " " + scrub(e.title()) + (e.message() == null ? "" : ": " + scrub(e.message()))
                + (e.details() == null ? "" : " (" + scrub(e.details()) + ")");
    }

    static String describe(OtherChange c) {
        if (c == null) {
            return "-";
        }
        String value = c.value() == null ? "-"
                : c.value().getNodeType().name().toLowerCase(java.util.Locale.ROOT)
                + (c.value().isContainerNode() ? " of " + c.value().size() + " entries" : "");
        return "field " + scrub(c.field()) + " of WABA " + c.wabaId() + ", value " + value;
    }

    private static String errors(List<WebhookError> errors) {
        if (errors == null || errors.isEmpty()) {
            return "";
        }
        return ", errors " + errors.stream().map(EventText::describe).toList();
    }
}
