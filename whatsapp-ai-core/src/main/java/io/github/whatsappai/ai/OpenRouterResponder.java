package io.github.whatsappai.ai;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.whatsappai.ai.knowledge.KnowledgeBase;
import io.github.whatsappai.internal.http.BodyTooLargeException;
import io.github.whatsappai.internal.http.CappedBody;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.random.RandomGenerator;

/**
 * The default {@link AiResponder}: asks an LLM through OpenRouter's OpenAI-compatible
 * {@code POST {base}/chat/completions} (non-streaming), grounded in passages retrieved from a
 * {@link KnowledgeBase}.
 *
 * <h2>Construction</h2>
 * <pre>{@code
 * AiResponder responder = OpenRouterResponder.create(settings, knowledgeBase);
 * // or, to tune retries or share an HttpClient:
 * AiResponder responder = OpenRouterResponder.builder()
 *         .settings(settings)
 *         .knowledgeBase(knowledgeBase)
 *         .maxAttempts(3)
 *         .build();
 * }</pre>
 * The {@link OpenRouterSettings} supply the key ({@code OPENROUTER_API_KEY}, required), the model and its
 * fallbacks, the base URL, the attribution headers, temperature, token limit, request timeout and
 * system prompt.
 *
 * <h2>The request</h2>
 * <ul>
 *   <li>{@code model} is the configured model; {@code models} is the configured fallback list
 *       (without the primary model; omitted when empty), which OpenRouter tries in order when the
 *       primary model is down, rate limited or retired. The reply reports the model that answered.</li>
 *   <li>Messages: the system prompt; then the history window (user/assistant turns, oldest first);
 *       then, when the knowledge base finds something, a user-role message holding the passages
 *       (source and page) fenced between {@code <knowledge>} markers as reference material without
 *       authority, within {@link Builder#knowledgeCharBudget(int)}; then the burst as one user
 *       turn ({@link AiRequest#userTurn()}). Neither user nor passage text is placed in a system message. The
 *       retrieval query is the burst's user turn plus the latest user turn of the history.</li>
 *   <li>{@code max_completion_tokens} carries the token limit: OpenRouter's API reference marks
 *       {@code max_tokens} deprecated in its favour. Values below 16 are raised to 16, the minimum
 *       some providers enforce.</li>
 *   <li>{@code user} is the hex SHA-256 of the application's user id (never a phone number);
 *       {@code session_id} is the session id, or its hex SHA-256 when longer than 256 characters.</li>
 *   <li>Headers: {@code Authorization: Bearer <key>}, {@code HTTP-Referer} (when an app URL is
 *       configured), {@code X-OpenRouter-Title} and its older name {@code X-Title}.</li>
 * </ul>
 *
 * <h2>Failures and retries</h2>
 * Up to {@link Builder#maxAttempts(int)} requests (default {@value #DEFAULT_MAX_ATTEMPTS}). Retried:
 * HTTP 408, 429 and every 5xx; network errors and timeouts (each request may take
 * {@link OpenRouterSettings#requestTimeout()}, the whole exchange included); errors delivered with
 * HTTP 200 (top-level {@code error}, {@code choices[0].error}, {@code finish_reason: "error"}),
 * unless their {@code error.code} is one of the refusals below; a 200 whose content is empty or
 * missing; a 200 whose body is not valid JSON (a truncated or garbled body from a proxy is
 * transient, like a 502, and is retried within the same attempt budget). Not retried: 400, 401,
 * 402, 403, 404, 413, 422 and any other status; their reason ({@code error.message},
 * {@code error.code}, the error type, {@code error.availability.code} and suggested fallback models)
 * is put in the exception. When the body carries {@code error.availability.retryable} it overrides
 * the status-based decision, and {@code error.availability.retry_after} is preferred over the
 * {@code Retry-After} header (seconds or an HTTP-date).
 *
 * <p>Between attempts the responder waits for the server's requested delay when there is one, or
 * else an exponential backoff with full jitter: a random delay between zero and
 * {@code min(max, base × 2^(attempt-1))} (defaults 1 s and 10 s). A requested delay longer than
 * {@link Builder#maxRetryAfter(Duration)} (default 30 s; e.g. a daily free-model cap) ends the
 * retries at once: waiting that long would keep the user in silence, so the failure is reported as
 * retryable instead. When no attempt succeeds an {@link AiResponderException} carries the number of
 * attempts, the last HTTP status (or -1), whether a later try may succeed and the last cause.
 * Neither the API key nor user text ever appears in exception messages or logs.
 *
 * <p>Thread-safe and stateless between calls: share one instance. It owns no threads; the
 * {@link HttpClient} it creates when none is given needs no shutdown and is released with the
 * responder.
 */
