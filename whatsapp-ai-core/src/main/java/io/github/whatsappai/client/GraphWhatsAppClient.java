package io.github.whatsappai.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.whatsappai.event.Event;
import io.github.whatsappai.event.EventListener;
import io.github.whatsappai.internal.NamedDaemonThreads;
import io.github.whatsappai.internal.Redaction;
import io.github.whatsappai.internal.http.CappedBody;
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
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;

/**
 * {@link WhatsAppClient} over the Graph API ({@code POST {base}/{version}/{phone_number_id}/messages}
 * with the Bearer token) using one shared {@link HttpClient}, plus media lookup and download.
 *
 * <p><b>Construction.</b> {@link #create(GraphSettings, EventListener)} for the usual case, or
 * {@link #builder()} to set everything (tests inject a scheduler, a ticker and a jitter source).
 *
 * <p><b>Asynchrony.</b> Every method returns at once. Waits (outbound pacing, backoff before a
 * retry, a user's pair rate limit) are tasks on the scheduler; no thread is blocked for them.
 * Futures complete on the HTTP client's or the scheduler's threads, so callers must not block
 * inside their callbacks.
 *
 * <p><b>Retries</b> are keyed on Graph's {@code error.code} (table in docs/whatsapp-protocol-notes.md), up to
 * {@code maxAttempts} attempts in all:
 * <ul>
 *   <li>1, 2, 4, 80007, 130429, 131000, 131016, 133004, and, without a Graph code, HTTP 5xx, 429 and
 *       network failures: exponential backoff from {@code baseBackoff} (default 1 s), doubled per
 *       attempt up to {@code maxBackoff} (default 30 s), with "equal jitter" (half fixed, half random);</li>
 *   <li>131057 (maintenance, e.g. a throughput upgrade): after {@code maintenanceDelay} (default
 *       60 s) plus up to 10 % jitter;</li>
 *   <li>131056 (pair rate limit): this (phone number id, recipient) pair is held for 4^n seconds
 *       (n = 0, 1, 2, … consecutive refusals, plus up to 10 % jitter); every send to that recipient
 *       waits for it, sends to other recipients go on; a success resets n;</li>
 *   <li>anything else fails at once: 131047 as a {@link ReEngagementRequiredException} and an
 *       {@link Event.ReEngagementRequired}; 0, 190, 368, 131031 and 131042 also raise an
 *       {@link Event.GraphAlert}; 100, 131026, 132xxx and unknown codes just fail.</li>
 * </ul>
 *
 * <p><b>Pacing.</b> Every {@code POST /messages} (sends and read receipts) of a phone number id
 * passes a token bucket so that no one-second window holds more than
 * {@code outboundMessagesPerSecond} (default 80) requests; excess requests wait their turn in order.
 *
 * <p><b>Lifecycle.</b> Thread-safe; share one instance. {@link #close()} fails the requests not yet
 * completed and shuts down the scheduler if this client created it (an injected scheduler or
 * {@link HttpClient} is left alone). The access token is never logged; recipients are masked.
 */
public final class GraphWhatsAppClient implements WhatsAppClient, AutoCloseable {

    /** Default largest media download: 16 MiB (WhatsApp's limit for audio and video). */
    public static final long DEFAULT_MAX_MEDIA_BYTES = 16L * 1024 * 1024;
    /** Default number of attempts per request, the first included. */
    public static final int DEFAULT_MAX_ATTEMPTS = 5;

    private static final Logger LOG = LoggerFactory.getLogger(GraphWhatsAppClient.class);
    private static final Pattern GRAPH_ID = Pattern.compile("[A-Za-z0-9_.\\-]{1,128}");
    private static final Set<Integer> ALERT_CODES = Set.of(0, 190, 368, 131031, 131042);
    private static final long MAX_JSON_BYTES = 1L << 20;
    private static final int MAX_DETAIL_CHARS = 200;
    /** Pair holds that ended this long ago are forgotten (their recipient never got a success). */
    private static final long STALE_HOLD_NANOS = TimeUnit.HOURS.toNanos(1);

