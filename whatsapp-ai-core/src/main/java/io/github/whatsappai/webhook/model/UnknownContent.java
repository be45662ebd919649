package io.github.whatsappai.webhook.model;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A message type this version of the SDK does not know. Kept with its raw JSON so an application
 * can still handle it; it is not sent to the AI.
 *
 * @param type the {@code type} as sent
 * @param raw the whole message object
 */
public record UnknownContent(String type, JsonNode raw) implements MessageContent {

    @Override
    public String describe() {
        return "[" + type + "]";
    }
}
