package io.github.whatsappai.ai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.whatsappai.internal.http.JsonExchange;
import io.github.whatsappai.internal.retry.RetryAfter;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Classifies OpenRouter's failures into {@link OpenRouterFailure}s: which are worth another attempt,
 * what delay the provider asked for, and a reason without secrets or user text.
 *
 * <p>Retried: HTTP 408, 429 and every 5xx; network errors and timeouts; errors delivered with a 2xx
 * status unless their {@code error.code} is a refusal (400, 401, 402, 403, 404, 413, 422). Not
 * retried: any other status, and a response over the size cap. {@code error.availability.retryable}
 * overrides the status-based decision; {@code error.availability.retry_after} is preferred over the
 * {@code Retry-After} header. Thread-safe.
 */
final class OpenRouterErrors {

    /** HTTP statuses retried when the body says nothing else. */
    private static final Set<Integer> RETRYABLE_STATUSES = Set.of(408, 429);
    /** Error codes that are refusals, not transient failures, also when they arrive with HTTP 200. */
    private static final Set<Integer> REFUSAL_CODES = Set.of(400, 401, 402, 403, 404, 413, 422);

    private final ObjectMapper json;
    private final ProviderTextRedactor redactor;
    private final Duration requestTimeout;

    OpenRouterErrors(ObjectMapper json, ProviderTextRedactor redactor, Duration requestTimeout) {
        this.json = json;
        this.redactor = redactor;
        this.requestTimeout = requestTimeout;
    }

    /** A failed exchange (no response): retryable, except a response over the cap. */
    OpenRouterFailure transport(Throwable failure) {
        return switch (JsonExchange.transport(failure)) {
            case TOO_LARGE -> new OpenRouterFailure(-1, false, null, failure.getMessage(), failure);
            case TIMED_OUT -> new OpenRouterFailure(-1, true, null,
                    "no response within " + requestTimeout.toMillis() + " ms", failure);
            case NOT_SENT, BROKEN -> new OpenRouterFailure(-1, true, null,
                    "network error (" + failure.getClass().getSimpleName() + ")", failure);
            case OTHER -> new OpenRouterFailure(-1, false, null,
                    "HTTP exchange failed (" + failure.getClass().getSimpleName() + ")", failure);
        };
    }

    /** A non-2xx response. */
    OpenRouterFailure httpFailure(JsonExchange.Response response, Instant now, String userTurn) {
        int status = response.status();
        boolean retryable = RETRYABLE_STATUSES.contains(status) || status / 100 == 5;
        Duration retryAfter = response.headers().firstValue("Retry-After")
                .map(value -> RetryAfter.parse(value, now))
                .orElse(null);
        ErrorInfo info = ErrorInfo.EMPTY;
        JsonNode root = response.jsonOrNull(json);
        if (root != null && root.path("error").isObject()) {
            info = ErrorInfo.of(root.get("error"));
        }
        if (info.availabilityRetryable() != null) {
            retryable = info.availabilityRetryable();
        }
        if (info.retryAfter() != null) {
            retryAfter = info.retryAfter();
        }
        return new OpenRouterFailure(status, retryable, retryAfter, "HTTP " + status + describe(info, userTurn), null);
    }

    /** An error delivered with a 2xx status: transient unless its code is a refusal or availability says so. */
    OpenRouterFailure inBody(int status, String where, JsonNode error, String userTurn) {
        ErrorInfo info = ErrorInfo.of(error);
        boolean retryable = info.code() == null || !REFUSAL_CODES.contains(info.code());
        if (info.availabilityRetryable() != null) {
            retryable = info.availabilityRetryable();
        }
        return new OpenRouterFailure(status, retryable, info.retryAfter(),
                "HTTP " + status + " with " + where + describe(info, userTurn), null);
    }

    /** A 2xx answer that holds no usable reply (not JSON, no choices, empty content): transient. */
    static OpenRouterFailure malformed(int status, String what, Throwable cause) {
        return new OpenRouterFailure(status, true, null, "HTTP " + status + " " + what, cause);
    }

    /** " (code 404, type …, availability model_deprecated, suggested fallback models [...]): message". */
    private String describe(ErrorInfo info, String userTurn) {
        List<String> parts = new ArrayList<>();
        if (info.code() != null) {
            parts.add("code " + info.code());
        }
        if (info.type() != null) {
            parts.add("type " + redactor.redact(info.type(), userTurn));
        }
        if (info.availabilityCode() != null) {
            parts.add("availability " + redactor.redact(info.availabilityCode(), userTurn));
        }
        if (!info.fallbackModels().isEmpty()) {
            parts.add("suggested fallback models " + redactor.redact(String.join(", ", info.fallbackModels()), userTurn));
        }
        StringBuilder text = new StringBuilder();
        if (!parts.isEmpty()) {
            text.append(" (").append(String.join(", ", parts)).append(')');
        }
        if (info.message() != null && !info.message().isBlank()) {
            text.append(": ").append(redactor.redact(info.message(), userTurn));
        }
        return text.toString();
    }

    /**
     * What an OpenRouter error object says. Both published shapes are read: the classic
     * {@code {code, message, metadata{error_type}}} and the 2026 one with {@code error_type},
     * {@code http_status} and {@code availability{code, retryable, retry_after, fallback_models}}.
     */
    record ErrorInfo(Integer code, String message, String type, String availabilityCode,
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
                retryAfter = RetryAfter.parse(after.asText(), Instant.EPOCH);
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
}