public final class OpenRouterResponder implements AiResponder {

    private static final Logger LOG = LoggerFactory.getLogger(OpenRouterResponder.class);

    /** Default number of requests per reply, the first included. */
    public static final int DEFAULT_MAX_ATTEMPTS = 4;
    /** Default base delay of the exponential backoff. */
    public static final Duration DEFAULT_BACKOFF_BASE = Duration.ofSeconds(1);
    /** Default longest backoff delay. */
    public static final Duration DEFAULT_BACKOFF_MAX = Duration.ofSeconds(10);
    /** Default longest server-requested delay ({@code Retry-After}) the responder is willing to wait. */
    public static final Duration DEFAULT_MAX_RETRY_AFTER = Duration.ofSeconds(30);
    /** Default number of knowledge-base passages asked for. */
    public static final int DEFAULT_PASSAGE_LIMIT = 5;
    /** Default character budget of the knowledge section. */
    public static final int DEFAULT_KNOWLEDGE_CHAR_BUDGET = KnowledgeBase.DEFAULT_PROMPT_CHARS;
    /** Default cap on a response body, in bytes. */
    public static final int DEFAULT_MAX_RESPONSE_BYTES = 1 << 20;
    /** Longest connect timeout of the client the builder creates. */
    static final Duration MAX_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /** Smallest token limit some providers accept. */
    static final int MIN_MAX_TOKENS = 16;
    /** Longest {@code session_id} OpenRouter accepts. */
    static final int MAX_SESSION_ID_CHARS = 256;
    /** Longest provider error message quoted in an exception. */
    static final int MAX_REASON_CHARS = 300;

    /** HTTP statuses retried when the body says nothing else. */
    private static final Set<Integer> RETRYABLE_STATUSES = Set.of(408, 429);
    /** Error codes that are refusals, not transient failures, also when they arrive with HTTP 200. */
    private static final Set<Integer> REFUSAL_CODES = Set.of(400, 401, 402, 403, 404, 413, 422);

    private final ObjectMapper json = new ObjectMapper()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    private final URI endpoint;
    private final String apiKey;
    private final String model;
    private final List<String> fallbackModels;
    private final String appUrl;
    private final String appTitle;
    private final double temperature;
    private final int maxTokens;
    private final Duration requestTimeout;
    private final PromptAssembler prompts;
    private final HttpClient httpClient;
    private final int maxAttempts;
    private final Duration backoffBase;
    private final Duration backoffMax;
    private final Duration maxRetryAfter;
    private final Sleeper sleeper;
    private final Clock clock;
    private final RandomGenerator random;
    private final int maxResponseBytes;

