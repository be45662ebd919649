package io.github.whatsappai.webhook;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * What an adapter writes back: a status, a content type and a short text body.
 *
 * @param status HTTP status; exactly 200 for every correctly signed delivery
 * @param contentType the {@code Content-Type}, e.g. {@code text/plain;charset=UTF-8}
 * @param body the body text (the handshake challenge, verbatim, or a short reason)
 */
public record WebhookResponse(int status, String contentType, String body) {

    public static final String TEXT_PLAIN = "text/plain;charset=UTF-8";

    public WebhookResponse {
        Objects.requireNonNull(contentType, "contentType");
        body = body == null ? "" : body;
    }

    /** A plain-text response. */
    public static WebhookResponse text(int status, String body) {
        return new WebhookResponse(status, TEXT_PLAIN, body);
    }

    /** The body encoded as UTF-8. */
    public byte[] bodyBytes() {
        return body.getBytes(StandardCharsets.UTF_8);
    }
}
