package io.github.whatsappai.examples.supabase;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A connection to one Supabase project's REST API (PostgREST) over the JDK's HTTP client, shared
 * by {@link SupabaseChatLogger} and {@link SupabaseUserMapper}.
 *
 * <p>Keys: the key always goes in the {@code apikey} header; it is also sent as
 * {@code Authorization: Bearer} only when it is a legacy JWT key (three dot-separated base64url
 * parts), never for the new {@code sb_secret_…}/{@code sb_publishable_…} keys, which are not JWTs.
 * The {@code User-Agent} is {@value #USER_AGENT} (Supabase rejects secret keys from browser-like
 * agents).
 *
 * <p>Network errors and 408, 429 and 5xx responses are retried with exponential backoff (default 4
 * attempts, 500 ms doubling up to 8 s; a 429/503 {@code Retry-After} of up to a minute is
 * honoured), then a retryable {@link SupabaseException} is thrown. Any other status throws at
 * once a non-retryable {@link SupabaseException} with PostgREST's {@code code}, {@code message},
 * {@code details} and {@code hint}. Only idempotent requests are sent through it.
 *
 * <p>Thread-safe; create one per project and share it (it holds one {@link HttpClient}). Waiting
 * between attempts goes through an injectable {@link Sleeper} so tests need not wait.
 */
public final class SupabaseClient {

    /** The {@code User-Agent} header sent. */
    public static final String USER_AGENT = "whatsapp-ai-java/0.1 (java.net.http)";
    /** Environment variable with the project URL, e.g. {@code https://abcd.supabase.co}. */
    public static final String ENV_URL = "SUPABASE_URL";
    /** Environment variable with the API key (on a server, a {@code sb_secret_…} key). */
    public static final String ENV_KEY = "SUPABASE_KEY";

    private static final Logger LOG = LoggerFactory.getLogger(SupabaseClient.class);
    private static final Pattern JWT = Pattern.compile("[A-Za-z0-9_-]+=*\\.[A-Za-z0-9_-]+=*\\.[A-Za-z0-9_-]+=*");
    private static final Duration MAX_RETRY_AFTER = Duration.ofMinutes(1);
    private static final int MAX_RAW_BODY_KEPT = 300;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String restUrl;
    private final String key;
    private final boolean sendBearer;
    private final HttpClient httpClient;
    private final int maxAttempts;
    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final Duration requestTimeout;
    private final Sleeper sleeper;

    private SupabaseClient(Builder b) {
        this.restUrl = b.baseUrl + "/rest/v1/";
        this.key = b.key;
        this.sendBearer = isJwt(b.key);
        this.httpClient = b.httpClient != null ? b.httpClient
                : HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        this.maxAttempts = b.maxAttempts;
        this.initialBackoff = b.initialBackoff;
        this.maxBackoff = b.maxBackoff;
        this.requestTimeout = b.requestTimeout;
        this.sleeper = b.sleeper;
    }

    /**
     * Starts configuring a client.
     *
     * @param url the project URL, e.g. {@code https://abcd.supabase.co} (a trailing {@code /} or
     *            {@code /rest/v1} is dropped)
     * @param key the API key: a {@code sb_secret_…} key, or a legacy {@code service_role} JWT
     * @return a builder with the defaults above
     * @throws IllegalArgumentException when the URL is not http(s) or the key is blank
     */
    public static Builder builder(String url, String key) {
        return new Builder(url, key);
    }

    /**
     * A client from {@code SUPABASE_URL} and {@code SUPABASE_KEY} with the defaults, or empty when
     * {@code SUPABASE_URL} is unset or blank.
     *
     * @param environment e.g. {@code System.getenv()}
     * @return the client, or empty
     * @throws IllegalArgumentException when the URL is set but invalid, or the key is missing
     */
    public static Optional<SupabaseClient> fromEnvironment(Map<String, String> environment) {
        String url = environment.get(ENV_URL);
        if (url == null || url.isBlank()) {
            return Optional.empty();
        }
        return Optional.of(builder(url, environment.get(ENV_KEY)).build());
    }

    /** Whether {@code key} is a legacy JWT key, which is also sent as {@code Authorization: Bearer}. */
    static boolean isJwt(String key) {
        return !key.startsWith("sb_") && JWT.matcher(key).matches();
    }

