package io.github.whatsappai.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.whatsappai.event.Event;
import io.github.whatsappai.event.EventListener;
import io.github.whatsappai.internal.Clocks;
import io.github.whatsappai.internal.NamedDaemonThreads;
import io.github.whatsappai.internal.Redaction;
import io.github.whatsappai.internal.SettingsCheck;
import io.github.whatsappai.internal.http.HttpClients;
import io.github.whatsappai.internal.http.JsonExchange;
import io.github.whatsappai.internal.retry.Backoff;
import io.github.whatsappai.internal.retry.RetryPolicy;
import io.github.whatsappai.internal.retry.RetryStoppedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;
import java.util.regex.Pattern;

/**
 * {@link WhatsAppClient} over the Graph API ({@code POST {base}/{version}/{phone_number_id}/messages}
 * with the Bearer token) using one shared {@link HttpClient}, plus media lookup and download.
 *
 * <p><b>Construction.</b> {@link #create(GraphSettings, EventListener)} for the usual case, or
 * {@link #builder()} to set everything (tests inject a scheduler, its clock and a jitter source).
 *
 * <p><b>Asynchrony.</b> Every method returns at once. Waits (outbound pacing, backoff before a
 * retry, a user's pair rate limit) are tasks on the scheduler; no thread is blocked for them.
 * Futures complete on the HTTP client's or the scheduler's threads, so callers must not block
 * inside their callbacks.
 *
 * <p><b>Retries</b> run on the SDK's retry layer and are keyed on Graph's {@code error.code} (table
 * in docs/whatsapp-protocol-notes.md; not the HTTP status: code 1 arrives with HTTP 400, for
 * example), up to {@code maxAttempts} attempts in all:
 * <ul>
 *   <li>1, 2, 4, 80007, 130429, 131000, 131016, 133004, and, without a Graph code, HTTP 429 and
 *       connections that could not be made: exponential backoff from {@code baseBackoff} (default 1 s), doubled per
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
 * <p><b>Ambiguous sends.</b> A message send whose request may have reached Meta without an answer
 * saying so (a timeout or a broken connection after the request was written, or an HTTP 5xx
 * without a Graph error) may have been accepted: sending it again could show it twice. Such a send
 * is repeated at most once, and a {@link Event.SendAmbiguous} event reports the outcome. Read
 * receipts and media requests are idempotent and retried as above. To settle the outcome for sure,
 * tag the send with {@code biz_opaque_callback_data}
 * ({@link #sendText(String, Recipient, String, String, String)}): the status webhooks of the
 * message echo it. {@code docs/sending.md} explains the trade-off.
 *
 * <p><b>Pacing.</b> Every {@code POST /messages} (sends and read receipts) of a phone number id
 * passes a token bucket so that no one-second window holds more than
 * {@code outboundMessagesPerSecond} (default 80) requests; excess requests wait their turn in order.
 *
 * <p><b>Size.</b> The client proper is its public API and the run of each call with retries and
 * events (about 250 lines); the rest of this file is this Javadoc and the public {@link Builder},
 * whose setters are the client's configuration surface and stay nested because moving a public
 * class is an API change. Dispatch ({@code GraphDispatcher}), the retry policy by error code
 * ({@code GraphRetryPolicy}), per-recipient holds ({@code PairHolds}), media download
 * ({@code MediaDownloads}) and error reading ({@code GraphErrors}) are package-private classes.
 *
 * <p><b>Lifecycle.</b> Thread-safe; share one instance. {@link #close()} fails the requests not yet
 * completed and shuts down the scheduler if this client created it (an injected scheduler or
 * {@link HttpClient} is left alone). The access token is never logged; recipients are masked.
 */
public final class GraphWhatsAppClient implements WhatsAppClient, MediaSource, AutoCloseable {

    /** Default largest media download: 16 MiB (WhatsApp's limit for audio and video). */
    public static final long DEFAULT_MAX_MEDIA_BYTES = 16L * 1024 * 1024;
    /** Default number of attempts per request, the first included. */
    public static final int DEFAULT_MAX_ATTEMPTS = 5;
    /** Longest {@code biz_opaque_callback_data} Meta accepts. */
    public static final int MAX_CALLBACK_DATA_CHARS = 512;

    private static final Logger LOG = LoggerFactory.getLogger(GraphWhatsAppClient.class);
    private static final Pattern GRAPH_ID = Pattern.compile("[A-Za-z0-9_.\\-]{1,128}");
    private static final Set<Integer> ALERT_CODES = Set.of(0, 190, 368, 131031, 131042);
    private static final long MAX_JSON_BYTES = 1L << 20;