    private final String authorization;
    private final String baseUrl;
    private final int messagesPerSecond;
    private final int pacingBurst;
    private final HttpClient http;
    private final EventListener events;
    private final ScheduledExecutorService scheduler;
    private final boolean ownScheduler;
    private final LongSupplier ticker;
    private final DoubleSupplier jitter;
    private final int maxAttempts;
    private final long maxMediaBytes;
    private final Duration requestTimeout;
    private final long baseBackoffNanos;
    private final long maxBackoffNanos;
    private final long maintenanceNanos;
    private final MessageSplitter splitter;
    private final MessageJson json;
    private final ObjectMapper mapper;
    private final Map<String, Pacer> pacers = new ConcurrentHashMap<>();
    private final Map<String, PairHold> pairHolds = new ConcurrentHashMap<>();
    private final Set<CompletableFuture<?>> pending = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    private GraphWhatsAppClient(Builder b) {
        this.authorization = "Bearer " + b.accessToken;
        this.baseUrl = stripSlash(b.graphApiBaseUrl.toString()) + "/" + b.graphApiVersion + "/";
        this.messagesPerSecond = b.outboundMessagesPerSecond;
        this.pacingBurst = b.pacingBurst;
        this.http = b.httpClient != null ? b.httpClient
                : HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        this.events = b.eventListener;
        this.ownScheduler = b.scheduler == null;
        this.scheduler = b.scheduler != null ? b.scheduler : Executors.newSingleThreadScheduledExecutor(
                NamedDaemonThreads.named("whatsapp-ai-graph-scheduler"));
        this.ticker = b.ticker;
        this.jitter = b.jitter;
        this.maxAttempts = b.maxAttempts;
        this.maxMediaBytes = b.maxMediaBytes;
        this.requestTimeout = b.requestTimeout;
        this.baseBackoffNanos = b.baseBackoff.toNanos();
        this.maxBackoffNanos = b.maxBackoff.toNanos();
        this.maintenanceNanos = b.maintenanceDelay.toNanos();
        this.splitter = new MessageSplitter(b.splitLimit);
        this.mapper = new ObjectMapper();
        this.json = new MessageJson(mapper);
    }

    /** A builder; only the access token is required. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A client for the settings' token, Graph base URL, version and outbound pace, with its own
     * {@link HttpClient} and scheduler.
     *
     * @throws IllegalArgumentException when the settings have no access token
     */
    public static GraphWhatsAppClient create(GraphSettings settings, EventListener listener) {
        return builder()
                .settings(settings)
                .eventListener(listener)
                .build();
    }

