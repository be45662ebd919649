package io.github.whatsappai.client;

/**
 * A message to send through {@link WhatsAppClient#send}: text, reaction, template, interactive
 * buttons or list. Implementations are the records in this package; each validates WhatsApp's
 * limits when constructed.
 */
public interface OutboundMessage {

    /** The Graph API {@code type}, e.g. {@code text}. */
    String type();
}
