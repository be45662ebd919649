package io.github.whatsappai.ai;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.whatsappai.internal.http.JsonExchange;

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

    /** The model asked for {@code request}: the media model when it carries media. */
    String modelFor(AiRequest request) {
        return request.hasMedia() && mediaModel != null ? mediaModel : model;
    }

    /**
     * The JSON body; the same bytes are sent on every attempt. A burst with media goes to the media
     * model and its fallbacks, its last user message as content parts ({@link MediaParts}).
     */
    byte[] body(AiRequest request, PromptAssembler.Prompt prompt) {
        boolean media = request.hasMedia() && mediaModel != null;
        ObjectNode root = json.createObjectNode();
        root.put("model", media ? mediaModel : model);
        List<String> fallbacks = media ? mediaFallbackModels : fallbackModels;
        if (!fallbacks.isEmpty()) {
            ArrayNode models = root.putArray("models");
            fallbacks.forEach(models::add);
        }
        ArrayNode messages = root.putArray("messages");
        for (PromptAssembler.Message message : prompt.messages()) {
            ObjectNode m = messages.addObject().put("role", message.role());
            if (message.parts().isEmpty()) {
                m.put("content", message.content());
            } else {
                MediaParts.write(m.putArray("content"), message.parts());
            }
        }
        root.put("temperature", temperature);
        root.put("max_completion_tokens", maxTokens);
        root.put("user", sha256Hex(request.userId()));
        String sessionId = request.sessionId();
        root.put("session_id", sessionId.length() > MAX_SESSION_ID_CHARS ? sha256Hex(sessionId) : sessionId);
        root.put("stream", false);
        try {
            return json.writeValueAsBytes(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Could not serialise the OpenRouter request", e);
        }
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