    private final String baseUrl;
    private final int messagesPerSecond;
    private final EventListener events;
    private final ScheduledExecutorService scheduler;
    private final boolean ownScheduler;
    private final MessageSplitter splitter;
    private final MessageJson json;
    private final GraphErrors errors;
    private final GraphDispatcher dispatcher;
    private final GraphRetryPolicy retries;
    private final RetryPolicy retryPolicy;
    private final MediaDownloads media;
    private final Set<CompletableFuture<?>> pending = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    private GraphWhatsAppClient(Builder b) {
        this.baseUrl = stripSlash(b.graphApiBaseUrl.toString()) + "/" + b.graphApiVersion + "/";
        this.messagesPerSecond = b.outboundMessagesPerSecond;
        this.events = b.eventListener;
        this.ownScheduler = b.scheduler == null;
        this.scheduler = b.scheduler != null ? b.scheduler : Executors.newSingleThreadScheduledExecutor(
                NamedDaemonThreads.named("whatsapp-ai-graph-scheduler"));
        this.splitter = new MessageSplitter(b.splitLimit);
        ObjectMapper mapper = new ObjectMapper();
        this.json = new MessageJson(mapper);
        this.errors = new GraphErrors(mapper);
        LongSupplier ticker = Clocks.nanoTicker(b.clock);
        PairHolds holds = new PairHolds(ticker, b.random);
        this.dispatcher = new GraphDispatcher(new JsonExchange(b.httpClient != null ? b.httpClient : HttpClients.standard()),
                b.accessToken, b.requestTimeout, b.outboundMessagesPerSecond, b.pacingBurst, scheduler, ticker, holds, errors);
        this.retries = new GraphRetryPolicy(b.maxAttempts, b.maintenanceDelay, holds, b.random);
        this.retryPolicy = RetryPolicy.builder(scheduler)
                .backoff(Backoff.exponential(b.baseBackoff, b.maxBackoff).withJitter(Backoff.Jitter.EQUAL))
                .maxAttempts(b.maxAttempts)
                .clock(b.clock)
                .random(b.random)
                .build();
        this.media = new MediaDownloads(baseUrl, b.maxMediaBytes, MAX_JSON_BYTES, errors, this::start);
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
     * <p>Markdown is converted to WhatsApp's formatting, and a text over the split limit is sent as
     * several messages, split at paragraph, sentence or word boundaries; the quote is on the first part only; link previews are off. When a part fails, the future fails with its
     * exception and the later parts are not sent.
     *
     * @throws IllegalArgumentException when the text is blank or an id is malformed
     */
    @Override
    public CompletableFuture<SendResult> sendText(String phoneNumberId, Recipient to, String text,
                                                  String replyToMessageId) {
        return sendText(phoneNumberId, to, text, replyToMessageId, null);
    }

    /**
     * {@inheritDoc}
     *
     * <p>Every part carries {@code callbackData} as {@code biz_opaque_callback_data}; Meta echoes it
     * in the status webhooks of each part's message id.
     *
     * @throws IllegalArgumentException when the text is blank, an id is malformed or the callback
     *                                  data is longer than {@value #MAX_CALLBACK_DATA_CHARS} characters
     */
    @Override
    public CompletableFuture<SendResult> sendText(String phoneNumberId, Recipient to, String text,
                                                  String replyToMessageId, String callbackData) {
        checkId(phoneNumberId, "phone number id");
        Limits.max(callbackData, MAX_CALLBACK_DATA_CHARS, "biz_opaque_callback_data");
        List<String> parts = splitter.split(MarkdownFormatter.toWhatsApp(text));
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("nothing to send: the text is empty or blank");
        }
        CompletableFuture<List<String>> chain = CompletableFuture.completedFuture(new ArrayList<>(parts.size()));
        for (int i = 0; i < parts.size(); i++) {
            TextMessage m = new TextMessage(parts.get(i), false, i == 0 ? replyToMessageId : null);
            String unsent = String.join("\n\n", parts.subList(i, parts.size()));
            chain = chain.thenCompose(ids -> sendMessage(phoneNumberId, to, m, unsent, Limits.optional(callbackData))
                    .thenApply(id -> {
                        ids.add(id);
                        return ids;
                    }));
        }
        return chain.thenApply(SendResult::new);
    }

    /** {@inheritDoc} Markdown converted to WhatsApp's formatting, then split at the split limit. */
    @Override
    public List<String> textParts(String text) {
        return splitter.split(MarkdownFormatter.toWhatsApp(text));
    }

