package io.github.whatsappai.webhook.model;

/** An error in {@code value.errors}: system, app or account level, for one business number. */
public record ChangeError(BusinessNumber business, WebhookError error) {
}
