package io.github.whatsappai.webhook.model;

import java.util.List;

/**
 * Everything one webhook POST carried, flattened over all {@code entry[] × changes[]}.
 *
 * @param object the top-level {@code object}; {@code whatsapp_business_account} for WhatsApp
 * @param messages every inbound message, in delivery order
 * @param statuses every status update, in delivery order
 * @param errors every {@code value.errors} item
 * @param otherChanges changes for fields other than {@code messages}
 * @param problems parts of the delivery that could not be read (reported, not fatal)
 */
public record WebhookDelivery(String object, List<InboundMessage> messages, List<StatusUpdate> statuses,
                              List<ChangeError> errors, List<OtherChange> otherChanges, List<String> problems) {

    /** The {@code object} value of WhatsApp deliveries. */
    public static final String WHATSAPP_OBJECT = "whatsapp_business_account";

    public WebhookDelivery {
        messages = List.copyOf(messages);
        statuses = List.copyOf(statuses);
        errors = List.copyOf(errors);
        otherChanges = List.copyOf(otherChanges);
        problems = List.copyOf(problems);
    }

    /** Whether {@link #object()} says this is a WhatsApp delivery. */
    public boolean isWhatsApp() {
        return WHATSAPP_OBJECT.equals(object);
    }
}