    /**
     * {@inheritDoc}
     *
     * <p>A part longer than one message (stored before parts were split, for example) goes through
     * {@link #sendText(String, Recipient, String, String, String)} instead.
     */
    @Override
    public CompletableFuture<SendResult> sendTextPart(String phoneNumberId, Recipient to, String part,
                                                      String callbackData) {
        if (part.length() > TextMessage.MAX_BODY) {
            return sendText(phoneNumberId, to, part, null, callbackData);
        }
        checkId(phoneNumberId, "phone number id");
        Limits.max(callbackData, MAX_CALLBACK_DATA_CHARS, "biz_opaque_callback_data");
        TextMessage m = new TextMessage(part, false, null);
        return sendMessage(phoneNumberId, to, m, part, Limits.optional(callbackData))
                .thenApply(id -> new SendResult(List.of(id)));
    }

    /** {@inheritDoc} */
    @Override
    public CompletableFuture<Void> markRead(String phoneNumberId, String messageId, boolean showTypingIndicator) {
        return markRead(phoneNumberId, messageId, showTypingIndicator, null);
    }

    /** {@inheritDoc} {@code onDispatch} runs when the request leaves the per-number pace. */
    @Override
    public CompletableFuture<Void> markRead(String phoneNumberId, String messageId, boolean showTypingIndicator,
                                            Runnable onDispatch) {
        checkId(phoneNumberId, "phone number id");
        Limits.required(messageId, "message id");
        return start(new GraphCall<Void>(messagesUri(phoneNumberId), json.markRead(messageId, showTypingIndicator),
                phoneNumberId, null, null, false, null, MAX_JSON_BYTES, jsonTooLarge(MAX_JSON_BYTES), response -> {
                    if (errors.parseJson(response).path("success").asBoolean(false)) {
                        return null;
                    }
                    throw GraphErrors.unexpected(response.status(), "read receipt answered without success:true");
                }, onDispatch));
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
        return sendMessage(phoneNumberId, to, message, text, null).thenApply(id -> new SendResult(List.of(id)));
    }

    /**
     * Looks up a media id (from a webhook, valid for 7 days): {@code GET /{version}/{media-id}}.
     *
     * @throws IllegalArgumentException when the id is malformed
     */
    @Override
    public CompletableFuture<MediaInfo> mediaUrl(String mediaId) {
        checkId(mediaId, "media id");
        return media.lookup(mediaId);
    }

    /**
     * Downloads a media file with the access token, refusing files larger than {@code maxMediaBytes}
     * (by {@code Content-Length}, by the size the lookup reported, and while streaming) with a
     * {@link MediaTooLargeException}.
     *
     * @param urlOrMediaId a download URL from {@link #mediaUrl} (the token is sent to it), or a media
     *                     id, which is looked up first
     */
    @Override
    public CompletableFuture<DownloadedMedia> downloadMedia(String urlOrMediaId) {
        return downloadMedia(urlOrMediaId, Long.MAX_VALUE);
    }

