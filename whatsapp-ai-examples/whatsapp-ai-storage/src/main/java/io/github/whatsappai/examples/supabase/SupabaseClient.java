package io.github.whatsappai.examples.supabase;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.whatsappai.internal.http.HttpClients;
import io.github.whatsappai.internal.http.JsonExchange;
import io.github.whatsappai.internal.retry.Backoff;
import io.github.whatsappai.internal.retry.RetryAfter;
import io.github.whatsappai.internal.retry.RetryPolicy;
import io.github.whatsappai.internal.retry.RetryStoppedException;
import io.github.whatsappai.internal.retry.SharedTimer;
import io.github.whatsappai.internal.retry.Verdict;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
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
 * <p>Thread-safe; create one per project and share it (it holds one {@link HttpClient}). The
 * requests go through the SDK's HTTP layer (deadline over the whole exchange, a 1 MiB cap on the
 * response) and its retry layer: the waits between attempts are tasks on a scheduler (the SDK's
 * shared timer by default; tests inject a virtual one), not sleeps.
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
    private static final long MAX_RESPONSE_BYTES = 1L << 20;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String restUrl;
    private final String key;
    private final boolean sendBearer;
    private final JsonExchange exchange;
    private final int maxAttempts;
    private final Duration requestTimeout;
    private final Clock clock;
    private final RetryPolicy retry;

    private SupabaseClient(Builder b) {
        this.restUrl = b.baseUrl + "/rest/v1/";
        this.key = b.key;
        this.sendBearer = isJwt(b.key);
        this.exchange = new JsonExchange(b.httpClient != null ? b.httpClient : HttpClients.standard());
        this.maxAttempts = b.maxAttempts;
        this.requestTimeout = b.requestTimeout;
        this.clock = b.clock;
        this.retry = RetryPolicy.builder(b.scheduler != null ? b.scheduler : SharedTimer.get())
                .backoff(Backoff.exponential(b.initialBackoff, b.maxBackoff).withJitter(Backoff.Jitter.NONE))
                .maxAttempts(b.maxAttempts)
                .clock(b.clock)
                .build();
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
     * Blocks the calling thread until the outcome is known; the waits run on the scheduler.
     *
     * @param operation names the request in error messages, e.g. {@code "insert of 3 rows into chat_logs"}
     * @param prefer the {@code Prefer} header, or {@code null}
     * @return the response body of the 2xx response
     */
    byte[] post(String pathAndQuery, byte[] body, String prefer, String operation) {
        HttpRequest.Builder request = JsonExchange.post(URI.create(restUrl + pathAndQuery), requestTimeout, body)
                .header("apikey", key)
                .header("User-Agent", USER_AGENT);
        if (prefer != null) {
            request.header("Prefer", prefer);
        }
        if (sendBearer) {
            request.header("Authorization", "Bearer " + key);
        }
        HttpRequest built = request.build();
        CompletableFuture<byte[]> outcome = retry.run(n -> attempt(built, operation), SupabaseClient::verdict,
                (n, failure, wait) -> LOG.warn("{}; retrying in {} ms (attempt {} of {})", failure.getMessage(),
                        wait.toMillis(), n, maxAttempts));
        try {
            return RetryPolicy.await(outcome);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SupabaseException("Supabase " + operation + " interrupted", 0, null, null, null, null, true, e);
        } catch (RetryStoppedException e) {
            SupabaseException failure = e.lastFailure() instanceof RetryAfterFailure r ? r.failure()
                    : (SupabaseException) e.lastFailure();
            if (e.reason() == RetryStoppedException.Reason.NOT_RETRYABLE) {
                throw failure;
            }
            throw new SupabaseException(failure.getMessage() + " (gave up after " + e.attempts() + " attempts)",
                    failure.status(), failure.code(), failure.serverMessage(), failure.details(), failure.hint(),
                    true, failure.getCause());
        }
    }

    /** One request: the 2xx body, or a {@link SupabaseException} saying whether to retry and after how long. */
    private CompletableFuture<byte[]> attempt(HttpRequest request, String operation) {
        return exchange.send(request, MAX_RESPONSE_BYTES).handle((response, error) -> {
            if (error != null) {
                Throwable e = RetryPolicy.unwrap(error);
                boolean transport = JsonExchange.transport(e) != JsonExchange.Transport.OTHER
                        && JsonExchange.transport(e) != JsonExchange.Transport.TOO_LARGE;
                throw new SupabaseException("Supabase " + operation + " failed: " + (transport ? "network error " : "")
                        + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()),
                        0, null, null, null, null, transport, e);
            }
            if (response.ok()) {
                return response.body();
            }
            SupabaseException failure = httpFailure(response.status(), response.body(), operation);
            Duration wait = retryAfter(response);
            throw wait == null ? failure : new RetryAfterFailure(failure, wait);
        });
    }

    private static Verdict verdict(Throwable failure, int attempt) {
        if (failure instanceof RetryAfterFailure r) {
            return Verdict.retryIn(r.wait);
        }
        return failure instanceof SupabaseException e && e.isRetryable() ? Verdict.backoff() : Verdict.stop();
    }

    /** A retryable failure whose response asked for a wait; unwrapped before it reaches the caller. */
    private static final class RetryAfterFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final transient Duration wait;

        RetryAfterFailure(SupabaseException failure, Duration wait) {
            super(failure.getMessage(), failure, false, false);
            this.wait = wait;
        }

        SupabaseException failure() {
            return (SupabaseException) getCause();
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

    /** A 429/503's {@code Retry-After} (seconds or an HTTP-date), at most a minute; {@code null} when absent. */
    private Duration retryAfter(JsonExchange.Response response) {
        int status = response.status();
        if (status != 429 && status != 503) {
            return null;
        }
        return response.headers().firstValue("Retry-After")
                .map(value -> RetryAfter.parse(value, clock.instant()))
                .map(wait -> min(wait, MAX_RETRY_AFTER))
                .orElse(null);
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    /** Shows the REST URL; hides the key. */
    @Override
    public String toString() {
        return "SupabaseClient[" + restUrl + ", key=****]";
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
        private ScheduledExecutorService scheduler;
        private Clock clock = Clock.systemUTC();

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
            if (initial == null || max == null || initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
                throw new IllegalArgumentException("backoff needs 0 < initial <= max, was " + initial + " and " + max);
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
         * Runs the waits between attempts; default the SDK's shared timer thread. Tests pass a
         * {@code VirtualScheduler} and its clock ({@link #clock(Clock)}).
         *
         * @param scheduler where the waits run
         * @return this builder
         */
        public Builder scheduler(ScheduledExecutorService scheduler) {
            this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
            return this;
        }

        /**
         * The clock that reads a {@code Retry-After} date; default the UTC system clock.
         *
         * @param clock agreeing with the scheduler
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
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
