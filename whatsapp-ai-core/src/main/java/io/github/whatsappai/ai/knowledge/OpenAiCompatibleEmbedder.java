package io.github.whatsappai.ai.knowledge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.whatsappai.internal.SettingsCheck;
import io.github.whatsappai.internal.http.HttpClients;
import io.github.whatsappai.internal.http.JsonExchange;
import io.github.whatsappai.internal.retry.Backoff;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeoutException;

/**
 * An {@link Embedder} over an OpenAI-compatible {@code POST {baseUrl}/embeddings} endpoint: the
 * hosted providers (OpenAI, OpenRouter-style gateways, Mistral, Together, …) and local servers
 * such as Ollama ({@code http://localhost:11434/v1}) or LM Studio ({@code http://localhost:1234/v1}).
 *
 * <p>Texts are sent in batches of at most {@link Builder#batchSize(int)} (default
 * {@value #DEFAULT_BATCH_SIZE}); each exchange, body included, is bounded by
 * {@link Builder#timeout(Duration)} (default 30 s) and the response by
 * {@value #MAX_RESPONSE_BYTES} bytes. A connection failure, a timeout, 408, 429 and 5xx are retried
 * up to {@link Builder#maxAttempts(int)} times in all (default 3), waiting a full-jitter backoff
 * from {@link Builder#retryDelay(Duration)} (default 500 ms) doubling, or the server's
 * {@code Retry-After} seconds when it sends them (at most 30 s). Other statuses fail at once with
 * the provider's error message. A search query's vector ({@link #embedQuery}) gets one attempt
 * within {@link Builder#queryTimeout(Duration)} (default 5 s) instead: a reply waits for it, and the
 * knowledge base answers lexically when it fails. Every vector must have the same length, and the length set with
 * {@link Builder#dimensions(int)} when one is set: a mismatch fails with an
 * {@link EmbeddingException} that names both lengths. The API key is sent as a bearer token and
 * never appears in messages. Thread-safe.
 */
public final class OpenAiCompatibleEmbedder implements Embedder {

    /** Texts per request unless configured otherwise: 64. */
    public static final int DEFAULT_BATCH_SIZE = 64;
    /** Largest response accepted: 64 MiB. */
    public static final int MAX_RESPONSE_BYTES = 64 * 1024 * 1024;
    private static final Duration MAX_RETRY_AFTER = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI endpoint;
    private final String model;
    private final String apiKey;
    private final int dimensions;
    private final int batchSize;
    private final Duration timeout;
    private final Duration queryTimeout;
    private final int maxAttempts;
    private final JsonExchange exchange;
    /** Waits between attempts; null when retries go at once. */
    private final Backoff backoff;

    private OpenAiCompatibleEmbedder(Builder b) {
        String base = b.baseUrl.endsWith("/") ? b.baseUrl.substring(0, b.baseUrl.length() - 1) : b.baseUrl;
        this.endpoint = URI.create(base + "/embeddings");
        this.model = b.model;
        this.apiKey = b.apiKey;
        this.dimensions = b.dimensions;
        this.batchSize = b.batchSize;
        this.timeout = b.timeout;
        this.queryTimeout = b.queryTimeout;
        this.maxAttempts = b.maxAttempts;
        this.exchange = new JsonExchange(b.httpClient != null ? b.httpClient : HttpClients.standard());
        this.backoff = b.retryDelay.isZero() ? null : Backoff.exponential(b.retryDelay, MAX_RETRY_AFTER);
    }

    /**
     * A builder for the endpoint under {@code baseUrl} (e.g. {@code https://api.openai.com/v1})
     * and {@code model} (e.g. {@code text-embedding-3-small}, {@code nomic-embed-text}).
     */
    public static Builder builder(String baseUrl, String model) {
        return new Builder(baseUrl, model);
    }

    @Override
    public String modelId() {
        return endpoint + "#" + model + (dimensions > 0 ? "#" + dimensions : "");
    }

    @Override
    public int maxBatchSize() {
        return batchSize;
    }

