package io.github.whatsappai.webhook;

import io.github.whatsappai.WhatsAppAiException;

/**
 * A webhook body that cannot be read at all: not JSON, not a JSON object, too deeply nested or not
 * valid UTF-8. {@link io.github.whatsappai.WhatsAppAi#handle} still answers a correctly signed body
 * with 200 (Meta would otherwise redeliver it for days) and reports it to the event listener.
 */
public final class MalformedWebhookException extends WhatsAppAiException {

    private static final long serialVersionUID = 1L;

    /** Creates the exception with a reason that names what could not be read. */
    public MalformedWebhookException(String message, Throwable cause) {
        super(message, cause);
    }
}
