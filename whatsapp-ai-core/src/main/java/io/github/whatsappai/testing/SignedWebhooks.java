package io.github.whatsappai.testing;

import io.github.whatsappai.webhook.WebhookRequest;
import io.github.whatsappai.webhook.WebhookVerifier;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Builds webhook requests the way Meta sends them, for tests: {@code X-Hub-Signature-256} computed
 * over the exact body bytes with an app secret, and the GET verification handshake.
 *
 * <pre>{@code
 * byte[] body = WebhookPayloads.text("Hello").phoneNumberId("100000000000001").toBytes();
 * WebhookResponse r = ai.handle(SignedWebhooks.signedPost(body, "my_app_secret"));
 * }</pre>
 *
 * Stateless and thread-safe.
 */
public final class SignedWebhooks {

    /** The path used for requests built here. */
    public static final String PATH = "/webhook/whatsapp";

    private SignedWebhooks() {
    }

    /**
     * The {@code X-Hub-Signature-256} value for {@code body}: {@code sha256=} and 64 lowercase hex
     * digits of HMAC-SHA256 keyed with the UTF-8 bytes of {@code secret}.
     */
    public static String signature(byte[] body, String secret) {
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(secret, "secret");
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            byte[] digest = mac.doFinal(body);
            StringBuilder sb = new StringBuilder(WebhookVerifier.SIGNATURE_PREFIX.length() + 64)
                    .append(WebhookVerifier.SIGNATURE_PREFIX);
            for (byte b : digest) {
                sb.append(Character.forDigit((b >> 4) & 0xF, 16)).append(Character.forDigit(b & 0xF, 16));
            }
            return sb.toString();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
        }
    }

    /** A POST of {@code body} to {@value #PATH}, signed with {@code secret}, with JSON content type. */
    public static WebhookRequest signedPost(byte[] body, String secret) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/json");
        headers.put(WebhookVerifier.SIGNATURE_HEADER, signature(body, secret));
        return WebhookRequest.post(PATH, headers, body);
    }

    /** The GET Meta sends when the callback URL is saved: {@code hub.mode=subscribe}, the token and the challenge. */
    public static WebhookRequest handshake(String verifyToken, String challenge) {
        Objects.requireNonNull(verifyToken, "verifyToken");
        Objects.requireNonNull(challenge, "challenge");
        Map<String, String> query = new LinkedHashMap<>();
        query.put(WebhookVerifier.MODE_PARAMETER, "subscribe");
        query.put(WebhookVerifier.TOKEN_PARAMETER, verifyToken);
        query.put(WebhookVerifier.CHALLENGE_PARAMETER, challenge);
        return WebhookRequest.get(PATH, query);
    }
}