    /**
     * POSTs {@code body} (JSON) to {@code /rest/v1/{pathAndQuery}}, retrying as described above.
     *
     * @param operation names the request in error messages, e.g. {@code "insert of 3 rows into chat_logs"}
     * @param prefer the {@code Prefer} header, or {@code null}
     * @return the response body of the 2xx response
     */
    byte[] post(String pathAndQuery, byte[] body, String prefer, String operation) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(restUrl + pathAndQuery))
                .timeout(requestTimeout)
                .header("apikey", key)
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .header("User-Agent", USER_AGENT)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (prefer != null) {
            request.header("Prefer", prefer);
        }
        if (sendBearer) {
            request.header("Authorization", "Bearer " + key);
        }
        HttpRequest built = request.build();
        Duration backoff = initialBackoff;
        for (int attempt = 1; ; attempt++) {
            SupabaseException failure;
            Duration wait = backoff;
            try {
                HttpResponse<byte[]> response = httpClient.send(built, HttpResponse.BodyHandlers.ofByteArray());
                int status = response.statusCode();
                if (status >= 200 && status < 300) {
                    return response.body();
                }
                failure = httpFailure(status, response.body(), operation);
                if (!failure.isRetryable()) {
                    throw failure;
                }
                wait = retryAfter(response).orElse(backoff);
            } catch (IOException e) {
                failure = new SupabaseException("Supabase " + operation + " failed: network error "
                        + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()),
                        0, null, null, null, null, true, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SupabaseException("Supabase " + operation + " interrupted", 0, null, null, null, null, true,
                        e);
            }
            if (attempt >= maxAttempts) {
                throw new SupabaseException(failure.getMessage() + " (gave up after " + attempt + " attempts)",
                        failure.status(), failure.code(), failure.serverMessage(), failure.details(), failure.hint(),
                        true, failure.getCause());
            }
            LOG.warn("{}; retrying in {} ms (attempt {} of {})", failure.getMessage(), wait.toMillis(), attempt,
                    maxAttempts);
            try {
                sleeper.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SupabaseException("Supabase " + operation + " interrupted while waiting to retry",
                        0, null, null, null, null, true, e);
            }
            backoff = min(backoff.multipliedBy(2), maxBackoff);
        }
    }

    private static SupabaseException httpFailure(int status, byte[] body, String operation) {
        boolean retryable = status == 408 || status == 429 || status >= 500;
        String raw = body == null ? "" : new String(body, StandardCharsets.UTF_8).strip();
        JsonNode json = parseObject(raw);
        String code = json == null ? null : text(json, "code");
        String message = json == null ? null : text(json, "message");
        String details = json == null ? null : text(json, "details");
        String hint = json == null ? null : text(json, "hint");
        StringBuilder sb = new StringBuilder("Supabase ").append(operation).append(" failed: HTTP ").append(status);
        if (code != null) {
            sb.append(' ').append(code);
        }
        if (json != null) {
            sb.append(": ").append(explain(code));
        } else if (raw.isEmpty()) {
            sb.append(" with an empty body");
        } else {
            sb.append(" with a body of ").append(body.length).append(" bytes that is not PostgREST's error JSON"
                    + " (a proxy's error page?)");
        }
        if (message != null || details != null || hint != null || (json == null && !raw.isEmpty())) {
            // PostgreSQL's "Key (wa_id)=(...)" and "Failing row contains (...)" would copy phone
            // numbers and message texts into logs
            sb.append(" (the server's message is not copied here because it can hold personal data;"
                    + " see serverMessage(), details() and hint())");
        }
        if (status == 401 || status == 403) {
            sb.append(" - check ").append(ENV_KEY).append(": use the project's secret key (sb_secret_...) or the"
                    + " service_role key, and that row level security lets it write");
        } else if (status == 404) {
            sb.append(" - was db/migration/V1__whatsapp_ai_schema.sql applied to the project?");
        }
        String serverMessage = message != null ? message
                : json == null && !raw.isEmpty() ? raw.substring(0, Math.min(raw.length(), MAX_RAW_BODY_KEPT)) : null;
        return new SupabaseException(sb.toString(), status, code, serverMessage, details, hint, retryable, null);
    }

    /** A fixed description of a PostgREST code or a PostgreSQL SQLState, with what to check. */
    private static String explain(String code) {
        if (code == null) {
            return "an error without a code";
        }
        if (code.startsWith("PGRST")) {
            return switch (code.length() > 5 ? code.charAt(5) : ' ') {
                case '0' -> "PostgREST could not reach the database";
                case '1' -> "PostgREST could not accept the request";
                case '2' -> "a table, column or function is not in PostgREST's schema cache; apply the schema"
                        + " migration and reload the schema cache";
                case '3' -> "PostgREST refused the API key";
                default -> "PostgREST reported an error";
            };
        }
        if (code.length() != 5) {
            return "an error of an unknown kind";
        }
        return switch (code.substring(0, 2)) {
            case "08" -> "PostgreSQL lost or could not open a connection";
            case "22" -> "a value does not fit its column";
            case "23" -> "a row broke a constraint of the schema (unique, not null, foreign key or check)";
            case "28" -> "PostgreSQL refused the credentials";
            case "40" -> "a concurrent transaction aborted this one";
            case "42" -> "a statement does not fit the schema or lacks a privilege; apply the schema migration"
                    + " and check the role's grants";
            case "53" -> "PostgreSQL is out of resources";
            case "57" -> "PostgreSQL cancelled the statement or is shutting down";
            case "P0" -> "a database function raised an error";
            default -> "PostgreSQL reported an error of SQLState class " + code.substring(0, 2);
        };
    }

    /** The body as a JSON object, or {@code null} when it is empty or something else (a proxy's HTML page). */
    private static JsonNode parseObject(String raw) {
        if (raw.isEmpty()) {
            return null;
        }
        try {
            JsonNode json = JSON.readTree(raw);
            return json != null && json.isObject() ? json : null;
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    private static String text(JsonNode json, String field) {
        JsonNode node = json.get(field);
        return node == null || node.isNull() ? null : node.asText();
    }

    private static Optional<Duration> retryAfter(HttpResponse<?> response) {
        int status = response.statusCode();
        if (status != 429 && status != 503) {
            return Optional.empty();
        }
        return response.headers().firstValue("Retry-After").flatMap(value -> {
            try {
                long seconds = Long.parseLong(value.trim());
                return seconds < 0 ? Optional.empty() : Optional.of(min(Duration.ofSeconds(seconds), MAX_RETRY_AFTER));
            } catch (NumberFormatException httpDate) {
                return Optional.empty();
            }
        });
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    /** Shows the REST URL; hides the key. */
    @Override
    public String toString() {
        return "SupabaseClient[" + restUrl + ", key=****]";
    }

    /** Waits between attempts; tests substitute one that records instead of sleeping. */
    @FunctionalInterface
    public interface Sleeper {

        /**
         * Waits {@code duration}.
         *
         * @param duration how long
         * @throws InterruptedException when interrupted; the request then fails
         */
        void sleep(Duration duration) throws InterruptedException;

        /**
         * {@link Thread#sleep(long)}: the default.
         *
         * @return a sleeper that blocks the calling thread
         */
        static Sleeper threadSleep() {
            return duration -> Thread.sleep(duration.toMillis());
        }
    }

    /** Configures a {@link SupabaseClient}; not thread-safe. */
    public static final class Builder {

        private final String baseUrl;
        private final String key;
        private HttpClient httpClient;
        private int maxAttempts = 4;
        private Duration initialBackoff = Duration.ofMillis(500);
        private Duration maxBackoff = Duration.ofSeconds(8);
        private Duration requestTimeout = Duration.ofSeconds(10);
        private Sleeper sleeper = Sleeper.threadSleep();

        private Builder(String url, String key) {
            if (url == null || url.isBlank()) {
                throw new IllegalArgumentException(ENV_URL + " is required, e.g. https://abcd.supabase.co");
            }
            String u = url.strip();
            while (u.endsWith("/")) {
                u = u.substring(0, u.length() - 1);
            }
            if (u.endsWith("/rest/v1")) {
                u = u.substring(0, u.length() - "/rest/v1".length());
            }
            URI uri;
            try {
                uri = URI.create(u);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(ENV_URL + " is not a valid URL", e);
            }
            if (!"https".equalsIgnoreCase(uri.getScheme()) && !"http".equalsIgnoreCase(uri.getScheme())
                    || uri.getHost() == null) {
                throw new IllegalArgumentException(ENV_URL + " must be an http(s) URL such as https://abcd.supabase.co");
            }
            if (key == null || key.isBlank()) {
                throw new IllegalArgumentException(ENV_KEY + " is required (the project's sb_secret_... key or service_role key)");
            }
            this.baseUrl = u;
            this.key = key.strip();
        }

        /**
         * The HTTP client to use; default a new one with a 5 s connect timeout.
         *
         * @param httpClient shared, e.g. with other services
         * @return this builder
         */
        public Builder httpClient(HttpClient httpClient) {
            this.httpClient = Objects.requireNonNull(httpClient, "httpClient");
            return this;
        }

        /**
         * Attempts per request including the first, 1 to 10; default 4.
         *
         * @param maxAttempts attempts before giving up
         * @return this builder
         */
        public Builder maxAttempts(int maxAttempts) {
            if (maxAttempts < 1 || maxAttempts > 10) {
                throw new IllegalArgumentException("maxAttempts must be between 1 and 10, was " + maxAttempts);
            }
            this.maxAttempts = maxAttempts;
            return this;
        }

        /**
         * The first wait between attempts, doubled each time up to {@code max}; default 500 ms and 8 s.
         *
         * @param initial the first wait
         * @param max the longest wait
         * @return this builder
         */
        public Builder backoff(Duration initial, Duration max) {
            if (initial == null || max == null || initial.isNegative() || max.compareTo(initial) < 0) {
                throw new IllegalArgumentException("backoff needs 0 <= initial <= max, was " + initial + " and " + max);
            }
            this.initialBackoff = initial;
            this.maxBackoff = max;
            return this;
        }

        /**
         * The timeout of each request; default 10 s.
         *
         * @param requestTimeout positive
         * @return this builder
         */
        public Builder requestTimeout(Duration requestTimeout) {
            if (requestTimeout == null || requestTimeout.isNegative() || requestTimeout.isZero()) {
                throw new IllegalArgumentException("requestTimeout must be positive, was " + requestTimeout);
            }
            this.requestTimeout = requestTimeout;
            return this;
        }

        /**
         * How to wait between attempts; default {@link Sleeper#threadSleep()}.
         *
         * @param sleeper e.g. one that records the waits in a test
         * @return this builder
         */
        public Builder sleeper(Sleeper sleeper) {
            this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
            return this;
        }

        /**
         * The client.
         *
         * @return a thread-safe client
         */
        public SupabaseClient build() {
            return new SupabaseClient(this);
        }
    }
}