    /**
     * {@inheritDoc}
     *
     * <p>The text goes through {@link MarkdownFormatter} and {@link MessageSplitter}; the quote is on
     * the first part only; link previews are off. When a part fails, the future fails with its
     * exception and the later parts are not sent.
     *
     * @throws IllegalArgumentException when the text is blank or an id is malformed
     */
    @Override
    public CompletableFuture<SendResult> sendText(String phoneNumberId, Recipient to, String text,
                                                  String replyToMessageId) {
        checkId(phoneNumberId, "phone number id");
        List<String> parts = splitter.split(MarkdownFormatter.toWhatsApp(text));
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("nothing to send: the text is empty or blank");
        }
        List<TextMessage> messages = new ArrayList<>(parts.size());
        for (int i = 0; i < parts.size(); i++) {
            messages.add(new TextMessage(parts.get(i), false, i == 0 ? replyToMessageId : null));
        }
        CompletableFuture<List<String>> chain = CompletableFuture.completedFuture(new ArrayList<>(parts.size()));
        for (int i = 0; i < messages.size(); i++) {
            TextMessage m = messages.get(i);
            String unsent = String.join("\n\n", parts.subList(i, parts.size()));
            chain = chain.thenCompose(ids -> sendMessage(phoneNumberId, to, m, unsent)
                    .thenApply(id -> {
                        ids.add(id);
                        return ids;
                    }));
        }
        return chain.thenApply(SendResult::new);
    }

    /** {@inheritDoc} */
    @Override
    public CompletableFuture<Void> markRead(String phoneNumberId, String messageId, boolean showTypingIndicator) {
        checkId(phoneNumberId, "phone number id");
        Limits.required(messageId, "message id");
        Call<Void> call = new Call<>(messagesUri(phoneNumberId), json.markRead(messageId, showTypingIndicator),
                phoneNumberId, null, null, null, (status, body) -> {
                    JsonNode root = parseJson(status, body);
                    if (root != null && root.path("success").asBoolean(false)) {
                        return null;
                    }
                    throw unexpected(status, "read receipt answered without success:true");
                });
        return start(call);
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalArgumentException for a message type this client does not know or a malformed id
     */
    @Override
    public CompletableFuture<SendResult> send(String phoneNumberId, Recipient to, OutboundMessage message) {
        checkId(phoneNumberId, "phone number id");
        String text = message instanceof TextMessage t ? t.body() : null;
        return sendMessage(phoneNumberId, to, message, text).thenApply(id -> new SendResult(List.of(id)));
    }

    /**
     * Looks up a media id (from a webhook, valid for 7 days): {@code GET /{version}/{media-id}}.
     *
     * @throws IllegalArgumentException when the id is malformed
     */
    public CompletableFuture<MediaInfo> mediaUrl(String mediaId) {
        checkId(mediaId, "media id");
        Call<MediaInfo> call = new Call<>(URI.create(baseUrl + mediaId), null, null, null, null, null,
                (status, body) -> {
                    JsonNode root = parseJson(status, body);
                    if (root == null || !root.path("url").isTextual()) {
                        throw unexpected(status, "media lookup answered without a url");
                    }
                    return new MediaInfo(root.path("id").asText(mediaId), root.path("url").asText(),
                            text(root, "mime_type"), text(root, "sha256"), root.path("file_size").asLong(-1));
                });
        return start(call);
    }

    /**
     * Downloads a media file with the access token, refusing files larger than {@code maxMediaBytes}
     * (by {@code Content-Length}, by the size the lookup reported, and while streaming) with a
     * {@link MediaTooLargeException}.
     *
     * @param urlOrMediaId a download URL from {@link #mediaUrl} (the token is sent to it), or a media
     *                     id, which is looked up first
     */
    public CompletableFuture<MediaContent> downloadMedia(String urlOrMediaId) {
        Limits.required(urlOrMediaId, "media URL or id");
        if (urlOrMediaId.startsWith("https://") || urlOrMediaId.startsWith("http://")) {
            return download(URI.create(urlOrMediaId));
        }
        return mediaUrl(urlOrMediaId).thenCompose(info -> {
            if (info.fileSize() > maxMediaBytes) {
                return CompletableFuture.failedFuture(new MediaTooLargeException(maxMediaBytes, info.fileSize()));
            }
            return download(URI.create(info.url()));
        });
    }

    /**
     * Fails every request not yet completed and stops the scheduler if this client created it.
     * Further calls fail with {@link IllegalStateException}.
     */
    @Override
    public void close() {
        closed = true;
        for (CompletableFuture<?> f : List.copyOf(pending)) {
            f.completeExceptionally(new IllegalStateException("the WhatsApp client was closed before the request completed"));
        }
        if (ownScheduler) {
            scheduler.shutdownNow();
        }
    }

    @Override
    public String toString() {
        return "GraphWhatsAppClient{" + baseUrl + ", " + messagesPerSecond + " msg/s}";
    }

    // ---- internals ------------------------------------------------------------------------------

    private CompletableFuture<MediaContent> download(URI uri) {
        Call<MediaContent> call = new Call<>(uri, null, null, null, null,
                CappedBody.handler(maxMediaBytes, size -> new MediaTooLargeException(maxMediaBytes, size)),
                null);
        return start(call);
    }

    private CompletableFuture<String> sendMessage(String phoneNumberId, Recipient to, OutboundMessage message,
                                                  String text) {
        byte[] body = json.message(to, message);
        String recipient = to.waId() != null ? to.waId() : to.userId();
        Call<String> call = new Call<>(messagesUri(phoneNumberId), body, phoneNumberId, recipient, text, null,
                (status, bytes) -> {
                    JsonNode root = parseJson(status, bytes);
                    JsonNode id = root == null ? null : root.path("messages").path(0).path("id");
                    if (id == null || !id.isTextual()) {
                        throw unexpected(status, "send accepted without a message id");
                    }
                    return id.asText();
                });
        return start(call);
    }

    private URI messagesUri(String phoneNumberId) {
        return URI.create(baseUrl + phoneNumberId + "/messages");
    }

    private <T> CompletableFuture<T> start(Call<T> call) {
        if (closed) {
            return CompletableFuture.failedFuture(new IllegalStateException("the WhatsApp client is closed"));
        }
        CompletableFuture<T> result = new CompletableFuture<>();
        pending.add(result);
        result.whenComplete((v, e) -> pending.remove(result));
        attempt(call, 1, result);
        return result;
    }

    private <T> void attempt(Call<T> call, int n, CompletableFuture<T> result) {
        if (result.isDone()) {
            return;
        }
        if (call.pairKey != null) {
            PairHold hold = pairHolds.get(call.pairKey);
            if (hold != null) {
                long wait = hold.notBefore - ticker.getAsLong();
                if (wait > 0) {
                    schedule(() -> attempt(call, n, result), wait);
                    return;
                }
            }
        }
        if (call.phoneNumberId != null) {
            pacers.computeIfAbsent(call.phoneNumberId, k -> new Pacer(messagesPerSecond, pacingBurst, scheduler, ticker))
                    .submit(() -> dispatch(call, n, result));
        } else {
            dispatch(call, n, result);
        }
    }

    private <T> void dispatch(Call<T> call, int n, CompletableFuture<T> result) {
        if (result.isDone()) {
            return;
        }
        if (call.pairKey != null && !pairHolds.isEmpty()) {
            PairHold hold = pairHolds.get(call.pairKey);
            if (hold != null && hold.notBefore > ticker.getAsLong()) {
                attempt(call, n, result);
                return;
            }
        }
        HttpRequest.Builder rb = HttpRequest.newBuilder(call.uri)
                .timeout(requestTimeout)
                .header("Authorization", authorization);
        if (call.body != null) {
            rb.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(call.body));
        } else {
            rb.GET();
        }
        CappedBody.Handler handler = call.handler != null ? call.handler
                : CappedBody.handler(MAX_JSON_BYTES, size -> new WhatsAppApiException(0, WhatsAppApiException.NO_CODE,
                        0, null, null, "response larger than " + MAX_JSON_BYTES + " bytes", null, null));
        CompletableFuture<HttpResponse<byte[]>> sent;
        try {
            sent = CappedBody.send(http, rb.build(), handler);
        } catch (RuntimeException e) {
            result.completeExceptionally(e);
            return;
        }
        sent.whenComplete((response, error) -> onResponse(call, n, result, response, error));
    }

    private <T> void onResponse(Call<T> call, int n, CompletableFuture<T> result,
                                HttpResponse<byte[]> response, Throwable error) {
        WhatsAppApiException failure;
        if (error != null) {
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            MediaTooLargeException tooLarge = findCause(cause, MediaTooLargeException.class);
            WhatsAppApiException api = findCause(cause, WhatsAppApiException.class);
            if (tooLarge != null || api != null) {
                result.completeExceptionally(tooLarge != null ? tooLarge : api);
                return;
            }
            if (cause instanceof IOException) {
                failure = WhatsAppApiException.network(cause);
            } else {
                result.completeExceptionally(cause);
                return;
            }
        } else {
            try {
                int status = response.statusCode();
                if (status / 100 != 2) {
                    throw errorFrom(status, response.body());
                }
                T value = call.parser != null ? call.parser.parse(status, response.body())
                        : castMedia(response);
                clearPairHold(call.pairKey);
                result.complete(value);
                return;
            } catch (WhatsAppApiException e) {
                failure = e;
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
                return;
            }
        }
        if (failure.isRetryable() && n < maxAttempts) {
            long delay = retryDelay(failure, n, call.pairKey);
            LOG.debug("Graph API attempt {} to {} failed with code {} (HTTP {}); retrying in {} ms", n,
                    Redaction.maskId(call.recipient), failure.code(), failure.httpStatus(),
                    TimeUnit.NANOSECONDS.toMillis(delay));
            schedule(() -> attempt(call, n + 1, result), delay);
            return;
        }
        report(call, failure, n);
        result.completeExceptionally(failure);
    }

    private static <E extends Throwable> E findCause(Throwable t, Class<E> type) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (type.isInstance(c)) {
                return type.cast(c);
            }
        }
        return null;
    }

    @SuppressWarnings("unchecked")
    private <T> T castMedia(HttpResponse<byte[]> response) {
        String type = response.headers().firstValue("Content-Type").orElse("application/octet-stream");
        return (T) new MediaContent(response.body(), type);
    }

    private long retryDelay(WhatsAppApiException e, int attempt, String pairKey) {
        if (e.code() == WhatsAppApiException.PAIR_RATE_LIMIT && pairKey != null) {
            long staleBefore = ticker.getAsLong() - STALE_HOLD_NANOS;
            pairHolds.values().removeIf(h -> h.notBefore < staleBefore);
            PairHold hold = pairHolds.compute(pairKey, (k, old) -> {
                int strikes = old == null ? 0 : old.strikes + 1;
                long hold4n = TimeUnit.SECONDS.toNanos(1L << (2 * Math.min(strikes, 10)));
                return new PairHold(ticker.getAsLong() + hold4n + (long) (hold4n * 0.1 * jitter.getAsDouble()), strikes);
            });
            return Math.max(0, hold.notBefore - ticker.getAsLong());
        }
        if (e.code() == WhatsAppApiException.MAINTENANCE) {
            return maintenanceNanos + (long) (maintenanceNanos * 0.1 * jitter.getAsDouble());
        }
        long exp = baseBackoffNanos << Math.min(attempt - 1, 20);
        long d = Math.min(maxBackoffNanos, exp <= 0 ? maxBackoffNanos : exp);
        return d / 2 + (long) (d / 2 * jitter.getAsDouble());
    }

    private void clearPairHold(String pairKey) {
        if (pairKey != null && !pairHolds.isEmpty()) {
            pairHolds.remove(pairKey);
        }
    }

    private void report(Call<?> call, WhatsAppApiException e, int attempts) {
        LOG.warn("Graph API request to {} failed after {} attempt(s): code {} (HTTP {}) fbtrace_id={}",
                Redaction.maskId(call.recipient), attempts, e.code(), e.httpStatus(), e.fbtraceId());
        if (e instanceof ReEngagementRequiredException) {
            emit(new Event.ReEngagementRequired(call.phoneNumberId, call.recipient, call.text));
        }
        if (ALERT_CODES.contains(e.code())) {
            emit(new Event.GraphAlert(e.code(), e.graphMessage(), e.fbtraceId()));
        }
    }

    private void emit(Event event) {
        try {
            events.onEvent(event);
        } catch (RuntimeException ex) {
            LOG.warn("event listener failed on {}", event.getClass().getSimpleName(), ex);
        }
    }

    private void schedule(Runnable task, long delayNanos) {
        try {
            scheduler.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            LOG.debug("scheduler refused a task (client closed?)", e);
        }
    }

    /** Builds the exception for a non-2xx answer or a 2xx answer with an {@code error} object. */
    private WhatsAppApiException errorFrom(int status, byte[] body) {
        JsonNode error = null;
        try {
            JsonNode root = body.length == 0 ? null : mapper.readTree(body);
            error = root == null ? null : root.get("error");
        } catch (IOException notJson) {
            LOG.trace("error body is not JSON", notJson);
        }
        if (error == null || !error.isObject()) {
            String snippet = new String(body, 0, Math.min(body.length, MAX_DETAIL_CHARS), StandardCharsets.UTF_8).strip();
            return new WhatsAppApiException(status, WhatsAppApiException.NO_CODE, 0, null, null,
                    "HTTP " + status + " without a Graph error object", snippet.isEmpty() ? null : snippet, null);
        }
        int code = error.path("code").asInt(WhatsAppApiException.NO_CODE);
        int subcode = error.path("error_subcode").asInt(0);
        String type = text(error, "type");
        String trace = text(error, "fbtrace_id");
        String message = text(error, "message");
        String details = text(error.path("error_data"), "details");
        if (code == WhatsAppApiException.RE_ENGAGEMENT) {
            return new ReEngagementRequiredException(status, subcode, type, trace, message, details);
        }
        return new WhatsAppApiException(status, code, subcode, type, trace, message, details, null);
    }

    /** The JSON of a 2xx answer; an {@code error} object in it is thrown as such. */
    private JsonNode parseJson(int status, byte[] body) {
        JsonNode root;
        try {
            root = mapper.readTree(body);
        } catch (IOException e) {
            throw unexpected(status, "answer is not JSON");
        }
        if (root != null && root.has("error")) {
            throw errorFrom(status, body);
        }
        return root;
    }

    private static WhatsAppApiException unexpected(int status, String what) {
        return new WhatsAppApiException(status, WhatsAppApiException.NO_CODE, 0, null, null, what, null, null);
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static void checkId(String id, String what) {
        if (id == null || !GRAPH_ID.matcher(id).matches()) {
            throw new IllegalArgumentException(what + " must be 1 to 128 letters, digits, '.', '_' or '-', got "
                    + (id == null ? "null" : "'" + Redaction.maskId(id) + "'"));
        }
    }

    private static String stripSlash(String s) {
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    /** Parses a 2xx body into the call's result. */
    @FunctionalInterface
    private interface Parser<T> {
        T parse(int status, byte[] body);
    }

    /** One request with everything its retries need. */
    private static final class Call<T> {
        final URI uri;
        final byte[] body;
        final String phoneNumberId;
        final String recipient;
        final String pairKey;
        final String text;
        final CappedBody.Handler handler;
        final Parser<T> parser;

        Call(URI uri, byte[] body, String phoneNumberId, String recipient, String text,
             CappedBody.Handler handler, Parser<T> parser) {
            this.uri = uri;
            this.body = body;
            this.phoneNumberId = phoneNumberId;
            this.recipient = recipient;
            this.pairKey = recipient == null ? null : phoneNumberId + '|' + recipient;
            this.text = text;
            this.handler = handler;
            this.parser = parser;
        }
    }

    /** A (phone number id, recipient) pair held back after 131056. */
    private record PairHold(long notBefore, int strikes) {
    }

    /**
     * Builds a {@link GraphWhatsAppClient}. Not thread-safe; {@link #build()} checks every value and
     * reports all problems at once.
     */
    public static final class Builder {

        private String accessToken;
        private URI graphApiBaseUrl = URI.create(GraphSettings.DEFAULT_BASE_URL);
        private String graphApiVersion = GraphSettings.DEFAULT_VERSION;
        private int outboundMessagesPerSecond = GraphSettings.DEFAULT_OUTBOUND_MESSAGES_PER_SECOND;
        private int pacingBurst = Pacer.DEFAULT_BURST;
        private HttpClient httpClient;
        private EventListener eventListener = EventListener.noop();
        private ScheduledExecutorService scheduler;
        private LongSupplier ticker = System::nanoTime;
        private DoubleSupplier jitter = () -> ThreadLocalRandom.current().nextDouble();
        private int maxAttempts = DEFAULT_MAX_ATTEMPTS;
        private long maxMediaBytes = DEFAULT_MAX_MEDIA_BYTES;
        private Duration requestTimeout = Duration.ofSeconds(30);
        private Duration baseBackoff = Duration.ofSeconds(1);
        private Duration maxBackoff = Duration.ofSeconds(30);
        private Duration maintenanceDelay = Duration.ofSeconds(60);
        private int splitLimit = MessageSplitter.DEFAULT_LIMIT;

        private Builder() {
        }

        /** Token, base URL, version and outbound pace from {@code settings}. */
        public Builder settings(GraphSettings settings) {
            return accessToken(settings.accessToken()).graphApiBaseUrl(settings.baseUrl())
                    .graphApiVersion(settings.version()).outboundMessagesPerSecond(settings.outboundMessagesPerSecond());
        }

        /** The Graph API access token (required). Never logged. */
        public Builder accessToken(String token) {
            this.accessToken = token;
            return this;
        }

        /** The Graph API base; default {@value GraphSettings#DEFAULT_BASE_URL}. */
        public Builder graphApiBaseUrl(URI url) {
            this.graphApiBaseUrl = url;
            return this;
        }

        /** The Graph API base as a string. */
        public Builder graphApiBaseUrl(String url) {
            return graphApiBaseUrl(url == null ? null : URI.create(url));
        }

        /** The Graph API version; default {@value GraphSettings#DEFAULT_VERSION}. */
        public Builder graphApiVersion(String version) {
            this.graphApiVersion = version;
            return this;
        }

        /** Most {@code /messages} requests per second per phone number id; default 80. */
        public Builder outboundMessagesPerSecond(int rate) {
            this.outboundMessagesPerSecond = rate;
            return this;
        }

        /**
         * How many requests an idle number may send back to back before the pace spaces them;
         * default {@value Pacer#DEFAULT_BURST}, so a reply does not wait an interval behind its read
         * receipt. 1 spaces every request evenly. No window of 1.02 s ever holds more than the rate.
         */
        public Builder pacingBurst(int burst) {
            this.pacingBurst = burst;
            return this;
        }

        /** The HTTP client to share; default a new one with a 10 s connect timeout. */
        public Builder httpClient(HttpClient client) {
            this.httpClient = client;
            return this;
        }

        /** Receives {@link Event.GraphAlert} and {@link Event.ReEngagementRequired}; default none. */
        public Builder eventListener(EventListener listener) {
            this.eventListener = listener;
            return this;
        }

        /**
         * Runs the waits (pacing, backoff, pair-rate holds); default a daemon single-thread scheduler
         * owned by the client. Its tasks only start HTTP requests, so one thread is plenty.
         */
        public Builder scheduler(ScheduledExecutorService scheduler) {
            this.scheduler = scheduler;
            return this;
        }

        /** Monotonic nanosecond time, consistent with the scheduler; default {@link System#nanoTime()}. */
        public Builder ticker(LongSupplier ticker) {
            this.ticker = ticker;
            return this;
        }

        /** A source of numbers in [0, 1) that spreads retries; default {@link ThreadLocalRandom}. */
        public Builder jitter(DoubleSupplier jitter) {
            this.jitter = jitter;
            return this;
        }

        /** Attempts per request, the first included; default {@value GraphWhatsAppClient#DEFAULT_MAX_ATTEMPTS}. */
        public Builder maxAttempts(int attempts) {
            this.maxAttempts = attempts;
            return this;
        }

        /** Largest media download in bytes; default 16 MiB. */
        public Builder maxMediaBytes(long bytes) {
            this.maxMediaBytes = bytes;
            return this;
        }

        /** Timeout of one HTTP request; default 30 s. */
        public Builder requestTimeout(Duration timeout) {
            this.requestTimeout = timeout;
            return this;
        }

        /** First retry backoff, doubled per attempt; default 1 s. */
        public Builder baseBackoff(Duration backoff) {
            this.baseBackoff = backoff;
            return this;
        }

        /** Longest retry backoff; default 30 s. */
        public Builder maxBackoff(Duration backoff) {
            this.maxBackoff = backoff;
            return this;
        }

        /** Wait before retrying 131057 (maintenance); default 60 s. */
        public Builder maintenanceDelay(Duration delay) {
            this.maintenanceDelay = delay;
            return this;
        }

        /** Longest text part of {@link GraphWhatsAppClient#sendText}; default 4096. */
        public Builder splitLimit(int limit) {
            this.splitLimit = limit;
            return this;
        }

        /**
         * Builds the client.
         *
         * @throws IllegalArgumentException listing every missing or invalid value
         */
        public GraphWhatsAppClient build() {
            List<String> problems = new ArrayList<>();
            if (accessToken == null || accessToken.isBlank()) {
                problems.add("accessToken is required to send (META_ACCESS_TOKEN)");
            }
            if (graphApiBaseUrl == null || graphApiBaseUrl.getScheme() == null
                    || !(graphApiBaseUrl.getScheme().equals("https") || graphApiBaseUrl.getScheme().equals("http"))) {
                problems.add("graphApiBaseUrl must be an http(s) URL, got " + graphApiBaseUrl);
            }
            if (graphApiVersion == null || !graphApiVersion.matches("v\\d{1,3}\\.\\d{1,2}")) {
                problems.add("graphApiVersion must look like v26.0, got " + graphApiVersion);
            }
            if (outboundMessagesPerSecond < 1 || outboundMessagesPerSecond > 100_000) {
                problems.add("outboundMessagesPerSecond must be 1..100000, got " + outboundMessagesPerSecond);
            } else if (pacingBurst < 1 || pacingBurst > outboundMessagesPerSecond) {
                problems.add("pacingBurst must be 1..outboundMessagesPerSecond, got " + pacingBurst);
            }
            if (eventListener == null || ticker == null || jitter == null) {
                problems.add("eventListener, ticker and jitter must not be null");
            }
            if (maxAttempts < 1) {
                problems.add("maxAttempts must be at least 1, got " + maxAttempts);
            }
            if (maxMediaBytes < 1) {
                problems.add("maxMediaBytes must be positive, got " + maxMediaBytes);
            }
            for (Duration d : new Duration[] {requestTimeout, baseBackoff, maxBackoff, maintenanceDelay}) {
                if (d == null || d.isNegative() || d.isZero()) {
                    problems.add("requestTimeout, baseBackoff, maxBackoff and maintenanceDelay must be positive, got " + d);
                    break;
                }
            }
            if (splitLimit < MessageSplitter.MIN_LIMIT || splitLimit > TextMessage.MAX_BODY) {
                problems.add("splitLimit must be " + MessageSplitter.MIN_LIMIT + ".." + TextMessage.MAX_BODY + ", got " + splitLimit);
            }
            if (!problems.isEmpty()) {
                throw new IllegalArgumentException("invalid GraphWhatsAppClient configuration: " + String.join("; ", problems));
            }
            return new GraphWhatsAppClient(this);
        }
    }
}
