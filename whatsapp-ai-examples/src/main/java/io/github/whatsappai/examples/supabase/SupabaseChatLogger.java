package io.github.whatsappai.examples.supabase;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.whatsappai.spi.ChatLogEntry;
import io.github.whatsappai.spi.ChatLogger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * {@link ChatLogger} that inserts into a Supabase table over PostgREST with the JDK's HTTP client:
 * {@code POST {SUPABASE_URL}/rest/v1/chat_logs?on_conflict=idempotency_key} with
 * {@code Prefer: resolution=ignore-duplicates,return=minimal}, so a retried or redelivered entry is
 * stored once. The table is the {@code chat_logs} table of {@code db/migration/V1__whatsapp_ai_schema.sql}
 * (run it in the Supabase SQL editor, then enable row level security on the table).
 *
 * <p>Keys: the key always goes in the {@code apikey} header; it is also sent as
 * {@code Authorization: Bearer} only when it is a legacy JWT key (three dot-separated base64url
 * parts), never for the new {@code sb_secret_…}/{@code sb_publishable_…} keys, which are not JWTs.
 * The {@code User-Agent} is {@value #USER_AGENT} (Supabase rejects secret keys from browser-like
 * agents).
 *
 * <p>Each {@link #log(List)} call sends one request per {@link Builder#chunkSize(int) chunk}
 * (default {@value #DEFAULT_CHUNK_SIZE} rows) of a JSON array whose rows all have the same keys.
 * Network errors and 408, 429 and 5xx responses are retried with exponential backoff (default 4
 * attempts, 500 ms doubling up to 8 s; a 429/503 {@code Retry-After} of up to a minute is
 * honoured), then a retryable {@link SupabaseException} is thrown and the pipeline keeps the
 * entries for later. Any other status throws at once a non-retryable {@link SupabaseException}
 * with PostgREST's {@code code}, {@code message}, {@code details} and {@code hint}. When a later
 * chunk fails, earlier chunks stay stored; sending the call again is harmless because duplicates
 * are ignored.
 *
 * <p>Thread-safe; create one and share it (it holds one {@link HttpClient}). Sleeping between
 * attempts goes through an injectable {@link Sleeper} so tests need not wait.
 */
public final class SupabaseChatLogger implements ChatLogger {

    /** The table written by default. */
    public static final String DEFAULT_TABLE = "chat_logs";
    /** The unique column that makes inserts idempotent. */
    public static final String CONFLICT_COLUMN = "idempotency_key";
    /** Rows per request by default. */
    public static final int DEFAULT_CHUNK_SIZE = 500;
    /** The {@code User-Agent} header sent. */
    public static final String USER_AGENT = "whatsapp-ai-java/0.1 (java.net.http)";
    /** Environment variable with the project URL, e.g. {@code https://abcd.supabase.co}. */
    public static final String ENV_URL = "SUPABASE_URL";
    /** Environment variable with the API key (prefer a {@code sb_secret_…} key on a server). */
    public static final String ENV_KEY = "SUPABASE_KEY";

    private static final Logger LOG = LoggerFactory.getLogger(SupabaseChatLogger.class);
    private static final Pattern JWT = Pattern.compile("[A-Za-z0-9_-]+=*\\.[A-Za-z0-9_-]+=*\\.[A-Za-z0-9_-]+=*");
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");
    private static final Duration MAX_RETRY_AFTER = Duration.ofMinutes(1);
    private static final int MAX_BODY_IN_MESSAGE = 300;
    private static final ObjectMapper JSON = new ObjectMapper().enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN);

    private final URI endpoint;
    private final String table;
    private final String key;
    private final boolean sendBearer;
    private final HttpClient httpClient;
    private final int chunkSize;
    private final int maxAttempts;
    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final Duration requestTimeout;
    private final Sleeper sleeper;

    private SupabaseChatLogger(Builder b) {
        this.table = b.table;
        this.endpoint = URI.create(b.baseUrl + "/rest/v1/" + b.table + "?on_conflict=" + CONFLICT_COLUMN);
        this.key = b.key;
        this.sendBearer = isJwt(b.key);
        this.httpClient = b.httpClient != null ? b.httpClient
                : HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        this.chunkSize = b.chunkSize;
        this.maxAttempts = b.maxAttempts;
        this.initialBackoff = b.initialBackoff;
        this.maxBackoff = b.maxBackoff;
        this.requestTimeout = b.requestTimeout;
        this.sleeper = b.sleeper;
    }

    /**
     * Starts a logger for a project.
     *
     * @param url the project URL, e.g. {@code https://abcd.supabase.co} (a trailing {@code /} or
     *            {@code /rest/v1} is dropped)
     * @param key the API key: a {@code sb_secret_…} key, or a legacy {@code service_role} JWT
     */
    public static Builder builder(String url, String key) {
        return new Builder(url, key);
    }

    /**
     * A logger from {@code SUPABASE_URL} and {@code SUPABASE_KEY} with the defaults, or empty when
     * {@code SUPABASE_URL} is unset or blank.
     *
     * @throws IllegalArgumentException when the URL is set but invalid, or the key is missing
     */
    public static Optional<SupabaseChatLogger> fromEnvironment(Map<String, String> environment) {
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

    @Override
    public void log(List<ChatLogEntry> entries) {
        Objects.requireNonNull(entries, "entries");
        for (int from = 0; from < entries.size(); from += chunkSize) {
            List<ChatLogEntry> chunk = entries.subList(from, Math.min(entries.size(), from + chunkSize));
            send(body(chunk), chunk.size());
        }
    }

    private void send(byte[] body, int rows) {
        HttpRequest.Builder request = HttpRequest.newBuilder(endpoint)
                .timeout(requestTimeout)
                .header("apikey", key)
                .header("Content-Type", "application/json")
                .header("Prefer", "resolution=ignore-duplicates,return=minimal")
                .header("User-Agent", USER_AGENT)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
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
                    return;
                }
                failure = httpFailure(status, response.body(), rows);
                if (!failure.isRetryable()) {
                    throw failure;
                }
                wait = retryAfter(response).orElse(backoff);
            } catch (IOException e) {
                failure = new SupabaseException("Supabase insert of " + rows + " rows into " + table
                        + " failed: network error " + e.getClass().getSimpleName()
                        + (e.getMessage() == null ? "" : ": " + e.getMessage()), 0, null, null, null, true, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SupabaseException("interrupted while writing to Supabase", 0, null, null, null, true, e);
            }
            if (attempt >= maxAttempts) {
                throw new SupabaseException(failure.getMessage() + " (gave up after " + attempt + " attempts)",
                        failure.status(), failure.code(), failure.details(), failure.hint(), true, failure.getCause());
            }
            LOG.warn("{}; retrying in {} ms (attempt {} of {})", failure.getMessage(), wait.toMillis(), attempt,
                    maxAttempts);
            try {
                sleeper.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SupabaseException("interrupted while waiting to retry a Supabase write", 0, null, null,
                        null, true, e);
            }
            backoff = min(backoff.multipliedBy(2), maxBackoff);
        }
    }

    private SupabaseException httpFailure(int status, byte[] body, int rows) {
        boolean retryable = status == 408 || status == 429 || status >= 500;
        String code = null;
        String message = null;
        String details = null;
        String hint = null;
        String raw = body == null ? "" : new String(body, StandardCharsets.UTF_8).strip();
        JsonNode json = parseObject(raw);
        if (json != null) {
            code = text(json, "code");
            message = text(json, "message");
            details = text(json, "details");
            hint = text(json, "hint");
        }
        StringBuilder sb = new StringBuilder("Supabase insert of ").append(rows).append(" rows into ").append(table)
                .append(" failed: HTTP ").append(status);
        if (code != null) {
            sb.append(' ').append(code);
        }
        if (message != null) {
            sb.append(": ").append(message);
        } else if (raw.isEmpty()) {
            sb.append(" with an empty body");
        } else {
            sb.append(": ").append(raw, 0, Math.min(raw.length(), MAX_BODY_IN_MESSAGE));
        }
        if (details != null) {
            sb.append(" (details: ").append(details).append(')');
        }
        if (hint != null) {
            sb.append(" (hint: ").append(hint).append(')');
        }
        if (status == 401 || status == 403) {
            sb.append(" - check ").append(ENV_KEY).append(": use the project's secret key (sb_secret_...) or the"
                    + " service_role key, and that row level security lets it insert");
        } else if (status == 404) {
            sb.append(" - does the table ").append(table).append(" exist (see db/migration/V1__whatsapp_ai_schema.sql)?");
        }
        return new SupabaseException(sb.toString(), status, code, details, hint, retryable, null);
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

    /** The JSON array of {@code chunk}: every row has every column, in the same order. */
    static byte[] body(List<ChatLogEntry> chunk) {
        List<Map<String, Object>> rows = new ArrayList<>(chunk.size());
        for (ChatLogEntry e : chunk) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("idempotency_key", e.idempotencyKey());
            row.put("wa_message_id", e.messageId());
            row.put("direction", e.direction().name().toLowerCase(Locale.ROOT));
            row.put("phone_number_id", e.phoneNumberId());
            row.put("user_bsuid", e.bsuid());
            row.put("wa_id", e.waId());
            row.put("role", e.direction().role());
            row.put("message_type", e.messageType());
            row.put("content", e.content());
            row.put("session_id", e.sessionId());
            row.put("user_id", e.userId());
            row.put("channel", e.channel());
            row.put("model", e.model());
            row.put("prompt_tokens", e.promptTokens());
            row.put("completion_tokens", e.completionTokens());
            row.put("cost_usd", e.cost());
            row.put("error", e.error());
            row.put("outbound_message_ids", e.outboundMessageIds());
            row.put("wa_timestamp", e.timestamp() == null ? null : e.timestamp().toString());
            row.put("logged_at", e.loggedAt() == null ? null : e.loggedAt().toString());
            rows.add(row);
        }
        try {
            return JSON.writeValueAsBytes(rows);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write chat log rows as JSON", e);
        }
    }

    /** Hides the key. */
    @Override
    public String toString() {
        return "SupabaseChatLogger[" + endpoint + ", key=****]";
    }

    /** Waits between attempts; tests substitute one that records instead of sleeping. */
    @FunctionalInterface
    public interface Sleeper {

        /** Waits {@code duration}. */
        void sleep(Duration duration) throws InterruptedException;

        /** {@link Thread#sleep(long)}: the default. */
        static Sleeper threadSleep() {
            return duration -> Thread.sleep(duration.toMillis());
        }
    }

    /** Configures a {@link SupabaseChatLogger}; not thread-safe. */
    public static final class Builder {

        private final String baseUrl;
        private final String key;
        private String table = DEFAULT_TABLE;
        private HttpClient httpClient;
        private int chunkSize = DEFAULT_CHUNK_SIZE;
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

        /** The table to insert into; default {@value #DEFAULT_TABLE}. */
        public Builder table(String table) {
            if (table == null || !IDENTIFIER.matcher(table).matches()) {
                throw new IllegalArgumentException("table must be a plain identifier, was " + table);
            }
            this.table = table;
            return this;
        }

        /** The HTTP client to share; default a new one with a 5 s connect timeout. */
        public Builder httpClient(HttpClient httpClient) {
            this.httpClient = Objects.requireNonNull(httpClient, "httpClient");
            return this;
        }

        /** Rows per request, 1 to 10 000; default {@value #DEFAULT_CHUNK_SIZE}. */
        public Builder chunkSize(int chunkSize) {
            if (chunkSize < 1 || chunkSize > 10_000) {
                throw new IllegalArgumentException("chunkSize must be between 1 and 10000, was " + chunkSize);
            }
            this.chunkSize = chunkSize;
            return this;
        }

        /** Attempts per request including the first, 1 to 10; default 4. */
        public Builder maxAttempts(int maxAttempts) {
            if (maxAttempts < 1 || maxAttempts > 10) {
                throw new IllegalArgumentException("maxAttempts must be between 1 and 10, was " + maxAttempts);
            }
            this.maxAttempts = maxAttempts;
            return this;
        }

        /** The first wait between attempts, doubled each time up to {@code max}; default 500 ms and 8 s. */
        public Builder backoff(Duration initial, Duration max) {
            if (initial == null || max == null || initial.isNegative() || max.compareTo(initial) < 0) {
                throw new IllegalArgumentException("backoff needs 0 <= initial <= max, was " + initial + " and " + max);
            }
            this.initialBackoff = initial;
            this.maxBackoff = max;
            return this;
        }

        /** The timeout of each request; default 10 s. */
        public Builder requestTimeout(Duration requestTimeout) {
            if (requestTimeout == null || requestTimeout.isNegative() || requestTimeout.isZero()) {
                throw new IllegalArgumentException("requestTimeout must be positive, was " + requestTimeout);
            }
            this.requestTimeout = requestTimeout;
            return this;
        }

        /** How to wait between attempts; default {@link Sleeper#threadSleep()}. */
        public Builder sleeper(Sleeper sleeper) {
            this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
            return this;
        }

        /** The logger. */
        public SupabaseChatLogger build() {
            return new SupabaseChatLogger(this);
        }
    }
}
