package io.github.whatsappai.ai;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.whatsappai.internal.http.JsonExchange;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;

/**
 * Encodes a chat-completions request: the JSON body ({@code model}, {@code models}, messages,
 * {@code temperature}, {@code max_completion_tokens}, the hashed {@code user}, {@code session_id},
 * {@code stream: false}) and the HTTP request around it (Bearer key, attribution headers, timeout).
 * See {@link OpenRouterResponder} for what each field holds. Thread-safe.
 */
final class OpenRouterRequestEncoder {

    /** Longest {@code session_id} OpenRouter accepts. */
    static final int MAX_SESSION_ID_CHARS = 256;

    private final ObjectMapper json;
    private final URI endpoint;
    private final String apiKey;
    private final String model;
    private final List<String> fallbackModels;
    private final String mediaModel;
    private final List<String> mediaFallbackModels;
    private final String appUrl;
    private final String appTitle;
    private final double temperature;
    private final int maxTokens;
    private final Duration requestTimeout;

    OpenRouterRequestEncoder(ObjectMapper json, URI endpoint, String apiKey, String model, List<String> fallbackModels,
                             String mediaModel, List<String> mediaFallbackModels,
                             String appUrl, String appTitle, double temperature, int maxTokens, Duration requestTimeout) {
        this.json = json;
        this.endpoint = endpoint;
        this.apiKey = apiKey;
        this.model = model;
        this.fallbackModels = List.copyOf(fallbackModels);
        this.mediaModel = mediaModel;
        this.mediaFallbackModels = List.copyOf(mediaFallbackModels);
        this.appUrl = appUrl;
        this.appTitle = appTitle;
        this.temperature = temperature;
        this.maxTokens = maxTokens;
        this.requestTimeout = requestTimeout;
    }

    /** The model asked for a request: the media model when files travel with it. */
    String modelFor(boolean media) {
        return media && mediaModel != null ? mediaModel : model;
    }

    /**
     * The JSON body of an answer; the same bytes are sent on every attempt. A prompt with files
     * ({@link PromptAssembler.Prompt#media()}) goes to the media model and its fallbacks, its last user
     * message as content parts ({@link MediaParts}).
     */
    byte[] body(AiRequest request, PromptAssembler.Prompt prompt) {
        return body(request, prompt.messages(), prompt.media(), temperature, maxTokens);
    }

    /**
     * A JSON body: {@code messages} for the media model and its fallbacks when {@code media}, else
     * for the text model, with the given temperature and token limit. Written by a streaming
     * generator into a buffer sized for the files among the messages, so a file is held once more
     * as base64 in the body and nowhere else.
     */
    byte[] body(AiRequest request, List<PromptAssembler.Message> messages, boolean media, double temperature,
                int maxTokens) {
        boolean toMediaModel = media && mediaModel != null;
        long estimate = 16_384;
        for (PromptAssembler.Message message : messages) {
            estimate += message.content().length() * 2L;
            for (PromptAssembler.Part part : message.parts()) {
                estimate += part.media() == null ? part.text().length() * 2L : (part.media().size() + 2L) / 3 * 4 + 256;
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.min(estimate, Integer.MAX_VALUE - 16));
        try (JsonGenerator g = json.getFactory().createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("model", toMediaModel ? mediaModel : model);
            List<String> fallbacks = toMediaModel ? mediaFallbackModels : fallbackModels;
            if (!fallbacks.isEmpty()) {
                g.writeArrayFieldStart("models");
                for (String fallback : fallbacks) {
                    g.writeString(fallback);
                }
                g.writeEndArray();
            }
            g.writeArrayFieldStart("messages");
            for (PromptAssembler.Message message : messages) {
                g.writeStartObject();
                g.writeStringField("role", message.role());
                if (message.parts().isEmpty()) {
                    g.writeStringField("content", message.content());
                } else {
                    g.writeArrayFieldStart("content");
                    MediaParts.write(g, message.parts());
                    g.writeEndArray();
                }
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeNumberField("temperature", temperature);
            g.writeNumberField("max_completion_tokens", maxTokens);
            g.writeStringField("user", sha256Hex(request.userId()));
            String sessionId = request.sessionId();
            g.writeStringField("session_id", sessionId.length() > MAX_SESSION_ID_CHARS ? sha256Hex(sessionId) : sessionId);
            g.writeBooleanField("stream", false);
            g.writeEndObject();
        } catch (IOException e) {
            throw new IllegalStateException("Could not serialise the OpenRouter request", e);
        }
        return out.toByteArray();
    }

    /** The HTTP request carrying {@code body}. */
    HttpRequest httpRequest(byte[] body) {
        HttpRequest.Builder request = JsonExchange.post(endpoint, requestTimeout, body)
                .header("Authorization", "Bearer " + apiKey);
        if (appUrl != null) {
            request.header("HTTP-Referer", appUrl);
        }
        if (appTitle != null) {
            request.header("X-OpenRouter-Title", appTitle);
            request.header("X-Title", appTitle);
        }
        return request.build();
    }

    private static String sha256Hex(String value) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(digest.digest(value.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
