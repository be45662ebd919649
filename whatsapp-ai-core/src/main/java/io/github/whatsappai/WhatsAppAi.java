package io.github.whatsappai;

import io.github.whatsappai.ai.AiResponder;
import io.github.whatsappai.ai.KnowledgeBaseResponder;
import io.github.whatsappai.ai.OpenRouterResponder;
import io.github.whatsappai.ai.knowledge.KnowledgeBase;
import io.github.whatsappai.ai.knowledge.PdfKnowledgeBase;
import io.github.whatsappai.ai.knowledge.PostgresVectorCache;
import io.github.whatsappai.client.GraphWhatsAppClient;
import io.github.whatsappai.client.MediaSource;
import io.github.whatsappai.conversation.MediaSettings;
import io.github.whatsappai.client.WhatsAppClient;
import io.github.whatsappai.internal.conversation.ConversationEngine;
import io.github.whatsappai.event.Event;
import io.github.whatsappai.event.EventListener;
import io.github.whatsappai.event.LoggingEventListener;
import io.github.whatsappai.internal.Redaction;
import io.github.whatsappai.internal.http.HttpClients;
import io.github.whatsappai.internal.ingress.WebhookIngress;
import io.github.whatsappai.spi.ChatLogger;
import io.github.whatsappai.spi.CreditGate;
import io.github.whatsappai.spi.SessionStore;
import io.github.whatsappai.spi.UserMapper;
import io.github.whatsappai.store.InMemoryStateStore;
import io.github.whatsappai.store.StateStore;
import io.github.whatsappai.store.postgres.PostgresStateStore;
import io.github.whatsappai.webhook.InboundHandler;
import io.github.whatsappai.webhook.WebhookRequest;
import io.github.whatsappai.webhook.WebhookResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.http.HttpClient;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The SDK's entry point: answers Meta's webhook requests and answers each user's burst of messages
 * with one AI reply.
 *
 * <p>Create one instance per application with {@link #builder()} or {@link #fromEnvironment(Map)},
 * register it with an adapter (e.g. the servlet module's {@code WhatsAppWebhookServlet}) that
 * translates each HTTP request into a {@link WebhookRequest}, and {@link #close()} it on shutdown.
 *
 * <pre>{@code
 * WhatsAppAi ai = WhatsAppAi.builder()
 *         .config(WhatsAppAiConfig.fromEnvironment(System.getenv()))
 *         .userMapper(myUserMapper)        // how your users are stored
 *         .chatLogger(myChatLogger)        // how your chat logs are stored
 *         .build();
 * WebhookResponse response = ai.handle(request);
 * }</pre>
 *
 * <p>{@link #handle(WebhookRequest)} runs on the request thread: it verifies the handshake or the
 * signature over the raw body, parses every message and status, applies the guards (numbers served,
 * sender identity, de-duplication, stale messages, sanitising, per-sender rate limit), hands each
 * accepted message to the conversation engine's buffer and answers within milliseconds: exactly 200
 * for every correctly signed POST, 401 for a bad signature. Everything it refuses or ignores is
 * reported to the {@link EventListener}.
 *
 * <p>The conversation engine answers on its own worker threads: after the quiet window each burst
 * goes through the user mapper, session store, credit gate and chat logger, one AI reply, and the
 * WhatsApp client. Parts not given to the builder get defaults: in-memory storage, unlimited credits,
 * the {@link OpenRouterResponder} when an OpenRouter key is configured (else the offline
 * {@link KnowledgeBaseResponder}), the {@link PdfKnowledgeBase} when knowledge-base sources are
 * configured, and the {@link GraphWhatsAppClient} (which needs {@code META_ACCESS_TOKEN}). Pass
 * {@link Builder#inboundHandler(InboundHandler)} instead to handle accepted messages yourself.
 *
 * <p>Thread-safe: share one instance between all request threads. It owns the threads, clients and
 * knowledge base it created and releases them in {@link #close()}; what you pass in stays yours.
 */
public final class WhatsAppAi implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(WhatsAppAi.class);

    private final WhatsAppAiConfig config;
    private final EventListener eventListener;
    private final WebhookIngress ingress;
    private final ConversationEngine engine;
    /** What this instance created and must close, in closing order. */
    private final List<AutoCloseable> owned;

    private WhatsAppAi(Builder b, ConversationEngine engine, List<AutoCloseable> owned) {
        this.config = b.config;
        this.eventListener = b.eventListener;
        this.engine = engine;
        this.owned = owned;
        this.ingress = engine != null
                ? new WebhookIngress(b.config.webhook(), b.config.guards(), b.eventListener, engine, b.clock,
                        engine.stateStore(), engine::append)
                : new WebhookIngress(b.config.webhook(), b.config.guards(), b.eventListener, b.inboundHandler, b.clock);
    }

    /** A builder; only {@link Builder#config(WhatsAppAiConfig)} is required. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * An instance configured from environment variables (pass {@code System.getenv()}) with every
     * default: in-memory storage, OpenRouter when {@code OPENROUTER_API_KEY} is set (else answers
     * from the knowledge base), the Graph API client (needs {@code META_ACCESS_TOKEN}).
     *
     * @throws IllegalArgumentException listing every missing or invalid variable
     * @throws IllegalStateException when {@code META_ACCESS_TOKEN} is missing
     * @see WhatsAppAiConfig#fromEnvironment(Map)
     */
    public static WhatsAppAi fromEnvironment(Map<String, String> env) {
        return builder().config(WhatsAppAiConfig.fromEnvironment(env)).build();
    }

    /**
     * Answers one webhook request. Thread-safe; never throws for bad input.
     *
     * <ul>
     *   <li>GET: 200 with {@code hub.challenge} as text/plain when {@code hub.mode} is
     *       {@code subscribe} and {@code hub.verify_token} matches; else 403.</li>
     *   <li>POST: 413 above {@link io.github.whatsappai.webhook.WebhookSettings#maxBodyBytes()}; 401 when
     *       {@code X-Hub-Signature-256} is missing, malformed or matches no app secret; otherwise 200,
     *       also for broken JSON or deliveries for other numbers (reported, not processed). 503 after
     *       {@link #close()}, or when the inbound handler threw, so that Meta redelivers.</li>
     *   <li>Other methods: 405.</li>
     * </ul>
     */
    public WebhookResponse handle(WebhookRequest request) {
        return ingress.handle(request);
    }

    /**
     * Reports a request that an HTTP adapter refused by itself, before it could call
     * {@link #handle(WebhookRequest)}: a body above the cap (413) or one that did not arrive within the
     * read deadline (408). The configured {@link EventListener} receives an
     * {@link io.github.whatsappai.event.Event.RequestRejected}; an exception it throws is logged, not
     * passed on.
     *
     * @param status the status the adapter answered
     * @param reason why, for the event; must not contain personal data
     */
    public void reportRejected(int status, String reason) {
        Event.RequestRejected event = new Event.RequestRejected(status, Objects.requireNonNull(reason, "reason"));
        try {
            eventListener.onEvent(event);
        } catch (RuntimeException e) {
            LOG.warn("event listener failed on {}", event.getClass().getSimpleName(), e);
        }
    }

    /** The configuration this instance runs with. */
    public WhatsAppAiConfig config() {
        return config;
    }

    /**
     * Conversations with messages waiting for their quiet window or a reply in flight; 0 when an
     * {@link Builder#inboundHandler(InboundHandler) inbound handler} replaces the engine.
     */
    public int pendingConversations() {
        return engine == null ? 0 : engine.pendingConversations();
    }

    /**
     * Stops taking deliveries (later POSTs are answered 503 so Meta redelivers them), answers every
     * pending burst at once, waits a bounded time (30 s) for replies in flight, then releases the
     * threads, clients and knowledge base this instance created. Idempotent.
     */
    @Override
    public void close() {
        ingress.close();
        if (engine != null) {
            engine.close();
        }
        for (AutoCloseable resource : owned) {
            try {
                resource.close();
            } catch (Exception e) {
                LOG.warn("closing {} failed", resource.getClass().getSimpleName(), e);
            }
        }
        owned.clear();
    }

    /** Builds a {@link WhatsAppAi}; not thread-safe. */
    public static final class Builder {
        private WhatsAppAiConfig config;
        private EventListener eventListener = new LoggingEventListener();
        private InboundHandler inboundHandler;
        private Clock clock = Clock.systemUTC();
        /** Takes the engine's parts that need no default from here; the rest are set in {@link #build()}. */
        private final ConversationEngine.Builder engine = ConversationEngine.builder();
        /** The engine parts given, by name, to refuse combining them with an inbound handler. */
        private final List<String> engineParts = new ArrayList<>();
        private AiResponder aiResponder;
        private KnowledgeBase knowledgeBase;
        private WhatsAppClient whatsAppClient;
        private ScheduledExecutorService scheduler;
        private HttpClient httpClient;
        private StateStore stateStore;

        private Builder() {
        }

        /** The configuration; required. */
        public Builder config(WhatsAppAiConfig config) {
            this.config = Objects.requireNonNull(config, "config");
            return this;
        }

        /** Receives every event; default {@link LoggingEventListener}. Must be fast and thread-safe. */
        public Builder eventListener(EventListener eventListener) {
            this.eventListener = Objects.requireNonNull(eventListener, "eventListener");
            return this;
        }

        /**
         * Replaces the conversation engine: every accepted message goes to {@code inboundHandler} on
         * the request thread instead (it must only enqueue). Not combinable with the engine's parts
         * ({@link #userMapper}, {@link #aiResponder}, {@link #whatsAppClient}, …).
         */
        public Builder inboundHandler(InboundHandler inboundHandler) {
            this.inboundHandler = Objects.requireNonNull(inboundHandler, "inboundHandler");
            return this;
        }

        /**
         * The clock for the guards (stale messages, de-duplication window, rate limit), the buffer's
         * windows and sessions; default the UTC system clock. Tests pass a
         * {@link io.github.whatsappai.testing.ManualClock}.
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Finds or creates your application's user for each sender; default an in-memory map. */
        public Builder userMapper(UserMapper userMapper) {
            engine.userMapper(Objects.requireNonNull(userMapper, "userMapper"));
            engineParts.add("userMapper");
            return this;
        }

        /** Keeps sessions and the prompt history; default in memory. */
        public Builder sessionStore(SessionStore sessionStore) {
            engine.sessionStore(Objects.requireNonNull(sessionStore, "sessionStore"));
            engineParts.add("sessionStore");
            return this;
        }

        /** Decides whether a user may spend an AI reply; default {@link CreditGate#unlimited()}. */
        public Builder creditGate(CreditGate creditGate) {
            engine.creditGate(Objects.requireNonNull(creditGate, "creditGate"));
            engineParts.add("creditGate");
            return this;
        }

        /**
         * Where everything owed between a webhook's 200 and its reply is kept: the delivery ledger,
         * pending messages, claims, the reply outbox and chat-log entries waiting for the logger.
         * Default an {@link InMemoryStateStore} with the config's buffer settings. Pass a durable
         * store (the PostgreSQL store) to survive crashes and share the work between instances: its
         * own buffer policy applies, and it stays yours to close. With a {@link PostgresStateStore} and
         * an embeddings endpoint ({@code EMBEDDINGS_BASE_URL}), the knowledge base built from the
         * config caches its passage vectors in the same database ({@link PostgresVectorCache}, table
         * {@value PostgresVectorCache#DEFAULT_TABLE}), so a restart or another replica embeds only new text.
         */
        public Builder stateStore(StateStore stateStore) {
            this.stateStore = Objects.requireNonNull(stateStore, "stateStore");
            engineParts.add("stateStore");
            return this;
        }

        /**
         * How voice notes, images and documents are read: caps per file and per burst, files per user
         * per day, the notice naming what could not be read. Default the config's
         * ({@link WhatsAppAiConfig#media()}, from the {@code WHATSAPP_MEDIA_*} variables).
         * Media is read when the client can fetch it (the Graph client, or a {@code WhatsAppClient}
         * that is also a {@link MediaSource}) and the responder accepts media (an OpenRouter media
         * model, {@code OPENROUTER_MEDIA_MODEL}); see docs/media.md.
         */
        public Builder mediaSettings(MediaSettings settings) {
            engine.mediaSettings(Objects.requireNonNull(settings, "mediaSettings"));
            engineParts.add("mediaSettings");
            return this;
        }

        /** Stores the chat log; default a bounded in-memory log. */
        public Builder chatLogger(ChatLogger chatLogger) {
            engine.chatLogger(Objects.requireNonNull(chatLogger, "chatLogger"));
            engineParts.add("chatLogger");
            return this;
        }

        /**
         * Writes the replies; default the {@link OpenRouterResponder} when {@code OPENROUTER_API_KEY}
         * is configured, else the offline {@link KnowledgeBaseResponder}.
         */
        public Builder aiResponder(AiResponder aiResponder) {
            this.aiResponder = Objects.requireNonNull(aiResponder, "aiResponder");
            engineParts.add("aiResponder");
            return this;
        }

        /** Answers when the AI responder failed after its retries, instead of the apology; default none. */
        public Builder fallbackResponder(AiResponder fallbackResponder) {
            engine.fallbackResponder(Objects.requireNonNull(fallbackResponder, "fallbackResponder"));
            engineParts.add("fallbackResponder");
            return this;
        }

        /**
         * The knowledge base the default responders retrieve from; default a {@link PdfKnowledgeBase}
         * over {@code KNOWLEDGE_BASE_URLS} (started in the background), or none when that is empty.
         */
        public Builder knowledgeBase(KnowledgeBase knowledgeBase) {
            this.knowledgeBase = Objects.requireNonNull(knowledgeBase, "knowledgeBase");
            engineParts.add("knowledgeBase");
            return this;
        }

        /** Sends the replies; default the {@link GraphWhatsAppClient}, which needs {@code META_ACCESS_TOKEN}. */
        public Builder whatsAppClient(WhatsAppClient whatsAppClient) {
            this.whatsAppClient = Objects.requireNonNull(whatsAppClient, "whatsAppClient");
            engineParts.add("whatsAppClient");
            return this;
        }

        /**
         * The scheduler for the buffer's timer, retries and knowledge-base refreshes; default one
         * daemon thread per instance. Tests pass a {@link io.github.whatsappai.testing.VirtualScheduler}.
         */
        public Builder scheduler(ScheduledExecutorService scheduler) {
            this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
            engineParts.add("scheduler");
            return this;
        }

        /**
         * The one HTTP client that every component this builder creates uses: the Graph API client,
         * the OpenRouter responder and the knowledge base's PDF fetches. Default: one new client
         * (10 s connect timeout, redirects followed except from https to http) shared by all of them.
         * Components passed in ready-made keep their own.
         */
        public Builder httpClient(HttpClient httpClient) {
            this.httpClient = Objects.requireNonNull(httpClient, "httpClient");
            return this;
        }

        /** Where bursts are answered; default a bounded pool of 16 named daemon threads. */
        public Builder workerExecutor(Executor workerExecutor) {
            engine.workerExecutor(Objects.requireNonNull(workerExecutor, "workerExecutor"));
            engineParts.add("workerExecutor");
            return this;
        }

        /**
         * Builds the instance.
         *
         * @throws IllegalStateException when no configuration was given, when there is no way to send
         *         replies (no {@code META_ACCESS_TOKEN}, no client, no inbound handler), or when an
         *         inbound handler is combined with the engine's parts
         */
        public WhatsAppAi build() {
            if (config == null) {
                throw new IllegalStateException("config is required: call config(WhatsAppAiConfig.builder()...build()) "
                        + "or use WhatsAppAi.fromEnvironment(System.getenv())");
            }
            if (inboundHandler != null) {
                if (!engineParts.isEmpty()) {
                    throw new IllegalStateException("inboundHandler replaces the conversation engine: do not combine "
                            + "it with " + String.join(", ", engineParts));
                }
                return new WhatsAppAi(this, null, new ArrayList<>());
            }
            if (whatsAppClient == null && config.graph().accessToken() == null) {
                throw new IllegalStateException(EnvironmentVariable.META_ACCESS_TOKEN.name() + " ("
                        + EnvironmentVariable.META_ACCESS_TOKEN.settingsField() + ") is required to send replies through "
                        + "the Graph API; or pass whatsAppClient(...), or inboundHandler(...) to handle messages yourself");
            }
            List<AutoCloseable> owned = new ArrayList<>();
            HttpClient http = httpClient != null ? httpClient : HttpClients.standard();
            try {
                WhatsAppClient client = whatsAppClient;
                if (client == null) {
                    GraphWhatsAppClient graph = GraphWhatsAppClient.builder()
                            .settings(config.graph())
                            .eventListener(eventListener)
                            .httpClient(http)
                            .build();
                    owned.add(graph);
                    client = graph;
                }
                StateStore store = stateStore;
                if (store == null) {
                    store = InMemoryStateStore.builder()
                            .policy(config.buffer())
                            .ledgerRetention(config.guards().maxMessageAge().plus(ConversationEngine.LEDGER_MARGIN))
                            .ledgerCapacity(config.guards().dedupCapacity())
                            .eventListener(eventListener)
                            .build();
                    owned.add(store);
                }
                AiResponder responder = aiResponder;
                if (responder == null) {
                    KnowledgeBase kb = knowledgeBase;
                    if (kb == null && !config.knowledgeBase().sources().isEmpty()) {
                        PdfKnowledgeBase.Builder kbBuilder = PdfKnowledgeBase.builder()
                                .settings(config.knowledgeBase())
                                .eventListener(eventListener)
                                .httpClient(http)
                                .clock(clock);
                        if (scheduler != null) {
                            kbBuilder.scheduler(scheduler);
                        }
                        if (config.knowledgeBase().hybrid() && store instanceof PostgresStateStore postgres) {
                            // vectors beside the durable state: a restart or another replica embeds only new text
                            kbBuilder.vectorCache(PostgresVectorCache.create(postgres.dataSource(),
                                    PostgresVectorCache.DEFAULT_TABLE, clock));
                        }
                        PdfKnowledgeBase pdfs = kbBuilder.build();
                        owned.add(pdfs);
                        pdfs.start();
                        kb = pdfs;
                    }
                    if (kb == null) {
                        kb = KnowledgeBase.empty();
                    }
                    responder = config.openRouter().apiKey() != null
                            ? OpenRouterResponder.builder().settings(config.openRouter()).knowledgeBase(kb)
                                    .httpClient(http).eventListener(eventListener).build()
                            : new KnowledgeBaseResponder(kb);
                }
                engine.stateStore(store);
                if (client instanceof MediaSource source) {
                    engine.mediaSource(source);
                }
                if (!engineParts.contains("mediaSettings")) {
                    engine.mediaSettings(config.media());
                }
                engine.settings(config.conversation())
                        .bufferPolicy(config.buffer())
                        .aiResponder(responder)
                        .whatsAppClient(client)
                        .eventListener(eventListener)
                        .clock(clock);
                if (scheduler != null) {
                    engine.scheduler(scheduler);
                }
                WhatsAppAi ai = new WhatsAppAi(this, engine.build(), owned);
                logStartup();
                return ai;
            } catch (RuntimeException | Error e) {
                for (AutoCloseable resource : owned) {
                    try {
                        resource.close();
                    } catch (Exception suppressed) {
                        e.addSuppressed(suppressed);
                    }
                }
                throw e;
            }
        }

        private static String duration(java.time.Duration d) {
            return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
        }

        /**
         * One INFO line saying what this instance runs with (numbers masked, no secrets), and a WARN
         * when nothing can answer a question: no AI key, no knowledge base, no responder of one's own.
         */
        private void logStartup() {
            List<String> numbers = config.webhook().phoneNumberIds().stream().sorted().map(Redaction::maskId).toList();
            String replies = aiResponder != null ? aiResponder.getClass().getSimpleName()
                    : config.openRouter().apiKey() != null ? "OpenRouter " + config.openRouter().model()
                    : "knowledge base only (no " + EnvironmentVariable.OPENROUTER_API_KEY.name() + ")";
            int sources = config.knowledgeBase().sources().size();
            String kb = knowledgeBase != null ? knowledgeBase.getClass().getSimpleName()
                    : aiResponder != null ? "the responder's own"
                    : sources == 0 ? "none" : sources + " source" + (sources == 1 ? "" : "s");
            String sends = whatsAppClient != null ? whatsAppClient.getClass().getSimpleName()
                    : "Graph API at " + config.graph().baseUrl().getHost() + " " + config.graph().version();
            List<String> given = engineParts.stream()
                    .filter(p -> List.of("userMapper", "sessionStore", "creditGate", "chatLogger").contains(p)).toList();
            LOG.info("whatsapp-ai started: numbers {}, replies from {}, knowledge base {}, sends via {}, "
                            + "quiet window {} (at most {}), {}", numbers, replies, kb, sends,
                    duration(config.buffer().window()), duration(config.buffer().maxWait()),
                    given.isEmpty() ? "storage in memory" : "storage given for " + String.join(", ", given));
            if (aiResponder == null && knowledgeBase == null && config.openRouter().apiKey() == null && sources == 0) {
                LOG.warn("whatsapp-ai has neither an AI key nor a knowledge base: every reply will say it found "
                        + "nothing. Set {} and/or {} (or pass aiResponder(...) or knowledgeBase(...))",
                        EnvironmentVariable.OPENROUTER_API_KEY.name(), EnvironmentVariable.KNOWLEDGE_BASE_URLS.name());
            }
        }
    }
}
