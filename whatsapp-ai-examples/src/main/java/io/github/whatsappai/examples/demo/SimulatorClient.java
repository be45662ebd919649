package io.github.whatsappai.examples.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.whatsappai.testing.SignedWebhooks;
import io.github.whatsappai.testing.WebhookPayloads;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Plays a WhatsApp user against a running demo: builds a delivery as Meta would (compact JSON,
 * {@code \\uXXXX} escapes), signs it with the app secret, posts it to the webhook, and reads the
 * bot's replies from the demo's outbox. The {@link ChatSimulator} CLI and the end-to-end test use it.
 * Thread-safe.
 */
public final class SimulatorClient {

    /**
     * One delivery posted to the webhook.
     *
     * @param wamid the message id
     * @param body the exact bytes posted (redeliver them to simulate Meta's retries)
     * @param status the HTTP status the webhook answered
     */
    public record Delivery(String wamid, byte[] body, int status) {
    }

    /**
     * A message the bot sent to this user.
     *
     * @param seq its position in the demo's outbox
     * @param text its text
     * @param messageId its wamid
     */
    public record Reply(long seq, String text, String messageId) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI baseUri;
    private final String appSecret;
    private final String phoneNumberId;
    private final String waId;
    private final String profileName;
    private final Clock clock;
    private final HttpClient http;
    /** Message ids unique across simulator runs: the server remembers ids it has seen. */
    private final String idPrefix = "wamid.SIM" + Long.toHexString(new java.security.SecureRandom().nextLong()) + ".";
    private final java.util.concurrent.atomic.AtomicLong sequence = new java.util.concurrent.atomic.AtomicLong();