    private OpenRouterResponder(Builder b, OpenRouterSettings settings, String apiKey) {
        this.endpoint = URI.create(stripSlash(settings.baseUrl().toString()) + "/chat/completions");
        this.apiKey = apiKey;
        this.model = settings.model();
        LinkedHashSet<String> fallbacks = new LinkedHashSet<>(settings.fallbackModels());
        fallbacks.remove(model);
        this.fallbackModels = List.copyOf(fallbacks);
        this.appUrl = blankToNull(settings.appUrl());
        this.appTitle = blankToNull(settings.appTitle());
        this.temperature = settings.temperature();
        this.maxTokens = Math.max(MIN_MAX_TOKENS, settings.maxTokens());
        this.requestTimeout = settings.requestTimeout();
        this.prompts = new PromptAssembler(settings.systemPrompt(), b.knowledgeBase, b.passageLimit, b.knowledgeCharBudget);
        this.httpClient = b.httpClient != null ? b.httpClient : HttpClient.newBuilder()
                .connectTimeout(requestTimeout.compareTo(MAX_CONNECT_TIMEOUT) < 0 ? requestTimeout : MAX_CONNECT_TIMEOUT)
                .build();
        this.maxAttempts = b.maxAttempts;
        this.backoffBase = b.backoffBase;
        this.backoffMax = b.backoffMax;
        this.maxRetryAfter = b.maxRetryAfter;
        this.sleeper = b.sleeper;
        this.clock = b.clock;
        this.random = b.random;
        this.maxResponseBytes = b.maxResponseBytes;
    }

    /** A builder with every default set; {@link Builder#settings(OpenRouterSettings)} is required. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A responder with default retry settings.
     *
     * @throws IllegalStateException when the settings have no OpenRouter API key
     */
    public static OpenRouterResponder create(OpenRouterSettings settings, KnowledgeBase knowledgeBase) {
        return builder().settings(settings).knowledgeBase(knowledgeBase).build();
    }

    /**
     * Waits between attempts. The default is {@link Thread#sleep(long)}; tests inject one that
     * records the delay instead of waiting.
     */
    @FunctionalInterface
    public interface Sleeper {

        /** Blocks for {@code delay} (zero or positive). */
        void sleep(Duration delay) throws InterruptedException;