    /**
     * One vector per text, in order, in as many requests as the batch size needs.
     *
     * @throws EmbeddingException when the server cannot be reached within the attempts, refuses
     *         the request, or answers vectors of the wrong number or length
     */
    @Override
    public List<float[]> embed(List<String> texts) {
        List<float[]> out = new ArrayList<>(texts.size());
        int dimension = dimensions;
        for (int from = 0; from < texts.size(); from += batchSize) {
            List<String> batch = texts.subList(from, Math.min(texts.size(), from + batchSize));
            for (float[] v : embedBatch(batch, maxAttempts, timeout)) {
                if (dimension == 0) {
                    dimension = v.length;
                } else if (v.length != dimension) {
                    throw new EmbeddingException("the embeddings endpoint " + endpoint + " returned a vector of "
                            + v.length + " dimensions for model " + model + " where " + dimension
                            + " were expected; check the model name and the configured dimensions");
                }
                out.add(v);
            }
        }
        return out;
    }

    /**
     * The query's vector in one attempt within {@link Builder#queryTimeout(Duration)} (default 5 s):
     * a search waits for it on the way to a reply, and falls back to lexical retrieval when it fails.
     *
     * @throws EmbeddingException when the server does not answer in time, refuses, or answers a vector
     *         of another length than the configured dimensions
     */
    @Override
    public float[] embedQuery(String query) {
        float[] v = embedBatch(List.of(query), 1, queryTimeout).get(0);
        if (dimensions > 0 && v.length != dimensions) {
            throw new EmbeddingException("the embeddings endpoint " + endpoint + " returned a vector of " + v.length
                    + " dimensions for model " + model + " where " + dimensions + " were configured");
        }
        return v;
    }

    private List<float[]> embedBatch(List<String> batch, int maxAttempts, Duration timeout) {
        byte[] body = requestBody(batch);
        EmbeddingException last = null;
        Duration serverWait = null;
        for (int attempt = 1; attempt <= maxAttempts; attempt++) {
            if (attempt > 1) {
                pause(serverWait != null ? serverWait : backoff == null ? Duration.ZERO : backoff.delay(attempt - 1, null));
                serverWait = null;
            }
            Exchange exchange;
            try {
                exchange = exchange(body, timeout);
            } catch (TimeoutException e) {
                last = new EmbeddingException("the embeddings endpoint " + endpoint + " did not answer within "
                        + timeout.toMillis() + " ms (attempt " + attempt + " of " + maxAttempts + ")");
                continue;
            } catch (IOException e) {
                last = new EmbeddingException("cannot reach the embeddings endpoint " + endpoint + ": " + e
                        + " (attempt " + attempt + " of " + maxAttempts + "); is the server running?", e);
                continue;
            }
            if (exchange.status() / 100 == 2) {
                return parse(exchange.body(), batch.size());
            }
            String message = "the embeddings endpoint " + endpoint + " answered " + exchange.status() + " for model "
                    + model + ": " + errorText(exchange.body());
            if (exchange.status() == 408 || exchange.status() == 429 || exchange.status() >= 500) {
                last = new EmbeddingException(message + " (attempt " + attempt + " of " + maxAttempts + ")");
                serverWait = exchange.retryAfter().orElse(null);
                continue;
            }
            throw new EmbeddingException(message + (exchange.status() == 401 || exchange.status() == 403
                    ? "; check the API key" : exchange.status() == 404 ? "; check the base URL and the model name" : ""));
        }
        throw last;
    }

    private record Exchange(int status, byte[] body, Optional<Duration> retryAfter) {
    }