    /**
     * {@link #downloadMedia(String)} with a cap of its own: the smaller of {@code maxBytes} and the
     * client's {@code maxMediaBytes} applies, by {@code Content-Length}, by the size the lookup
     * reported and while streaming.
     */
    @Override
    public CompletableFuture<DownloadedMedia> downloadMedia(String urlOrMediaId, long maxBytes) {
        Limits.required(urlOrMediaId, "media URL or id");
        if (!urlOrMediaId.startsWith("https://") && !urlOrMediaId.startsWith("http://")) {
            checkId(urlOrMediaId, "media id");
        }
        if (maxBytes < 1) {
            throw new IllegalArgumentException("maxBytes must be positive, was " + maxBytes);
        }
        return media.download(urlOrMediaId, maxBytes);
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

    /** The failure for a JSON answer over the cap. */
    static java.util.function.LongFunction<Throwable> jsonTooLarge(long cap) {
        return size -> new WhatsAppApiException(0, WhatsAppApiException.NO_CODE, 0, null, null,
                "response larger than " + cap + " bytes", null, null);
    }

    private CompletableFuture<String> sendMessage(String phoneNumberId, Recipient to, OutboundMessage message,
                                                  String text, String callbackData) {
        byte[] body = json.message(to, message, callbackData);
        String recipient = to.waId() != null ? to.waId() : to.userId();
        return start(new GraphCall<>(messagesUri(phoneNumberId), body, phoneNumberId, recipient, text, true,
                callbackData, MAX_JSON_BYTES, jsonTooLarge(MAX_JSON_BYTES), response -> {
                    JsonNode id = errors.parseJson(response).path("messages").path(0).path("id");
                    if (!id.isTextual()) {
                        throw GraphErrors.unexpected(response.status(), "send accepted without a message id");
                    }
                    return id.asText();
                }));
    }

    private URI messagesUri(String phoneNumberId) {
        return URI.create(baseUrl + phoneNumberId + "/messages");
    }

    /** Runs {@code call} with the retries; the result is failed by {@link #close()} if still pending. */
    private <T> CompletableFuture<T> start(GraphCall<T> call) {
        if (closed) {
            return CompletableFuture.failedFuture(new IllegalStateException("the WhatsApp client is closed"));
        }
        GraphRetryPolicy.Ambiguity ambiguity = new GraphRetryPolicy.Ambiguity();
        CompletableFuture<T> run = retryPolicy.run(n -> dispatcher.attempt(call), retries.classifier(call, ambiguity),
                (n, failure, delay) -> LOG.debug("Graph API attempt {} to {} failed ({}); retrying in {} ms", n,
                        Redaction.maskId(call.recipient()), failure.getMessage(), delay.toMillis()));
        CompletableFuture<T> result = new CompletableFuture<>();
        pending.add(result);
        result.whenComplete((v, e) -> {
            pending.remove(result);
            run.cancel(true);
        });
        run.whenComplete((value, error) -> {
            if (ambiguity.seen()) {
                emit(new Event.SendAmbiguous(call.phoneNumberId(), call.recipient(), ambiguity.retried(), error == null,
                        call.callbackData()));
            }
            if (error == null) {
                result.complete(value);
                return;
            }
            Throwable failure = RetryPolicy.unwrap(error);
            int attempts = 1;
            if (failure instanceof RetryStoppedException stopped) {
                attempts = stopped.attempts();
                failure = stopped.lastFailure() != null ? stopped.lastFailure()
                        : new IllegalStateException("the WhatsApp client is closed");
            }
            if (failure instanceof WhatsAppApiException api) {
                report(call, api, attempts);
            }
            result.completeExceptionally(failure);
        });
        return result;
    }

    private void report(GraphCall<?> call, WhatsAppApiException e, int attempts) {
        LOG.warn("Graph API request to {} failed after {} attempt(s): code {} (HTTP {}) fbtrace_id={}",
                Redaction.maskId(call.recipient()), attempts, e.code(), e.httpStatus(), e.fbtraceId());
        if (e instanceof ReEngagementRequiredException) {
            emit(new Event.ReEngagementRequired(call.phoneNumberId(), call.recipient(), call.text()));
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

    private static void checkId(String id, String what) {
        if (id == null || !GRAPH_ID.matcher(id).matches()) {
            throw new IllegalArgumentException(what + " must be 1 to 128 letters, digits, '.', '_' or '-', got "
                    + (id == null ? "null" : "'" + Redaction.maskId(id) + "'"));
        }
    }

    private static String stripSlash(String s) {
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
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
        private Clock clock = Clock.systemUTC();
        private RandomGenerator random;
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

        /**
         * The time, consistent with the scheduler; default the UTC system clock (intervals are then
         * measured with {@link System#nanoTime()}). Tests pass the {@link io.github.whatsappai.testing.ManualClock}
         * that their {@link io.github.whatsappai.testing.VirtualScheduler} moves.
         */
        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        /**
         * The jitter source that spreads retries ({@link RandomGenerator#nextDouble()}); must be
         * thread-safe. Default: each thread's {@link java.util.concurrent.ThreadLocalRandom}.
         */
        public Builder random(RandomGenerator random) {
            this.random = random;
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
            if (eventListener == null || clock == null) {
                problems.add("eventListener and clock must not be null");
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
            if (baseBackoff != null && maxBackoff != null && maxBackoff.compareTo(baseBackoff) < 0) {
                problems.add("maxBackoff must not be shorter than baseBackoff, got " + maxBackoff + " < " + baseBackoff);
            }
            if (splitLimit < MessageSplitter.MIN_LIMIT || splitLimit > TextMessage.MAX_BODY) {
                problems.add("splitLimit must be " + MessageSplitter.MIN_LIMIT + ".." + TextMessage.MAX_BODY + ", got " + splitLimit);
            }
            if (!problems.isEmpty()) {
                throw new IllegalArgumentException(SettingsCheck.message("Invalid GraphWhatsAppClient", problems));
            }
            return new GraphWhatsAppClient(this);
        }
    }
}