        /** The sleeper that really waits, through {@link Thread#sleep(long)}. */
        static Sleeper system() {
            return delay -> Thread.sleep(delay.toMillis());
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>Blocks the calling thread for the HTTP requests and the waits between them.
     *
     * @throws AiResponderException when no attempt produced a reply
     * @throws IllegalArgumentException when the request's user turn is blank
     */
    @Override
    public AiReply respond(AiRequest request) {
        Objects.requireNonNull(request, "request");
        PromptAssembler.Prompt prompt = prompts.assemble(request);
        byte[] body = requestBody(request, prompt);
        Failure last = null;
        int attempt = 0;
        while (attempt < maxAttempts) {
            attempt++;
            Outcome outcome;
            try {
                outcome = send(body, request.userTurn());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AiResponderException("Interrupted while waiting for OpenRouter (attempt " + attempt + ")",
                        attempt, last == null ? -1 : last.status(), true, e);
            }
            if (outcome.reply() != null) {
                LOG.debug("OpenRouter answered {} with {} after {} attempt(s), {} passage(s), tokens {}/{}",
                        request.key(), outcome.reply().model(), attempt, prompt.passagesUsed(),
                        outcome.reply().promptTokens(), outcome.reply().completionTokens());
                return outcome.reply();
            }
            last = outcome.failure();
            if (!last.retryable()) {
                throw new AiResponderException("OpenRouter request failed (not retried): " + last.reason(),
                        attempt, last.status(), false, last.cause());
            }
            if (attempt == maxAttempts) {
                break;
            }
            Duration requested = last.retryAfter();
            if (requested != null && requested.compareTo(maxRetryAfter) > 0) {
                throw new AiResponderException("OpenRouter asked to wait " + requested.toSeconds()
                        + " s, longer than the " + maxRetryAfter.toSeconds() + " s the responder waits; gave up after "
                        + attempt + " attempt(s): " + last.reason(), attempt, last.status(), true, last.cause());
            }
            Duration delay = requested != null ? requested : backoff(attempt);
            LOG.warn("OpenRouter attempt {}/{} for {} failed ({}); retrying in {} ms",
                    attempt, maxAttempts, request.key(), last.reason(), delay.toMillis());
            try {
                sleeper.sleep(delay);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AiResponderException("Interrupted while waiting to retry OpenRouter after " + attempt
                        + " attempt(s): " + last.reason(), attempt, last.status(), true, e);
            }
        }
        throw new AiResponderException("OpenRouter failed after " + attempt + " attempt(s): " + last.reason(),
                attempt, last.status(), true, last.cause());
    }

    /** The JSON body of the request; the same bytes are sent on every attempt. */
    private byte[] requestBody(AiRequest request, PromptAssembler.Prompt prompt) {
        ObjectNode root = json.createObjectNode();
        root.put("model", model);
        if (!fallbackModels.isEmpty()) {
            ArrayNode models = root.putArray("models");
            fallbackModels.forEach(models::add);
        }
        ArrayNode messages = root.putArray("messages");
        for (PromptAssembler.Message message : prompt.messages()) {
            messages.addObject().put("role", message.role()).put("content", message.content());
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

    /** One request: a reply, or a classified failure. */
    private Outcome send(byte[] body, String userTurn) throws InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(endpoint)
                .timeout(requestTimeout)
                .header("Authorization", "Bearer " + apiKey)
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (appUrl != null) {
            request.header("HTTP-Referer", appUrl);
        }
        if (appTitle != null) {
            request.header("X-OpenRouter-Title", appTitle);
            request.header("X-Title", appTitle);
        }
        HttpResponse<byte[]> response;
        try {
            response = exchange(request.build());
        } catch (BodyTooLargeException e) {
            return Outcome.failed(new Failure(-1, false, null, e.getMessage(), e));
        } catch (HttpTimeoutException e) {
            return Outcome.failed(new Failure(-1, true, null,
                    "no response within " + requestTimeout.toMillis() + " ms", e));
        } catch (IOException e) {
            return Outcome.failed(new Failure(-1, true, null, "network error (" + e.getClass().getSimpleName() + ")", e));
        }
        int status = response.statusCode();
        if (status / 100 == 2) {
            return readSuccess(status, response.body(), userTurn);
        }
        return Outcome.failed(httpFailure(status, response.headers(), response.body(), userTurn));
    }

    /**
     * Sends one request and waits at most the request timeout for the whole exchange, body
     * included, on top of the request's own timeout (which guards the response headers).
     */
    private HttpResponse<byte[]> exchange(HttpRequest request) throws IOException, InterruptedException {
        CompletableFuture<HttpResponse<byte[]>> future =
                CappedBody.send(httpClient, request, CappedBody.handler(maxResponseBytes));
        try {
            return future.get(requestTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new HttpTimeoutException("request timed out");
        } catch (InterruptedException e) {
            future.cancel(true);
            throw e;
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            throw new IOException("HTTP exchange failed (" + cause.getClass().getSimpleName() + ")", cause);
        }
    }

    private Outcome readSuccess(int status, byte[] body, String userTurn) {
        JsonNode root;
        try {
            root = json.readTree(body);
        } catch (IOException e) {
            return Outcome.failed(new Failure(status, true, null, "HTTP " + status + " with a body that is not JSON", e));
        }
        if (root == null || !root.isObject()) {
            return Outcome.failed(new Failure(status, true, null, "HTTP " + status + " with a body that is not a JSON object", null));
        }
        JsonNode error = root.get("error");
        if (error != null && !error.isNull()) {
            return Outcome.failed(inBodyFailure(status, "error in the body", error, userTurn));
        }
        JsonNode choice = root.path("choices").path(0);
        if (!choice.isObject()) {
            return Outcome.failed(new Failure(status, true, null, "HTTP " + status + " without choices", null));
        }
        JsonNode choiceError = choice.get("error");
        if (choiceError != null && !choiceError.isNull()) {
            return Outcome.failed(inBodyFailure(status, "error in choices[0]", choiceError, userTurn));
        }
        String finishReason = choice.path("finish_reason").asText("");
        if ("error".equals(finishReason)) {
            return Outcome.failed(new Failure(status, true, null, "HTTP " + status + " with finish_reason \"error\"", null));
        }
        String content = contentText(choice.path("message").path("content")).strip();
        if (content.isEmpty()) {
            return Outcome.failed(new Failure(status, true, null, "HTTP " + status + " with empty content"
                    + (finishReason.isEmpty() ? "" : " (finish_reason \"" + finishReason + "\")"), null));
        }
        String usedModel = root.path("model").asText("");
        JsonNode usage = root.path("usage");
        JsonNode cost = usage.path("cost");
        return Outcome.replied(new AiReply(content, usedModel.isBlank() ? model : usedModel,
                usage.path("prompt_tokens").asInt(-1), usage.path("completion_tokens").asInt(-1),
                cost.isNumber() ? cost.decimalValue() : null));
    }

    /** The message content: a string, or the concatenated text of content parts. */
    private static String contentText(JsonNode content) {
        if (content.isTextual()) {
            return content.asText();
        }
        if (content.isArray()) {
            StringBuilder text = new StringBuilder();
            for (JsonNode part : content) {
                if (part.path("text").isTextual()) {
                    text.append(part.path("text").asText());
                }
            }
            return text.toString();
        }
        return "";
    }

    /** An error delivered with a 2xx status: transient unless its code is a refusal or availability says so. */
    private Failure inBodyFailure(int status, String where, JsonNode error, String userTurn) {
        ErrorInfo info = ErrorInfo.of(error);
        boolean retryable = info.code() == null || !REFUSAL_CODES.contains(info.code());
        if (info.availabilityRetryable() != null) {
            retryable = info.availabilityRetryable();
        }
        return new Failure(status, retryable, info.retryAfter(),
                "HTTP " + status + " with " + where + describe(info, userTurn), null);
    }

    private Failure httpFailure(int status, HttpHeaders headers, byte[] body, String userTurn) {
        boolean retryable = RETRYABLE_STATUSES.contains(status) || status / 100 == 5;
        Duration retryAfter = headers.firstValue("Retry-After")
                .map(value -> parseRetryAfter(value, clock.instant()))
                .orElse(null);
        ErrorInfo info = ErrorInfo.EMPTY;
        try {
            JsonNode root = json.readTree(body);
            if (root != null && root.path("error").isObject()) {
                info = ErrorInfo.of(root.get("error"));
            }
        } catch (IOException e) {
            LOG.debug("OpenRouter HTTP {} body is not JSON", status);
        }
        if (info.availabilityRetryable() != null) {
            retryable = info.availabilityRetryable();
        }
        if (info.retryAfter() != null) {
            retryAfter = info.retryAfter();
        }
        return new Failure(status, retryable, retryAfter, "HTTP " + status + describe(info, userTurn), null);
    }

    /** " (code 404, type …, availability model_deprecated, suggested fallback models [...]): message". */
    private String describe(ErrorInfo info, String userTurn) {
        List<String> parts = new ArrayList<>();
        if (info.code() != null) {
            parts.add("code " + info.code());
        }
        if (info.type() != null) {
            parts.add("type " + safe(info.type(), userTurn));
        }
        if (info.availabilityCode() != null) {
            parts.add("availability " + safe(info.availabilityCode(), userTurn));
        }
        if (!info.fallbackModels().isEmpty()) {
            parts.add("suggested fallback models " + safe(String.join(", ", info.fallbackModels()), userTurn));
        }
        StringBuilder text = new StringBuilder();
        if (!parts.isEmpty()) {
            text.append(" (").append(String.join(", ", parts)).append(')');
        }
        if (info.message() != null && !info.message().isBlank()) {
            text.append(": ").append(safe(info.message(), userTurn));
        }
        return text.toString();
    }

    /**
     * Provider text made fit for an exception message: control characters removed, the API key and
     * the user's own text (which some errors echo) replaced, length capped.
     */
    private String safe(String text, String userTurn) {
        String cleaned = text.replaceAll("\\p{Cntrl}", " ");
        cleaned = cleaned.replace(apiKey, "****");
        String user = userTurn.strip();
        if (user.length() >= 4) {
            cleaned = cleaned.replace(user, "[user text]");
        }
        return cleaned.length() > MAX_REASON_CHARS
                ? PromptAssembler.truncate(cleaned, MAX_REASON_CHARS) + "…" : cleaned;
    }

    /** Full-jitter exponential backoff before attempt {@code attempt + 1}. */
    Duration backoff(int attempt) {
        long baseMillis = backoffBase.toMillis();
        long capMillis = backoffMax.toMillis();
        int shift = Math.min(attempt - 1, 30);
        long ceiling = baseMillis > (capMillis >> shift) ? capMillis : Math.min(capMillis, baseMillis << shift);
        double fraction = random != null ? random.nextDouble() : ThreadLocalRandom.current().nextDouble();
        return Duration.ofMillis((long) (fraction * ceiling));
    }

    /**
     * Reads a {@code Retry-After} value: delay seconds (a decimal fraction is tolerated) or an
     * HTTP-date, relative to {@code now}; a date in the past is zero. {@code null} when unreadable.
     */
    static Duration parseRetryAfter(String value, Instant now) {
        String v = value.strip();
        if (v.isEmpty()) {
            return null;
        }
        try {
            double seconds = Double.parseDouble(v);
            if (Double.isNaN(seconds) || seconds < 0) {
                return null;
            }
            return Duration.ofMillis((long) Math.min(seconds * 1000, Long.MAX_VALUE / 2.0));
        } catch (NumberFormatException notNumeric) {
            try {
                Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                return at.isAfter(now) ? Duration.between(now, at) : Duration.ZERO;
            } catch (DateTimeParseException notDate) {
                return null;
            }
        }
    }

    private static String sha256Hex(String value) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(digest.digest(value.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    private static String stripSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }

    /** Masks the key; names the endpoint and model. */
    @Override
    public String toString() {
        return "OpenRouterResponder[endpoint=" + endpoint + ", model=" + model + ", fallbackModels=" + fallbackModels
                + ", maxAttempts=" + maxAttempts + "]";
    }

    /** A failed attempt, classified. */
    private record Failure(int status, boolean retryable, Duration retryAfter, String reason, Throwable cause) {
    }

    /** The result of one attempt: exactly one of the two is set. */
    private record Outcome(AiReply reply, Failure failure) {

        static Outcome replied(AiReply reply) {
            return new Outcome(reply, null);
        }

        static Outcome failed(Failure failure) {
            return new Outcome(null, failure);
        }
    }

    /**
     * What an OpenRouter error object says. Both published shapes are read: the classic
     * {@code {code, message, metadata{error_type}}} and the 2026 one with {@code error_type},
     * {@code http_status} and {@code availability{code, retryable, retry_after, fallback_models}}.
     */
    private record ErrorInfo(Integer code, String message, String type, String availabilityCode,
                             Boolean availabilityRetryable, Duration retryAfter, List<String> fallbackModels) {

        static final ErrorInfo EMPTY = new ErrorInfo(null, null, null, null, null, null, List.of());

        static ErrorInfo of(JsonNode error) {
            if (error == null || !error.isObject()) {
                return new ErrorInfo(null, error == null || error.isNull() ? null : error.asText(), null, null,
                        null, null, List.of());
            }
            Integer code = integer(error.get("code"));
            if (code == null) {
                code = integer(error.get("http_status"));
            }
            String type = text(error.get("error_type"));
            if (type == null) {
                type = text(error.path("metadata").get("error_type"));
            }
            if (type == null) {
                type = text(error.get("type"));
            }
            JsonNode availability = error.path("availability");
            Boolean retryable = availability.path("retryable").isBoolean()
                    ? availability.path("retryable").booleanValue() : null;
            Duration retryAfter = null;
            JsonNode after = availability.get("retry_after");
            if (after != null && (after.isNumber() || after.isTextual())) {
                retryAfter = parseRetryAfter(after.asText(), Instant.EPOCH);
            }
            List<String> fallbacks = new ArrayList<>();
            for (JsonNode m : availability.path("fallback_models")) {
                if (m.isTextual()) {
                    fallbacks.add(m.asText());
                }
            }
            return new ErrorInfo(code, text(error.get("message")), type, text(availability.get("code")),
                    retryable, retryAfter, List.copyOf(fallbacks));
        }

        private static Integer integer(JsonNode node) {
            if (node == null) {
                return null;
            }
            if (node.isIntegralNumber()) {
                return node.intValue();
            }
            if (node.isTextual() && node.asText().strip().matches("\\d{1,9}")) {
                return Integer.valueOf(node.asText().strip());
            }
            return null;
        }

        private static String text(JsonNode node) {
            return node != null && node.isValueNode() && !node.isNull() && !node.asText().isBlank()
                    ? node.asText() : null;
        }
    }

    /**
     * Builds an {@link OpenRouterResponder}. Setters validate their argument at once
     * ({@link IllegalArgumentException}, {@link NullPointerException}); {@link #build()} checks that
     * settings with an API key were given. Not thread-safe; the responder it builds is.
     */
    public static final class Builder {

        private OpenRouterSettings settings;
        private KnowledgeBase knowledgeBase = KnowledgeBase.empty();
        private HttpClient httpClient;
        private int maxAttempts = DEFAULT_MAX_ATTEMPTS;
        private Duration backoffBase = DEFAULT_BACKOFF_BASE;
        private Duration backoffMax = DEFAULT_BACKOFF_MAX;
        private Duration maxRetryAfter = DEFAULT_MAX_RETRY_AFTER;
        private Sleeper sleeper = Sleeper.system();
        private Clock clock = Clock.systemUTC();
        private RandomGenerator random;
        private int passageLimit = DEFAULT_PASSAGE_LIMIT;
        private int knowledgeCharBudget = DEFAULT_KNOWLEDGE_CHAR_BUDGET;
        private int maxResponseBytes = DEFAULT_MAX_RESPONSE_BYTES;

        private Builder() {
        }

        /**
         * The settings (required): key, model, fallbacks, base URL, attribution headers,
         * temperature, token limit, request timeout and system prompt.
         */
        public Builder settings(OpenRouterSettings settings) {
            this.settings = Objects.requireNonNull(settings, "settings");
            return this;
        }

        /** Where passages come from. Default {@link KnowledgeBase#empty()}: no grounding. */
        public Builder knowledgeBase(KnowledgeBase knowledgeBase) {
            this.knowledgeBase = Objects.requireNonNull(knowledgeBase, "knowledgeBase");
            return this;
        }

        /**
         * The HTTP client to use, e.g. one shared with the rest of the application. Default: one
         * client created by {@link #build()} with a connect timeout of the request timeout, at most
         * 10 s. The request timeout is applied per request either way.
         */
        public Builder httpClient(HttpClient httpClient) {
            this.httpClient = Objects.requireNonNull(httpClient, "httpClient");
            return this;
        }

        /** Requests per reply, the first included; 1 disables retries. Default {@value #DEFAULT_MAX_ATTEMPTS}. */
        public Builder maxAttempts(int maxAttempts) {
            if (maxAttempts < 1) {
                throw new IllegalArgumentException("maxAttempts must be at least 1, was " + maxAttempts);
            }
            this.maxAttempts = maxAttempts;
            return this;
        }

        /**
         * Exponential backoff with full jitter: before retry {@code n} the responder waits a random
         * delay between zero and {@code min(max, base × 2^(n-1))}. Defaults 1 s and 10 s.
         */
        public Builder backoff(Duration base, Duration max) {
            Objects.requireNonNull(base, "base");
            Objects.requireNonNull(max, "max");
            if (base.isNegative() || base.isZero() || max.compareTo(base) < 0) {
                throw new IllegalArgumentException("backoff needs 0 < base <= max, was base " + base + ", max " + max);
            }
            this.backoffBase = base;
            this.backoffMax = max;
            return this;
        }

        /**
         * The longest server-requested delay ({@code Retry-After}, {@code availability.retry_after})
         * the responder waits for; a longer one ends the retries. Default 30 s.
         */
        public Builder maxRetryAfter(Duration maxRetryAfter) {
            Objects.requireNonNull(maxRetryAfter, "maxRetryAfter");
            if (maxRetryAfter.isNegative()) {
                throw new IllegalArgumentException("maxRetryAfter must not be negative, was " + maxRetryAfter);
            }
            this.maxRetryAfter = maxRetryAfter;
            return this;
        }

        /** How the responder waits between attempts. Default {@link Sleeper#system()}. */
        public Builder sleeper(Sleeper sleeper) {
            this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
            return this;
        }

        /** The clock that turns a {@code Retry-After} HTTP-date into a delay. Default UTC system clock. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * The jitter source: {@link RandomGenerator#nextDouble()} picks the fraction of the backoff
         * ceiling to wait. Must be thread-safe when the responder is shared. Default: the calling
         * thread's {@link ThreadLocalRandom}.
         */
        public Builder random(RandomGenerator random) {
            this.random = Objects.requireNonNull(random, "random");
            return this;
        }

        /** How many passages to ask the knowledge base for; 0 disables retrieval. Default {@value #DEFAULT_PASSAGE_LIMIT}. */
        public Builder passageLimit(int passageLimit) {
            if (passageLimit < 0) {
                throw new IllegalArgumentException("passageLimit must not be negative, was " + passageLimit);
            }
            this.passageLimit = passageLimit;
            return this;
        }

        /**
         * The most characters of passages (with their source/page headers) put in the prompt;
         * 0 disables retrieval. Default {@value #DEFAULT_KNOWLEDGE_CHAR_BUDGET}.
         */
        public Builder knowledgeCharBudget(int knowledgeCharBudget) {
            if (knowledgeCharBudget < 0) {
                throw new IllegalArgumentException("knowledgeCharBudget must not be negative, was " + knowledgeCharBudget);
            }
            this.knowledgeCharBudget = knowledgeCharBudget;
            return this;
        }

        /** The largest response body read; a larger one fails the attempt without retry. Default 1 MiB. */
        public Builder maxResponseBytes(int maxResponseBytes) {
            if (maxResponseBytes < 1) {
                throw new IllegalArgumentException("maxResponseBytes must be positive, was " + maxResponseBytes);
            }
            this.maxResponseBytes = maxResponseBytes;
            return this;
        }

        /**
         * Builds the responder.
         *
         * @throws IllegalStateException when no settings were given or they have no OpenRouter API key
         */
        public OpenRouterResponder build() {
            if (settings == null) {
                throw new IllegalStateException("OpenRouterResponder needs settings: call settings(OpenRouterSettings)");
            }
            String key = settings.apiKey();
            if (key == null || key.isBlank()) {
                throw new IllegalStateException("OPENROUTER_API_KEY (OpenRouterSettings.apiKey) is required by "
                        + "OpenRouterResponder; set it, or use another AiResponder");
            }
            return new OpenRouterResponder(this, settings, key.strip());
        }
    }
}