    private Exchange exchange(byte[] body, Duration timeout) throws IOException, TimeoutException {
        HttpRequest.Builder request = JsonExchange.post(endpoint, timeout, body);
        if (apiKey != null) {
            request.header("Authorization", "Bearer " + apiKey);
        }
        try {
            JsonExchange.Response response = exchange.send(request.build(), MAX_RESPONSE_BYTES,
                    size -> new EmbeddingException("the embeddings endpoint " + endpoint + " answered more than "
                            + MAX_RESPONSE_BYTES + " bytes; lower the batch size")).join();
            return new Exchange(response.status(), response.body(), retryAfter(response.headers()));
        } catch (java.util.concurrent.CompletionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof EmbeddingException ee) {
                throw ee;
            }
            if (cause instanceof java.net.http.HttpTimeoutException t) {
                throw new TimeoutException(t.getMessage());
            }
            if (cause instanceof IOException io) {
                throw io;
            }
            throw new EmbeddingException("the request to the embeddings endpoint " + endpoint + " failed: " + cause, cause);
        }
    }

    private static Optional<Duration> retryAfter(java.net.http.HttpHeaders headers) {
        return headers.firstValue("Retry-After").flatMap(v -> {
            try {
                long seconds = Long.parseLong(v.strip());
                return Optional.of(Duration.ofSeconds(Math.max(0, seconds)));
            } catch (NumberFormatException notSeconds) {
                return Optional.empty();
            }
        }).map(d -> d.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : d);
    }

    private byte[] requestBody(List<String> batch) {
        ObjectNode root = JSON.createObjectNode();
        root.put("model", model);
        ArrayNode input = root.putArray("input");
        for (String t : batch) {
            input.add(t.isEmpty() ? " " : t);
        }
        root.put("encoding_format", "float");
        if (dimensions > 0) {
            root.put("dimensions", dimensions);
        }
        try {
            return JSON.writeValueAsBytes(root);
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode an embeddings request", e);
        }
    }

    private List<float[]> parse(byte[] body, int expected) {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (IOException e) {
            throw new EmbeddingException("the embeddings endpoint " + endpoint + " answered something that is not JSON; "
                    + "is the base URL an OpenAI-compatible API (it usually ends in /v1)?");
        }
        JsonNode data = root == null ? null : root.get("data");
        if (data == null || !data.isArray() || data.size() != expected) {
            throw new EmbeddingException("the embeddings endpoint " + endpoint + " returned "
                    + (data == null || !data.isArray() ? "no data array" : data.size() + " vectors") + " for "
                    + expected + " texts");
        }
        float[][] out = new float[expected][];
        for (int i = 0; i < expected; i++) {
            JsonNode item = data.get(i);
            int index = item.path("index").asInt(i);
            JsonNode values = item.get("embedding");
            if (index < 0 || index >= expected || out[index] != null || values == null || !values.isArray()) {
                throw new EmbeddingException("the embeddings endpoint " + endpoint + " returned an item without a "
                        + "float embedding or with a bad index (" + index + "); request encoding_format=float");
            }
            float[] v = new float[values.size()];
            for (int j = 0; j < v.length; j++) {
                v[j] = (float) values.get(j).asDouble();
            }
            out[index] = v;
        }
        return List.of(out);
    }

    private static String errorText(byte[] body) {
        try {
            JsonNode root = JSON.readTree(body);
            JsonNode message = root == null ? null : root.path("error").path("message");
            if (message != null && message.isTextual()) {
                return cut(message.asText());
            }
            if (root != null && root.path("error").isTextual()) {
                return cut(root.path("error").asText());
            }
        } catch (IOException notJson) {
            // fall through to the raw text
        }
        String raw = new String(body, 0, Math.min(body.length, 800), java.nio.charset.StandardCharsets.UTF_8).strip();
        return raw.isEmpty() ? "(empty body)" : cut(raw);
    }

    private static String cut(String s) {
        return s.length() > 200 ? s.substring(0, 200) + "…" : s;
    }

    private static void pause(Duration d) {
        if (d.isZero()) {
            return;
        }
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EmbeddingException("interrupted while waiting to retry the embeddings endpoint", e);
        }
    }

    @Override
    public String toString() {
        return "OpenAiCompatibleEmbedder[" + endpoint + ", model=" + model + ", apiKey=" + (apiKey == null ? "none" : "***")
                + "]";
    }

    /** Builds an {@link OpenAiCompatibleEmbedder}; not thread-safe. */
    public static final class Builder {
        private final String baseUrl;
        private final String model;
        private String apiKey;
        private int dimensions;
        private int batchSize = DEFAULT_BATCH_SIZE;
        private Duration timeout = Duration.ofSeconds(30);
        private Duration queryTimeout = Duration.ofSeconds(5);
        private int maxAttempts = 3;
        private Duration retryDelay = Duration.ofMillis(500);
        private HttpClient httpClient;

        private Builder(String baseUrl, String model) {
            this.baseUrl = Objects.requireNonNull(baseUrl, "baseUrl").strip();
            this.model = Objects.requireNonNull(model, "model").strip();
        }

        /** The API key, sent as {@code Authorization: Bearer}; none for a local server. */
        public Builder apiKey(String apiKey) {
            this.apiKey = apiKey == null || apiKey.isBlank() ? null : apiKey.strip();
            return this;
        }

        /** The vector length to ask for and insist on (models that support shortening); 0 (default): the model's own, checked for consistency. */
        public Builder dimensions(int dimensions) {
            this.dimensions = dimensions;
            return this;
        }

        /** Texts per request, 1..2048; default {@value #DEFAULT_BATCH_SIZE}. */
        public Builder batchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        /** Longest one exchange may take, body included; default 30 s. */
        public Builder timeout(Duration timeout) {
            Objects.requireNonNull(timeout, "timeout");
            this.timeout = timeout;
            return this;
        }

        /**
         * Longest the one attempt at a search query's vector may take, body included; default 5 s.
         * A search waits for it on the way to a reply and answers lexically when it runs out.
         */
        public Builder queryTimeout(Duration queryTimeout) {
            Objects.requireNonNull(queryTimeout, "queryTimeout");
            this.queryTimeout = queryTimeout;
            return this;
        }

        /** Attempts per batch of passages in all, 1..10; default 3 (a search query gets one). */
        public Builder maxAttempts(int maxAttempts) {
            this.maxAttempts = maxAttempts;
            return this;
        }

        /** First wait before a retry, doubling; default 500 ms; zero retries at once. */
        public Builder retryDelay(Duration retryDelay) {
            Objects.requireNonNull(retryDelay, "retryDelay");
            this.retryDelay = retryDelay;
            return this;
        }

        /** The HTTP client to share; default a new one with a 10 s connect timeout that follows redirects. */
        public Builder httpClient(HttpClient httpClient) {
            this.httpClient = Objects.requireNonNull(httpClient, "httpClient");
            return this;
        }

        /**
         * Builds the embedder (nothing is sent until {@link OpenAiCompatibleEmbedder#embed}).
         *
         * @throws IllegalArgumentException listing every invalid value
         */
        public OpenAiCompatibleEmbedder build() {
            boolean http = baseUrl.startsWith("http://") || baseUrl.startsWith("https://");
            if (http) {
                try {
                    URI.create(baseUrl);
                } catch (IllegalArgumentException e) {
                    http = false;
                }
            }
            new SettingsCheck("OpenAiCompatibleEmbedder")
                    .problemIf(!http, "baseUrl", "must be an http:// or https:// URL, was '" + baseUrl
                            + "' (e.g. https://api.openai.com/v1 or http://localhost:11434/v1)")
                    .problemIf(model.isEmpty(), "model", "must not be blank (e.g. text-embedding-3-small)")
                    .problemIf(dimensions < 0, "dimensions", "must not be negative, was " + dimensions)
                    .problemIf(batchSize < 1 || batchSize > 2048, "batchSize", "must be between 1 and 2048, was " + batchSize)
                    .positive("timeout", timeout)
                    .positive("queryTimeout", queryTimeout)
                    .problemIf(maxAttempts < 1 || maxAttempts > 10, "maxAttempts",
                            "must be between 1 and 10, was " + maxAttempts)
                    .problemIf(retryDelay == null || retryDelay.isNegative(), "retryDelay",
                            "must not be negative, was " + retryDelay)
                    .done();
            return new OpenAiCompatibleEmbedder(this);
        }
    }
}
