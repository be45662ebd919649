package io.github.whatsappai.webhook.model;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A change whose {@code field} is not {@code messages} (account updates, template status, …): passed
 * to listeners as is.
 */
public record OtherChange(String wabaId, String field, JsonNode value) {
}
