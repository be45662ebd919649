package io.github.whatsappai.ai;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.whatsappai.ai.knowledge.KnowledgeBase;
import io.github.whatsappai.event.EventListener;
import io.github.whatsappai.internal.SettingsCheck;
import io.github.whatsappai.internal.http.HttpClients;
import io.github.whatsappai.internal.http.JsonExchange;
import io.github.whatsappai.internal.retry.Backoff;
import io.github.whatsappai.internal.retry.CircuitBreaker;
import io.github.whatsappai.internal.retry.RetryPolicy;
import io.github.whatsappai.internal.retry.RetryStoppedException;
import io.github.whatsappai.internal.retry.SharedTimer;
import io.github.whatsappai.internal.retry.Verdict;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;

/**
 * The default {@link AiResponder}: asks an LLM through OpenRouter's OpenAI-compatible
 * {@code POST {base}/chat/completions} (non-streaming), grounded in passages retrieved from a
 * {@link KnowledgeBase}.
 *
 * <h2>Construction</h2>
 * <pre>{@code
 * AiResponder responder = OpenRouterResponder.create(settings, knowledgeBase);
 * // or, to tune retries, the circuit breaker or share an HttpClient:
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
 *       authority, filling {@link Builder#knowledgeCharBudget(int)} characters of passage text
 *       through {@link KnowledgeBase#searchWithinBudget}; then the burst as one user
 *       turn ({@link AiRequest#userTurn()}). Neither user nor passage text is placed in a system message. The
 *       retrieval query is the burst's user turn, then the transcripts of its voice messages (see below),
 *       then the latest user turn of the history.</li>
 *   <li>A burst with media ({@link AiRequest#media()}) goes to the media model and its fallbacks
 *       ({@link OpenRouterSettings#mediaModel()}); its last user message is a list of content parts in
 *       message order: text, {@code input_audio} (base64 and a format such as {@code ogg}),
 *       {@code image_url} (a data URL) and {@code file} (a PDF as a data URL). The system prompt then
 *       asks for a notes block after the answer (a transcript or description per attachment), which
 *       is cut from the reply into {@link AiReply#mediaNotes()}. Text-only bursts keep the text model.</li>
 *   <li>Voice messages are transcribed first ({@link Builder#transcribeVoiceForRetrieval(boolean)}, on by
 *       default) when the burst holds audio and the knowledge base may hold passages (retrieval is
 *       enabled and the knowledge base is not {@linkplain KnowledgeBase#isEmpty() empty}), so that
 *       retrieval reads what was said. A first, short request to the media model and its fallbacks
 *       carries only a fixed instruction (as its system message) and the audio files as
 *       {@code input_audio} parts, each after a {@code Voice message N:} label: no history, no passages,
 *       not the operator's prompt; {@code temperature} 0, {@code max_completion_tokens} 2,048 per voice
 *       message and at most 8,192. The model answers one {@code N: transcript} line per voice message
 *       between {@code <transcripts>} markers. The answering request then has each voice message as a
 *       line {@code [transcript of voice message] …} of the user turn, in message order and defused like
 *       all user text, while images and documents stay content parts: every file is sent once. With no
 *       file left the answering request goes to the text model. The reply's
 *       {@link AiReply#mediaNotes() notes} are the transcripts for voice messages and the answering
 *       model's notes for the other files; its tokens and cost are the sums over both requests (unknown
 *       when either request did not report them); its model is the one that wrote the answer. When the
 *       transcription fails (its retries end, or the circuit is open) or its answer is not one
 *       transcript per voice message (a refusal, a missing line, an answer cut at the token limit), a
 *       WARN is logged and the burst goes out as one request with the audio as above; retrieval then
 *       reads the typed text and captions only. A transcription that answered but was not usable still
 *       counts in the tokens and cost.</li>
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
 * Up to {@link Builder#maxAttempts(int)} requests (default {@value #DEFAULT_MAX_ATTEMPTS}), run by the
 * SDK's retry layer; which failures are retried, and how errors delivered with HTTP 200 are read, is
 * described in {@code OpenRouterErrors}: in short 408, 429, 5xx, network errors, timeouts (each
 * request may take {@link OpenRouterSettings#requestTimeout()}, the whole exchange included) and
 * transient in-body errors are retried; refusals (400, 401, 402, 403, 404, 413, 422) are not, and
 * their reason ({@code error.message}, {@code error.code}, the error type,
 * {@code error.availability.code} and suggested fallback models) is put in the exception.
 *
 * <p>Between attempts the responder waits for the server's requested delay when there is one
 * ({@code error.availability.retry_after}, else {@code Retry-After}: seconds or an HTTP-date), or
 * else an exponential backoff with full jitter: a random delay between zero and
 * {@code min(max, base × 2^(attempt-1))} (defaults 1 s and 10 s). A requested delay longer than
 * {@link Builder#maxRetryAfter(Duration)} (default 30 s; e.g. a daily free-model cap) ends the
 * retries at once: waiting that long would keep the user in silence, so the failure is reported as
 * retryable instead. The waits are tasks on a scheduler ({@link Builder#scheduler}); the calling
 * thread only waits for the outcome. When no attempt succeeds an {@link AiResponderException}
 * carries the number of attempts, the last HTTP status (or -1), whether a later try may succeed and
 * the last cause. Neither the API key nor user text ever appears in exception messages or logs.
 *
 * <h2>Circuit breaker</h2>
 * The attempts of every call share one circuit breaker: after
 * {@value #DEFAULT_FAILURE_THRESHOLD} failed attempts
 * in a row (transient failures only: a refusal shows the provider up) it opens, and for the open
 * period (5 s, then doubling per failed probe up to 30 s) every call, and every retry already
 * waiting, fails at once with an {@link AiResponderException} without calling OpenRouter, so the
 * conversation engine answers with the fallback responder or the apology straight away. Then one
 * call probes; its success closes the circuit. During an outage OpenRouter thus gets about one call
 * per open period, however many bursts arrive. The changes are reported as
 * {@link io.github.whatsappai.event.Event.CircuitOpened}, {@code CircuitHalfOpened} and
 * {@code CircuitClosed} events with the circuit name {@value #CIRCUIT_NAME}. Tune it with
 * {@link Builder#circuitBreaker(int, Duration, Duration)}.
 *
 * <p>Size: the responder proper (the respond loop and its wiring) is under 200 lines; the rest of
 * this file is this Javadoc and the public {@link Builder}, whose documented setters are the
 * responder's configuration surface and stay nested because moving a public class is an API change.
 * Request encoding, reply parsing, error classification and redaction live in their own
 * package-private classes.
 *
 * <p>Thread-safe: share one instance. It owns no threads (waits run on the injected scheduler or
 * the SDK's shared timer thread); the {@link HttpClient} it creates when none is given needs no
 * shutdown and is released with the responder.
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
    /**
     * Default most passages in one prompt: 50, a safety cap only; the character budget is what
     * limits the prompt ({@link KnowledgeBase#searchWithinBudget} fills it).
     */
    public static final int DEFAULT_PASSAGE_LIMIT = 50;
    /** Default character budget of the knowledge section. */
    public static final int DEFAULT_KNOWLEDGE_CHAR_BUDGET = KnowledgeBase.DEFAULT_PROMPT_CHARS;
    /** Default cap on a response body, in bytes. */
    public static final int DEFAULT_MAX_RESPONSE_BYTES = 1 << 20;
    /** Default number of failed attempts in a row that open the circuit breaker. */
    public static final int DEFAULT_FAILURE_THRESHOLD = CircuitBreaker.DEFAULT_FAILURE_THRESHOLD;
    /** The circuit name in the breaker's events. */
    public static final String CIRCUIT_NAME = "openrouter";
    /** Smallest token limit some providers accept. */
    static final int MIN_MAX_TOKENS = 16;

    private final URI endpoint;
    private final String model;
    private final List<String> fallbackModels;
    private final String mediaModel;
    private final int maxAttempts;
    private final int maxResponseBytes;
    private final Clock clock;
    private final PromptAssembler prompts;
    private final OpenRouterRequestEncoder encoder;
    private final OpenRouterErrors errors;
    private final OpenRouterReplyParser parser;
    private final JsonExchange exchange;
    private final RetryPolicy retry;
    private final Duration maxRetryAfter;
    private final boolean transcribeVoice;

    private OpenRouterResponder(Builder b, OpenRouterSettings settings, String apiKey) {
        ObjectMapper json = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
        this.endpoint = URI.create(stripSlash(settings.baseUrl().toString()) + "/chat/completions");
        this.model = settings.model();
        LinkedHashSet<String> fallbacks = new LinkedHashSet<>(settings.fallbackModels());
        fallbacks.remove(model);
        this.fallbackModels = List.copyOf(fallbacks);
        this.mediaModel = settings.mediaModel();
        LinkedHashSet<String> mediaFallbacks = new LinkedHashSet<>(settings.mediaFallbackModels());
        mediaFallbacks.remove(mediaModel);
        this.maxAttempts = b.maxAttempts;
        this.maxResponseBytes = b.maxResponseBytes;
        this.clock = b.clock;
        this.maxRetryAfter = b.maxRetryAfter;
        this.transcribeVoice = b.transcribeVoice;
        Duration requestTimeout = settings.requestTimeout();
        this.prompts = new PromptAssembler(settings.systemPrompt(), b.knowledgeBase, b.passageLimit, b.knowledgeCharBudget);
        this.encoder = new OpenRouterRequestEncoder(json, endpoint, apiKey, model, fallbackModels,
                mediaModel, List.copyOf(mediaFallbacks), blankToNull(settings.appUrl()), blankToNull(settings.appTitle()),
                settings.temperature(), Math.max(MIN_MAX_TOKENS, settings.maxTokens()), requestTimeout);
        this.errors = new OpenRouterErrors(json, new ProviderTextRedactor(apiKey), requestTimeout);
        this.parser = new OpenRouterReplyParser(json, errors, model);
        this.exchange = new JsonExchange(b.httpClient != null ? b.httpClient : HttpClients.standard());
        RetryPolicy.Builder policy = RetryPolicy.builder(b.scheduler != null ? b.scheduler : SharedTimer.get())
                .backoff(Backoff.exponential(b.backoffBase, b.backoffMax))
                .maxAttempts(b.maxAttempts)
                .deadline(b.retryDeadline)
                .maxRetryAfter(b.maxRetryAfter)
                .clock(b.clock)
                .random(b.random);
        if (b.failureThreshold > 0) {
            policy.circuitBreaker(CircuitBreaker.of(CIRCUIT_NAME, b.failureThreshold,
                    Backoff.exponential(b.firstOpen, b.maxOpen).withJitter(Backoff.Jitter.NONE), b.clock, b.eventListener));
        }
        this.retry = policy.build();
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
     * {@inheritDoc}
     *
     * <p>Blocks the calling thread until a reply arrives or the retries end; the waits between
     * attempts run on the scheduler. A burst with voice messages may take two calls (see the class
     * description); the reply's {@link AiReply#promptTokens() tokens} and {@link AiReply#cost() cost}
     * are then the sums over both, and {@link AiReply#model()} is the model that wrote the answer.
     *
     * @throws AiResponderException when no attempt produced a reply, or the circuit is open
     * @throws IllegalArgumentException when the request's user turn is blank
     */
    @Override
    public AiReply respond(AiRequest request) {
        Objects.requireNonNull(request, "request");
        if (request.hasMedia() && mediaModel == null) {
            throw new IllegalArgumentException("the request carries media but no media model is configured: set "
                    + "OPENROUTER_MEDIA_MODEL (OpenRouterSettings.mediaModel) to a model that reads audio, images and "
                    + "files, or send the burst without media");
        }
        if (request.userTurn().isBlank()) {
            throw new IllegalArgumentException("AiRequest.userTurn() is blank: there is nothing to answer");
        }
        List<Integer> voice = VoiceTranscription.voiceMessages(request);
        VoiceTranscription.Outcome transcription = !voice.isEmpty() && transcribeVoice && prompts.mayRetrieve()
                ? transcribe(request, voice) : VoiceTranscription.Outcome.NONE;
        PromptAssembler.Prompt prompt = prompts.assemble(request, transcription.transcripts());
        String asked = encoder.modelFor(prompt.media());
        HttpRequest http = encoder.httpRequest(encoder.body(request, prompt));
        AiReply answer = call("answer", request,
                (status, body) -> parser.parse(status, body, request.userTurn(), prompt.sent().size(), asked), http);
        LOG.debug("OpenRouter answered {} with {}, {} passage(s), tokens {}/{}", request.key(), answer.model(),
                prompt.passagesUsed(), answer.promptTokens(), answer.completionTokens());
        return transcription.mergeInto(answer, prompt, request.media().size());
    }

    /**
     * The transcripts of the burst's voice messages, from a call that carries only their audio, or
     * no transcripts (after a WARN that quotes no user text) when the call fails or its answer is not
     * one transcript per voice message: the answering call then gets the audio, and nothing is lost.
     * An interrupt is not a failure of the call: it ends the reply.
     */
    private VoiceTranscription.Outcome transcribe(AiRequest request, List<Integer> voice) {
        byte[] body = encoder.body(request, VoiceTranscription.messages(request, voice), true, 0.0,
                VoiceTranscription.maxTokens(voice.size()));
        OpenRouterReplyParser.Completion completion;
        try {
            completion = call("transcription", request,
                    (status, reply) -> parser.completion(status, reply, request.userTurn(), mediaModel),
                    encoder.httpRequest(body));
        } catch (AiResponderException e) {
            if (e.getCause() instanceof InterruptedException) {
                throw e;
            }
            LOG.warn("Voice transcription for {} failed ({}); sending the audio with the answer instead, and "
                    + "retrieval uses the typed text only", request.key(), e.getMessage());
            return VoiceTranscription.Outcome.NONE;
        }
        VoiceTranscription.Reading reading = VoiceTranscription.read(completion.content(),
                completion.finishReason(), voice.size());
        if (!reading.usable()) {
            LOG.warn("Voice transcription for {} by {} was not usable ({}); sending the audio with the answer "
                    + "instead, and retrieval uses the typed text only", request.key(), completion.model(),
                    reading.problem());
            return new VoiceTranscription.Outcome(List.of(), completion);
        }
        return VoiceTranscription.Outcome.of(request, voice, reading.transcripts(), completion);
    }

    /** Reads a 2xx body into what a call returns. */
    @FunctionalInterface
    private interface BodyReader<T> {
        T read(int status, byte[] body) throws OpenRouterFailure;
    }

    /** Sends {@code http} through the retry layer and waits for what {@code reader} makes of the answer. */
    private <T> T call(String purpose, AiRequest request, BodyReader<T> reader, HttpRequest http) {
        String userTurn = request.userTurn();
        CompletableFuture<T> result = retry.run(n -> attempt(http, userTurn, reader),
                OpenRouterResponder::verdict,
                (n, failure, delay) -> LOG.warn("OpenRouter {} attempt {}/{} for {} failed ({}); retrying in {} ms",
                        purpose, n, maxAttempts, request.key(), failure.getMessage(), delay.toMillis()));
        try {
            return RetryPolicy.await(result);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AiResponderException("Interrupted while waiting for OpenRouter", 0, -1, true, e);
        } catch (RetryStoppedException e) {
            throw failed(e);
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>{@code true} when a media model is configured ({@link OpenRouterSettings#mediaModel()}):
     * bursts with media then go to it, their files as content parts, and the model is asked for a
     * transcript or description of each, returned in {@link AiReply#mediaNotes()}.
     */
    @Override
    public boolean acceptsMedia() {
        return mediaModel != null;
    }

    /** One request: what {@code reader} reads from the answer, or an {@link OpenRouterFailure}. */
    private <T> CompletableFuture<T> attempt(HttpRequest http, String userTurn, BodyReader<T> reader) {
        return exchange.send(http, maxResponseBytes).handle((response, error) -> {
            try {
                if (error != null) {
                    throw errors.transport(RetryPolicy.unwrap(error));
                }
                if (!response.ok()) {
                    throw errors.httpFailure(response, clock.instant(), userTurn);
                }
                return CompletableFuture.completedFuture(reader.read(response.status(), response.body()));
            } catch (OpenRouterFailure f) {
                return CompletableFuture.<T>failedFuture(f);
            }
        }).thenCompose(f -> f);
    }

    private static Verdict verdict(Throwable failure, int attempt) {
        if (failure instanceof OpenRouterFailure f && f.retryable()) {
            return Verdict.retryAfter(f.retryAfter());
        }
        return Verdict.stop();
    }

    /** The exception for retries that ended without a reply. */
    private AiResponderException failed(RetryStoppedException e) {
        OpenRouterFailure last = e.lastFailure() instanceof OpenRouterFailure f ? f : null;
        int attempts = e.attempts();
        int status = last == null ? -1 : last.status();
        String reason = last != null ? last.reason()
                : e.lastFailure() == null ? "no attempt made" : e.lastFailure().getClass().getSimpleName();
        Throwable cause = last != null ? last.getCause() : e.lastFailure();
        return switch (e.reason()) {
            case NOT_RETRYABLE -> new AiResponderException("OpenRouter request failed (not retried): " + reason,
                    attempts, status, false, cause);
            case RETRY_AFTER_TOO_LONG -> new AiResponderException("OpenRouter asked to wait "
                    + e.requestedDelay().toSeconds() + " s, longer than the " + retryAfterCapSeconds()
                    + " s the responder waits; gave up after " + attempts + " attempt(s): " + reason,
                    attempts, status, true, cause);
            case CIRCUIT_OPEN -> new AiResponderException("OpenRouter is failing, so the circuit breaker is open"
                    + " until " + retry.circuitBreaker().openUntil() + " and OpenRouter was not called"
                    + (attempts == 0 ? "" : " again after " + attempts + " attempt(s): " + reason)
                    + "; the fallback or apology answers meanwhile", attempts, status, true, cause);
            default -> new AiResponderException("OpenRouter failed after " + attempts + " attempt(s): " + reason,
                    attempts, status, true, cause);
        };
    }

    private long retryAfterCapSeconds() {
        return maxRetryAfter.toSeconds();
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
                + (mediaModel == null ? "" : ", mediaModel=" + mediaModel) + ", maxAttempts=" + maxAttempts + "]";
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
        private Duration retryDeadline;
        private ScheduledExecutorService scheduler;
        private Clock clock = Clock.systemUTC();
        private RandomGenerator random;
        private EventListener eventListener = EventListener.noop();
        private int failureThreshold = DEFAULT_FAILURE_THRESHOLD;
        private Duration firstOpen = CircuitBreaker.DEFAULT_OPEN_BACKOFF.base();
        private Duration maxOpen = CircuitBreaker.DEFAULT_OPEN_BACKOFF.max();
        private int passageLimit = DEFAULT_PASSAGE_LIMIT;
        private int knowledgeCharBudget = DEFAULT_KNOWLEDGE_CHAR_BUDGET;
        private int maxResponseBytes = DEFAULT_MAX_RESPONSE_BYTES;
        private boolean transcribeVoice = true;

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
            this.maxAttempts = maxAttempts;
            return this;
        }

        /**
         * Exponential backoff with full jitter: before retry {@code n} the responder waits a random
         * delay between zero and {@code min(max, base × 2^(n-1))}. Defaults 1 s and 10 s.
         */
        public Builder backoff(Duration base, Duration max) {
            this.backoffBase = base;
            this.backoffMax = max;
            return this;
        }

        /**
         * The longest server-requested delay ({@code Retry-After}, {@code availability.retry_after})
         * the responder waits for; a longer one ends the retries. Default 30 s.
         */
        public Builder maxRetryAfter(Duration maxRetryAfter) {
            this.maxRetryAfter = maxRetryAfter;
            return this;
        }

        /**
         * No retry starts later than this after the first attempt; {@code null} (the default) for no
         * limit beyond {@link #maxAttempts(int)}.
         */
        public Builder retryDeadline(Duration retryDeadline) {
            this.retryDeadline = retryDeadline;
            return this;
        }

        /**
         * Runs the waits between attempts. Default: the SDK's shared timer thread. Tests pass a
         * {@link io.github.whatsappai.testing.VirtualScheduler} with its clock as {@link #clock(Clock)}.
         */
        public Builder scheduler(ScheduledExecutorService scheduler) {
            this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
            return this;
        }

        /** Receives the circuit breaker's state changes. Default: none. */
        public Builder eventListener(EventListener eventListener) {
            this.eventListener = Objects.requireNonNull(eventListener, "eventListener");
            return this;
        }

        /**
         * The circuit breaker: {@code failureThreshold} failed attempts in a row open it (0 disables
         * it) for {@code firstOpen}, doubling per failed probe up to {@code maxOpen}. Defaults
         * {@value #DEFAULT_FAILURE_THRESHOLD}, 5 s and 30 s.
         */
        public Builder circuitBreaker(int failureThreshold, Duration firstOpen, Duration maxOpen) {
            this.failureThreshold = failureThreshold;
            this.firstOpen = firstOpen;
            this.maxOpen = maxOpen;
            return this;
        }

        /**
         * The clock that turns a {@code Retry-After} HTTP-date into a delay and times the deadline and
         * the circuit breaker. Default UTC system clock. Must agree with the scheduler.
         */
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

        /**
         * The most passages put in one prompt, whatever the budget leaves; 0 disables retrieval.
         * Default {@value #DEFAULT_PASSAGE_LIMIT}, which the character budget reaches first.
         */
        public Builder passageLimit(int passageLimit) {
            this.passageLimit = passageLimit;
            return this;
        }

        /**
         * The most characters of passages (with their source/page headers) put in the prompt;
         * 0 disables retrieval. Default {@value #DEFAULT_KNOWLEDGE_CHAR_BUDGET}.
         */
        public Builder knowledgeCharBudget(int knowledgeCharBudget) {
            this.knowledgeCharBudget = knowledgeCharBudget;
            return this;
        }

        /** The largest response body read; a larger one fails the attempt without retry. Default 1 MiB. */
        public Builder maxResponseBytes(int maxResponseBytes) {
            this.maxResponseBytes = maxResponseBytes;
            return this;
        }

        /**
         * Whether a burst's voice messages are transcribed by a short call of their own before the
         * answer, so that knowledge-base retrieval reads what was said (see the class description).
         * Only done when the knowledge base may hold passages; the audio is then sent once, in that
         * call, and the answering call gets the transcripts instead. {@code false} sends the audio
         * with the answer in one call, and retrieval reads the typed text and captions only. Default
         * {@code true}.
         */
        public Builder transcribeVoiceForRetrieval(boolean transcribeVoice) {
            this.transcribeVoice = transcribeVoice;
            return this;
        }

        /**
         * Builds the responder.
         *
         * @throws IllegalArgumentException listing every problem: no settings, no OpenRouter API key,
         *                                  or an invalid value
         */
        public OpenRouterResponder build() {
            String key = settings == null ? null : settings.apiKey();
            new SettingsCheck("OpenRouterResponder")
                    .problemIf(settings == null, "settings", "are required: call settings(OpenRouterSettings)")
                    .problemIf(settings != null && (key == null || key.isBlank()), "apiKey",
                            "(OPENROUTER_API_KEY) is required by OpenRouterResponder; set it, or use another AiResponder")
                    .problemIf(maxAttempts < 1, "maxAttempts", "must be at least 1, was " + maxAttempts)
                    .problemIf(!validBackoff(backoffBase, backoffMax), "backoff",
                            "needs 0 < base <= max, was " + backoffBase + " and " + backoffMax)
                    .problemIf(maxRetryAfter == null || maxRetryAfter.isNegative(), "maxRetryAfter",
                            "must not be negative, was " + maxRetryAfter)
                    .problemIf(retryDeadline != null && (retryDeadline.isNegative() || retryDeadline.isZero()),
                            "retryDeadline", "must be positive, was " + retryDeadline)
                    .problemIf(failureThreshold < 0, "failureThreshold", "must not be negative, was " + failureThreshold)
                    .problemIf(!validBackoff(firstOpen, maxOpen), "circuitBreaker",
                            "needs 0 < firstOpen <= maxOpen, was " + firstOpen + " and " + maxOpen)
                    .problemIf(passageLimit < 0, "passageLimit", "must not be negative, was " + passageLimit)
                    .problemIf(knowledgeCharBudget < 0, "knowledgeCharBudget",
                            "must not be negative, was " + knowledgeCharBudget)
                    .problemIf(maxResponseBytes < 1, "maxResponseBytes", "must be positive, was " + maxResponseBytes)
                    .done();
            return new OpenRouterResponder(this, settings, key.strip());
        }

        private static boolean validBackoff(Duration base, Duration max) {
            return base != null && max != null && !base.isNegative() && !base.isZero() && max.compareTo(base) >= 0;
        }
    }
}