    /**
     * @param baseUri the demo's base URL, e.g. {@code http://127.0.0.1:8080}
     * @param appSecret the secret to sign with (the demo's: {@link DemoServer#DEMO_APP_SECRET})
     * @param phoneNumberId the business phone number id to write to
     * @param waId the user's number, digits only
     * @param profileName the user's display name
     * @param clock stamps the deliveries
     */
    public SimulatorClient(URI baseUri, String appSecret, String phoneNumberId, String waId, String profileName,
                           Clock clock) {
        this.baseUri = Objects.requireNonNull(baseUri, "baseUri");
        this.appSecret = Objects.requireNonNull(appSecret, "appSecret");
        this.phoneNumberId = Objects.requireNonNull(phoneNumberId, "phoneNumberId");
        if (waId == null || !waId.matches("\\d{7,15}")) {
            throw new IllegalArgumentException("the sender number must be 7 to 15 digits without '+', was '" + waId + "'");
        }
        this.waId = waId;
        this.profileName = profileName;
        this.clock = Objects.requireNonNull(clock, "clock");
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    /** The user's number. */
    public String waId() {
        return waId;
    }

    /** Sends one text message. */
    public Delivery send(String text) throws IOException, InterruptedException {
        WebhookPayloads.MessageBuilder message = WebhookPayloads.text(text)
                .wamid(idPrefix + sequence.incrementAndGet())
                .phoneNumberId(phoneNumberId)
                .from(waId)
                .userId(null)
                .profileName(profileName)
                .timestamp(clock.instant());
        byte[] body = message.toBytes();
        return new Delivery(wamidOf(body), body, post(body));
    }

    /** Sends several text messages one right after the other, as a user typing fast would. */
    public List<Delivery> sendBurst(List<String> texts) throws IOException, InterruptedException {
        List<Delivery> out = new ArrayList<>();
        for (String t : texts) {
            out.add(send(t));
        }
        return out;
    }

    /**
     * Uploads {@code file} to the local Graph API stand-in ({@code POST /{version}/{phone_number_id}/media},
     * multipart, as Meta takes it) and sends a media message carrying its id: {@code type} is
     * {@code audio} (a voice note), {@code image} or {@code document}.
     *
     * @param graphBase the stand-in's base URL, e.g. {@code http://127.0.0.1:8080/graph/v26.0}
     */
    public Delivery sendMedia(URI graphBase, String type, Path file, String caption)
            throws IOException, InterruptedException {
        byte[] data = Files.readAllBytes(file);
        String filename = file.getFileName().toString();
        String mimeType = mimeType(filename);
        String boundary = "----whatsapp-ai-" + Long.toHexString(System.nanoTime());
        java.io.ByteArrayOutputStream form = new java.io.ByteArrayOutputStream();
        form.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"messaging_product\"\r\n\r\n"
                + "whatsapp\r\n--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\""
                + filename.replace("\"", "") + "\"\r\nContent-Type: " + mimeType + "\r\n\r\n")
                .getBytes(StandardCharsets.UTF_8));
        form.writeBytes(data);
        form.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        HttpRequest upload = HttpRequest.newBuilder(URI.create(graphBase + "/" + phoneNumberId + "/media"))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer demo-local-token")
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(form.toByteArray()))
                .build();
        HttpResponse<String> response = http.send(upload, HttpResponse.BodyHandlers.ofString());
        JsonNode answer = JSON.readTree(response.body());
        if (response.statusCode() != 200 || !answer.path("id").isTextual()) {
            throw new IOException("the media upload answered " + response.statusCode() + ": "
                    + answer.path("error").path("message").asText(response.body()));
        }
        byte[] body = WebhookPayloads.media(type, answer.path("id").asText(), mimeType,
                        type.equals("audio") ? null : caption, type.equals("document") ? filename : null)
                .wamid(idPrefix + sequence.incrementAndGet())
                .phoneNumberId(phoneNumberId)
                .from(waId)
                .userId(null)
                .profileName(profileName)
                .timestamp(clock.instant())
                .toBytes();
        return new Delivery(wamidOf(body), body, post(body));
    }

    /** The MIME type a phone would give a file of this name. */
    static String mimeType(String filename) {
        String name = filename.toLowerCase(java.util.Locale.ROOT);
        String ext = name.substring(name.lastIndexOf('.') + 1);
        return switch (ext) {
            case "ogg", "opus", "oga" -> "audio/ogg; codecs=opus";
            case "mp3" -> "audio/mpeg";
            case "m4a" -> "audio/mp4";
            case "aac" -> "audio/aac";
            case "jpg", "jpeg" -> "image/jpeg";
            case "png" -> "image/png";
            case "webp" -> "image/webp";
            case "pdf" -> "application/pdf";
            default -> "application/octet-stream";
        };
    }

    /** Posts the same bytes again, as Meta does when it retries a delivery; returns the status. */
    public int redeliver(Delivery delivery) throws IOException, InterruptedException {
        return post(delivery.body());
    }

    /**
     * The bot's messages to this user after {@code afterSeq}, waiting up to {@code wait} for the
     * first one (long polling).
     */
    public List<Reply> replies(long afterSeq, Duration wait) throws IOException, InterruptedException {
        String query = "after=" + afterSeq + "&wait=" + wait.toMillis() + "&to="
                + URLEncoder.encode("+" + waId, StandardCharsets.UTF_8);
        HttpRequest request = HttpRequest.newBuilder(baseUri.resolve(DemoServer.OUTBOX_PATH + "?" + query))
                .timeout(wait.plusSeconds(10)).GET().build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("the demo's outbox answered " + response.statusCode()
                    + " (is this a demo server using the local Graph API stand-in?)");
        }
        List<Reply> replies = new ArrayList<>();
        for (JsonNode n : JSON.readTree(response.body())) {
            replies.add(new Reply(n.path("seq").asLong(), n.path("text").asText(), n.path("messageId").asText()));
        }
        return replies;
    }

    private int post(byte[] body) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(baseUri.resolve(DemoServer.WEBHOOK_PATH))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .header("X-Hub-Signature-256", SignedWebhooks.signature(body, appSecret))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static String wamidOf(byte[] body) throws IOException {
        return JSON.readTree(body).path("entry").path(0).path("changes").path(0).path("value")
                .path("messages").path(0).path("id").asText();
    }
}
