package io.github.whatsappai.conversation;

import io.github.whatsappai.ai.AiReply;
import io.github.whatsappai.ai.AiRequest;
import io.github.whatsappai.ai.AiResponder;
import io.github.whatsappai.ai.ChatTurn;
import io.github.whatsappai.store.Batch;
import io.github.whatsappai.store.BufferPolicy;
import io.github.whatsappai.buffer.MessageBuffer;
import io.github.whatsappai.buffer.PendingStore;
import io.github.whatsappai.client.Recipient;
import io.github.whatsappai.client.SendResult;
import io.github.whatsappai.client.WhatsAppClient;
import io.github.whatsappai.event.Event;
import io.github.whatsappai.event.EventListener;
import io.github.whatsappai.event.LoggingEventListener;
import io.github.whatsappai.internal.NamedDaemonThreads;
import io.github.whatsappai.spi.ChatLogEntry;
import io.github.whatsappai.spi.ChatLogger;
import io.github.whatsappai.spi.CreditGate;
import io.github.whatsappai.spi.InMemoryChatLogger;
import io.github.whatsappai.spi.InMemorySessionStore;
import io.github.whatsappai.spi.InMemoryUserMapper;
import io.github.whatsappai.spi.Session;
import io.github.whatsappai.spi.SessionStore;
import io.github.whatsappai.spi.UserIdentity;
import io.github.whatsappai.spi.UserMapper;
import io.github.whatsappai.webhook.InboundHandler;
import io.github.whatsappai.webhook.model.ConversationKey;
import io.github.whatsappai.webhook.model.InboundMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Answers what the ingress accepted: buffers each conversation's burst in a {@link MessageBuffer} and
 * answers every burst with one reply.
 *
 * <p>For each burst, on a worker thread, one at a time per conversation:
 * <ol>
 *   <li>{@link UserMapper}: find or create the user from the sender's wa_id and business-scoped id;</li>
 *   <li>{@link SessionStore}: the session (a new one after {@link ConversationSettings#sessionIdleTimeout()},
 *       or when the burst contains a {@linkplain ConversationSettings#sessionResetWords() reset word});</li>
 *   <li>{@link CreditGate}: reserve a credit (none left: the out-of-credits text, no AI call);</li>
 *   <li>{@link ChatLogger}: log every user message (idempotency key: its wamid);</li>
 *   <li>mark the last message read with the typing indicator;</li>
 *   <li>one {@link AiResponder} call with the history window (turns and characters) and the burst
 *       merged into one user turn (texts in order, other types described, capped);</li>
 *   <li>send the reply; log it with its outbound ids (key {@code reply:<last wamid>}); append both
 *       turns to the history; commit the credit.</li>
 * </ol>
 * A burst of nothing but a reset word is answered with {@link ConversationSettings.Messages#sessionReset()};
 * a {@code request_welcome} with the greeting and an {@code unsupported} message with the fallback, both
 * without AI. In a burst that also holds real messages, welcome and unsupported messages are logged but
 * left out of the AI turn, and only the real messages are answered (one reply, nothing extra).
 *
 * <p>Failures never drop a burst silently: an AI failure (an {@link io.github.whatsappai.ai.AiResponderException}
 * or any runtime exception) lets the fallback responder answer if one is configured, else the apology
 * is sent and logged and the credit refunded ({@link Event.AiFailed}). A failing UserMapper,
 * SessionStore or CreditGate keeps the burst and retries it with exponential backoff on the scheduler
 * ({@link Event.SpiFailed} each time); after the last attempt the "temporarily unavailable" text is
 * sent. A failing ChatLogger never delays the reply: entries wait in a bounded retry queue until the
 * logger recovers ({@link Event.ChatLogDropped} for what overflows). A send that fails after the
 * client's own retries is reported as {@link Event.SendFailed} with the text, logged with its error,
 * and the credit refunded. The rate-limit notice ({@link #onRateLimited}) bypasses the buffer but is
 * still serialised with the conversation's replies.
 *
 * <p>Thread-safe; create one per application and share it. {@link #close()} stops taking messages,
 * answers every pending burst, waits (bounded) for bursts in flight, tries once more to write waiting
 * log entries, and shuts down only the threads the engine created (named daemon threads
 * {@code whatsapp-ai-timer} and {@code whatsapp-ai-worker-N}).
 */
public final class ConversationEngine implements InboundHandler, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ConversationEngine.class);
    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

    private final ConversationSettings settings;
    private final ConversationSettings.Messages texts;
    private final UserMapper userMapper;
    private final SessionStore sessionStore;
    private final CreditGate creditGate;
    private final AiResponder responder;
    private final AiResponder fallbackResponder;
    private final WhatsAppClient client;
    private final EventListener listener;
    private final Clock clock;
    private final ScheduledExecutorService scheduler;
    private final Executor workers;
    private final ExecutorService ownedWorkers;
    /** The workers, or the calling thread once they refuse work (closing): completions must always run. */
    private final Executor callbacks;
    private final ScheduledExecutorService ownedScheduler;
    private final int spiMaxAttempts;
    private final Duration spiInitialBackoff;
    private final Duration closeTimeout;
    private final ChatLogQueue chatLog;
    private final MessageBuffer buffer;
    /** Per conversation: completes when its latest queued task (burst or notice) is done. */
    private final ConcurrentHashMap<ConversationKey, CompletableFuture<Void>> lanes = new ConcurrentHashMap<>();

    private ConversationEngine(Builder b) {
        this.settings = b.settings;
        this.texts = settings.messages();
        this.userMapper = b.userMapper != null ? b.userMapper : new InMemoryUserMapper();
        this.sessionStore = b.sessionStore != null ? b.sessionStore : new InMemorySessionStore();
        this.creditGate = b.creditGate != null ? b.creditGate : CreditGate.unlimited();
        ChatLogger logger = b.chatLogger != null ? b.chatLogger : new InMemoryChatLogger();
        this.responder = Objects.requireNonNull(b.responder, "aiResponder");
        this.fallbackResponder = b.fallbackResponder;
        this.client = Objects.requireNonNull(b.client, "whatsAppClient");
        this.listener = b.listener;
        this.clock = b.clock;
        this.spiMaxAttempts = b.spiMaxAttempts;
        this.spiInitialBackoff = b.spiInitialBackoff;
        this.closeTimeout = b.closeTimeout;
        if (b.scheduler != null) {
            this.scheduler = b.scheduler;
            this.ownedScheduler = null;
        } else {
            ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, NamedDaemonThreads.named("whatsapp-ai-timer"));
            timer.setRemoveOnCancelPolicy(true);
            this.scheduler = timer;
            this.ownedScheduler = timer;
        }
        if (b.workers != null) {
            this.workers = b.workers;
            this.ownedWorkers = null;
        } else {
            ThreadPoolExecutor pool = new ThreadPoolExecutor(b.workerThreads, b.workerThreads, 60, TimeUnit.SECONDS,
                    new LinkedBlockingQueue<>(), NamedDaemonThreads.numbered("whatsapp-ai-worker-"));
            pool.allowCoreThreadTimeOut(true);
            this.workers = pool;
            this.ownedWorkers = pool;
        }
        this.callbacks = command -> {
            try {
                workers.execute(command);
            } catch (RejectedExecutionException e) {
                command.run();
            }
        };
        this.chatLog = new ChatLogQueue(logger, b.chatLogQueueCapacity, b.chatLogInitialBackoff,
                b.chatLogMaxBackoff, scheduler, workers, this::emit);
        MessageBuffer.Builder mb = MessageBuffer.builder()
                .processor(this::process)
                .executor(workers)
                .scheduler(scheduler)
                .clock(clock)
                .closeTimeout(closeTimeout);
        if (b.pendingStore != null) {
            mb.store(b.pendingStore);
        } else {
            mb.policy(b.bufferPolicy);
        }
        this.buffer = mb.build();
    }

    /** A builder; the AI responder and the WhatsApp client are required. */
    public static Builder builder() {
        return new Builder();
    }

    /** Buffers {@code message} for its conversation. Does not block. @throws IllegalStateException once closed */
    @Override
    public void onMessage(InboundMessage message) {
        buffer.add(message);
    }

    /**
     * Sends the rate-limit notice to the sender of {@code message}, after any reply of that
     * conversation in flight and before the next one. Does not block.
     */
    @Override
    public void onRateLimited(InboundMessage message) {
        ConversationKey key = ConversationKey.of(message);
        onLane(key, () -> {
            CompletableFuture<Void> sent = new CompletableFuture<>();
            callbacks.execute(() -> send(key, message, texts.rateLimitNotice())
                    .whenComplete((r, e) -> sent.complete(null)));
            return sent;
        });
    }

    /** Conversations with messages waiting or a burst being answered. */
    public int pendingConversations() {
        return buffer.pendingConversations();
    }

    /**
     * Stops taking messages, answers every pending burst at once, waits up to the close timeout for
     * bursts in flight, tries once more to write log entries that are waiting, and shuts down the
     * threads the engine created (never those it was given).
     */
    @Override
    public void close() {
        buffer.close(closeTimeout);
        chatLog.close();
        if (ownedWorkers != null) {
            ownedWorkers.shutdown();
            awaitQuietly(ownedWorkers);
        }
        if (ownedScheduler != null) {
            ownedScheduler.shutdownNow();
            awaitQuietly(ownedScheduler);
        }
    }

    private static void awaitQuietly(ExecutorService executor) {
        try {
            if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    // ---- per-conversation lanes --------------------------------------------------------------

    /**
     * Runs {@code task} after every task queued before it for {@code key} (on the calling thread when
     * none is pending, else on a worker); returns its completion.
     */
    private CompletableFuture<Void> onLane(ConversationKey key, Supplier<CompletionStage<Void>> task) {
        CompletableFuture<Void> mine = new CompletableFuture<>();
        CompletableFuture<Void> previous = lanes.put(key, mine);
        Runnable run = () -> {
            CompletionStage<Void> stage;
            try {
                stage = task.get();
            } catch (RuntimeException | Error ex) {
                LOG.error("conversation task failed for {}", key, ex);
                stage = DONE;
            }
            stage.whenComplete((r2, e2) -> {
                lanes.remove(key, mine);
                mine.complete(null);
            });
        };
        if (previous == null || previous.isDone()) {
            run.run();
        } else {
            previous.whenCompleteAsync((r, e) -> run.run(), callbacks);
        }
        return mine;
    }

    private CompletionStage<Void> process(Batch batch) {
        Instant now = clock.instant();
        emit(new Event.BatchFlushed(batch.key(), batch.size(), batch.waited(now), batch.lateness(now)));
        return onLane(batch.key(), () -> new Job(batch).start());
    }

    // ---- one burst -----------------------------------------------------------------------------

    private enum Kind { AI, RESET, WELCOME, UNSUPPORTED }

    /** The work of one burst; its steps run on workers, one after another. */
    private final class Job {
        private final Batch batch;
        private final ConversationKey key;
        private final InboundMessage last;
        private final String replyKey;
        private final CompletableFuture<Void> done = new CompletableFuture<>();
        private final List<InboundMessage> aiMessages = new ArrayList<>();
        private final Kind kind;
        private final boolean reset;
        private int attempt;
        private String userId;
        private Session session;
        private boolean creditChecked;
        private CreditGate.Reservation reservation;
        private List<ChatTurn> history;

        Job(Batch batch) {
            this.batch = batch;
            this.key = batch.key();
            this.last = batch.last();
            this.replyKey = "reply:" + messageKey(last);
            boolean resetWord = false;
            boolean welcome = false;
            boolean unsupported = false;
            for (InboundMessage m : batch.messages()) {
                if (Turns.isResetWord(m, settings.sessionResetWords())) {
                    resetWord = true;
                } else if (Turns.isWelcome(m)) {
                    welcome = true;
                } else if (Turns.isUnsupported(m)) {
                    unsupported = true;
                } else {
                    aiMessages.add(m);
                }
            }
            this.reset = resetWord;
            this.kind = !aiMessages.isEmpty() ? Kind.AI
                    : resetWord ? Kind.RESET : welcome ? Kind.WELCOME : Kind.UNSUPPORTED;
        }

        CompletableFuture<Void> start() {
            step();
            return done;
        }

        private void step() {
            try {
                if (resolve()) {
                    answer();
                }
            } catch (RuntimeException | Error e) {
                LOG.error("answering the burst of {} failed unexpectedly", key, e);
                refund();
                done.complete(null);
            }
        }

        /** Runs the storage steps not done yet; returns false when it scheduled a retry or gave up. */
        private boolean resolve() {
            attempt++;
            String spi = "UserMapper";
            try {
                if (userId == null) {
                    userId = Objects.requireNonNull(userMapper.findOrCreateUser(identity(last)),
                            "UserMapper returned null");
                }
                spi = "SessionStore";
                if (session == null) {
                    session = Objects.requireNonNull(sessionStore.touch(key, userId, clock.instant(),
                            settings.sessionIdleTimeout(), reset), "SessionStore returned null");
                }
                if (kind == Kind.AI) {
                    if (history == null) {
                        history = Turns.window(sessionStore.history(session.id(), settings.historyMaxTurns()),
                                settings.historyMaxChars());
                    }
                    spi = "CreditGate";
                    if (!creditChecked) {
                        reservation = creditGate.reserve(userId, replyKey).orElse(null);
                        creditChecked = true;
                    }
                }
                return true;
            } catch (RuntimeException e) {
                boolean retry = attempt < spiMaxAttempts && scheduleRetry();
                emit(new Event.SpiFailed(spi, key, e, attempt, retry));
                if (!retry) {
                    reply(texts.temporarilyUnavailable(), null, false);
                }
                return false;
            }
        }

        private boolean scheduleRetry() {
            long delay = spiInitialBackoff.toMillis() << Math.min(attempt - 1, 20);
            try {
                scheduler.schedule(() -> callbacks.execute(this::step), delay, TimeUnit.MILLISECONDS);
                return true;
            } catch (RejectedExecutionException e) {
                return false;
            }
        }

        private void answer() {
            chatLog.log(key, inboundEntries());
            markRead();
            switch (kind) {
                case RESET -> reply(texts.sessionReset(), null, true);
                case WELCOME -> reply(texts.greeting(), null, true);
                case UNSUPPORTED -> reply(texts.unsupportedFallback(), null, true);
                default -> {
                    if (reservation == null) {
                        emit(new Event.CreditsExhausted(key, userId));
                        reply(texts.outOfCredits(), null, true);
                    } else {
                        askAi();
                    }
                }
            }
        }

        private void askAi() {
            String userTurn = Turns.userTurn(aiMessages, settings.maxBatchChars());
            AiRequest request = new AiRequest(key, userId, session.id(), history, aiMessages, userTurn);
            Instant started = clock.instant();
            AiReply reply;
            try {
                reply = checked(responder.respond(request));
            } catch (RuntimeException e) {
                reply = null;
                if (fallbackResponder != null) {
                    try {
                        reply = checked(fallbackResponder.respond(request));
                    } catch (RuntimeException fallbackError) {
                        e.addSuppressed(fallbackError);
                    }
                }
                emit(new Event.AiFailed(key, e, reply != null));
                if (reply == null) {
                    refund();
                    reply(texts.aiFailureApology(), null, true);
                    return;
                }
            }
            emit(new Event.AiCompleted(key, reply.model(), Duration.between(started, clock.instant()),
                    reply.promptTokens(), reply.completionTokens()));
            AiReply answered = reply;
            Instant askedAt = batch.last().timestamp() != null ? batch.last().timestamp() : started;
            send(key, last, answered.text()).whenCompleteAsync((result, error) -> {
                try {
                    chatLog.log(key, List.of(outboundEntry(answered.text(), answered, result, error)));
                    List<ChatTurn> turns = new ArrayList<>(2);
                    turns.add(new ChatTurn(ChatTurn.Role.USER, userTurn, askedAt));
                    if (error == null) {
                        turns.add(new ChatTurn(ChatTurn.Role.ASSISTANT, answered.text(), clock.instant()));
                    }
                    appendHistory(turns);
                    if (error == null) {
                        commit();
                    } else {
                        refund();
                    }
                } finally {
                    done.complete(null);
                }
            }, callbacks);
        }

        /** Sends a fixed text (or the given AI reply), logs it when {@code log}, then completes the job. */
        private void reply(String text, AiReply aiReply, boolean log) {
            send(key, last, text).whenCompleteAsync((result, error) -> {
                try {
                    if (log && userId != null && session != null) {
                        chatLog.log(key, List.of(outboundEntry(text, aiReply, result, error)));
                    }
                } finally {
                    done.complete(null);
                }
            }, callbacks);
        }

        private void markRead() {
            if (last.id() == null) {
                return;
            }
            try {
                client.markRead(key.phoneNumberId(), last.id(), true).exceptionally(e -> {
                    LOG.debug("marking {} read failed: {}", last.id(), e.toString());
                    return null;
                });
            } catch (RuntimeException e) {
                LOG.debug("marking {} read failed: {}", last.id(), e.toString());
            }
        }

        private void appendHistory(List<ChatTurn> turns) {
            try {
                sessionStore.append(session.id(), turns);
            } catch (RuntimeException e) {
                emit(new Event.SpiFailed("SessionStore", key, e, 1, false));
            }
        }

        private void commit() {
            if (reservation != null) {
                try {
                    creditGate.commit(reservation);
                } catch (RuntimeException e) {
                    emit(new Event.SpiFailed("CreditGate", key, e, 1, false));
                }
                reservation = null;
            }
        }

        private void refund() {
            if (reservation != null) {
                try {
                    creditGate.refund(reservation);
                } catch (RuntimeException e) {
                    emit(new Event.SpiFailed("CreditGate", key, e, 1, false));
                }
                reservation = null;
            }
        }

        private List<ChatLogEntry> inboundEntries() {
            Instant now = clock.instant();
            List<ChatLogEntry> entries = new ArrayList<>(batch.size());
            for (InboundMessage m : batch.messages()) {
                entries.add(new ChatLogEntry(messageKey(m), session.id(), userId, ChatLogEntry.CHANNEL_WHATSAPP,
                        key.phoneNumberId(), m.sender().waId(), m.sender().userId(), ChatLogEntry.Direction.INBOUND,
                        m.id(), List.of(), m.type(), Turns.describe(m), m.timestamp() != null ? m.timestamp() : now,
                        now, null, null, null, null, null));
            }
            return entries;
        }

        private ChatLogEntry outboundEntry(String text, AiReply aiReply, SendResult result, Throwable error) {
            Instant now = clock.instant();
            List<String> ids = result == null ? List.of() : result.messageIds();
            return new ChatLogEntry(replyKey, session.id(), userId, ChatLogEntry.CHANNEL_WHATSAPP,
                    key.phoneNumberId(), last.sender().waId(), last.sender().userId(),
                    ChatLogEntry.Direction.OUTBOUND, ids.isEmpty() ? null : ids.get(0), ids, "text", text, now, now,
                    aiReply == null ? null : aiReply.model(),
                    aiReply == null || aiReply.promptTokens() < 0 ? null : aiReply.promptTokens(),
                    aiReply == null || aiReply.completionTokens() < 0 ? null : aiReply.completionTokens(),
                    aiReply == null ? null : aiReply.cost(),
                    error == null ? null : Turns.describeError(error));
        }
    }

    /** Sends {@code text} to the sender of {@code to}; reports a failure as {@link Event.SendFailed}. */
    private CompletableFuture<SendResult> send(ConversationKey key, InboundMessage to, String text) {
        CompletableFuture<SendResult> sent;
        try {
            sent = client.sendText(key.phoneNumberId(), Recipient.of(to.sender()), text, null);
        } catch (RuntimeException e) {
            sent = CompletableFuture.failedFuture(e);
        }
        return sent.whenComplete((result, error) -> {
            if (error != null) {
                emit(new Event.SendFailed(key, text, Turns.unwrap(error)));
            } else {
                emit(new Event.ReplySent(key, result.messageIds(), text.length()));
            }
        });
    }

    private static AiReply checked(AiReply reply) {
        if (reply == null || reply.text().isBlank()) {
            throw new IllegalStateException("the AI responder returned an empty reply");
        }
        return reply;
    }

    private static UserIdentity identity(InboundMessage m) {
        return new UserIdentity(m.business().phoneNumberId(), m.sender().waId(), m.sender().userId(),
                m.sender().profileName());
    }

    /** The idempotency key of an inbound message: its wamid. */
    private static String messageKey(InboundMessage m) {
        if (m.id() != null) {
            return m.id();
        }
        return "noid:" + m.business().phoneNumberId() + ":" + m.sender().conversationId() + ":"
                + (m.timestamp() == null ? "" : m.timestamp().toEpochMilli()) + ":" + m.type();
    }

    private void emit(Event event) {
        try {
            listener.onEvent(event);
        } catch (RuntimeException e) {
            LOG.warn("the event listener failed on {}", event.getClass().getSimpleName(), e);
        }
    }

    /** Builds a {@link ConversationEngine}; not thread-safe. */
    public static final class Builder {
        private ConversationSettings settings = ConversationSettings.defaults();
        private BufferPolicy bufferPolicy = BufferPolicy.defaults();
        private UserMapper userMapper;
        private SessionStore sessionStore;
        private CreditGate creditGate;
        private ChatLogger chatLogger;
        private AiResponder responder;
        private AiResponder fallbackResponder;
        private WhatsAppClient client;
        private EventListener listener = new LoggingEventListener();
        private Clock clock = Clock.systemUTC();
        private ScheduledExecutorService scheduler;
        private Executor workers;
        private int workerThreads = 16;
        private PendingStore pendingStore;
        private int spiMaxAttempts = 5;
        private Duration spiInitialBackoff = Duration.ofSeconds(1);
        private int chatLogQueueCapacity = 10_000;
        private Duration chatLogInitialBackoff = Duration.ofSeconds(1);
        private Duration chatLogMaxBackoff = Duration.ofMinutes(5);
        private Duration closeTimeout = Duration.ofSeconds(30);

        private Builder() {
        }

        /** Sessions, history window, burst cap, reset words and the fixed texts; default {@link ConversationSettings#defaults()}. */
        public Builder settings(ConversationSettings settings) {
            this.settings = Objects.requireNonNull(settings, "settings");
            return this;
        }

        /** When a burst is answered, for the default in-memory store; default {@link BufferPolicy#defaults()}. */
        public Builder bufferPolicy(BufferPolicy policy) {
            this.bufferPolicy = Objects.requireNonNull(policy, "bufferPolicy");
            return this;
        }

        /** Finds or creates users; default a new {@link InMemoryUserMapper}. */
        public Builder userMapper(UserMapper userMapper) {
            this.userMapper = Objects.requireNonNull(userMapper, "userMapper");
            return this;
        }

        /** Sessions and history; default a new {@link InMemorySessionStore}. */
        public Builder sessionStore(SessionStore sessionStore) {
            this.sessionStore = Objects.requireNonNull(sessionStore, "sessionStore");
            return this;
        }

        /** Credits; default {@link CreditGate#unlimited()}. */
        public Builder creditGate(CreditGate creditGate) {
            this.creditGate = Objects.requireNonNull(creditGate, "creditGate");
            return this;
        }

        /** The chat log; default a new (bounded) {@link InMemoryChatLogger}. */
        public Builder chatLogger(ChatLogger chatLogger) {
            this.chatLogger = Objects.requireNonNull(chatLogger, "chatLogger");
            return this;
        }

        /** Writes the replies. Required. */
        public Builder aiResponder(AiResponder responder) {
            this.responder = Objects.requireNonNull(responder, "aiResponder");
            return this;
        }

        /** Answers when the AI responder fails (e.g. an offline knowledge-base responder); default none: the apology is sent. */
        public Builder fallbackResponder(AiResponder fallback) {
            this.fallbackResponder = Objects.requireNonNull(fallback, "fallbackResponder");
            return this;
        }

        /** Sends replies and read receipts. Required. */
        public Builder whatsAppClient(WhatsAppClient client) {
            this.client = Objects.requireNonNull(client, "whatsAppClient");
            return this;
        }

        /** Receives flush, AI, send and storage events; default a {@link LoggingEventListener}. */
        public Builder eventListener(EventListener listener) {
            this.listener = Objects.requireNonNull(listener, "eventListener");
            return this;
        }

        /** Time of arrivals, deadlines, sessions and log entries; default {@link Clock#systemUTC()}. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Runs the buffer's single timer and the retry backoffs (short tasks only). Default: one named
         * daemon thread the engine creates and shuts down. A given scheduler is never shut down by the engine.
         */
        public Builder scheduler(ScheduledExecutorService scheduler) {
            this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
            return this;
        }

        /**
         * Runs the bursts (AI calls block here). Default: a pool of {@link #workerThreads(int)} named
         * daemon threads the engine creates and shuts down. A given executor is never shut down by the engine.
         */
        public Builder workerExecutor(Executor workers) {
            this.workers = Objects.requireNonNull(workers, "workerExecutor");
            return this;
        }

        /** Size of the worker pool the engine creates when none is given; default 16. */
        public Builder workerThreads(int threads) {
            if (threads <= 0) {
                throw new IllegalArgumentException("workerThreads must be positive, was " + threads);
            }
            this.workerThreads = threads;
            return this;
        }

        /** Where pending messages wait; default an in-memory store with the {@link #bufferPolicy(BufferPolicy) buffer policy}. */
        public Builder pendingStore(PendingStore store) {
            this.pendingStore = Objects.requireNonNull(store, "pendingStore");
            return this;
        }

        /**
         * How often a burst is tried when UserMapper, SessionStore or CreditGate fail, and the first
         * backoff (doubled each time); defaults 5 attempts from 1 s (waits 1, 2, 4, 8 s).
         */
        public Builder spiRetry(int maxAttempts, Duration initialBackoff) {
            if (maxAttempts <= 0 || initialBackoff.isNegative() || initialBackoff.isZero()) {
                throw new IllegalArgumentException("spiRetry needs a positive attempt count and backoff, was "
                        + maxAttempts + " and " + initialBackoff);
            }
            this.spiMaxAttempts = maxAttempts;
            this.spiInitialBackoff = initialBackoff;
            return this;
        }

        /**
         * Chat-log entries kept while the logger fails, and the backoff between retries (doubled up to
         * {@code maxBackoff}); defaults 10,000 entries, 1 s to 5 min.
         */
        public Builder chatLogRetry(int queueCapacity, Duration initialBackoff, Duration maxBackoff) {
            if (queueCapacity <= 0 || initialBackoff.isNegative() || initialBackoff.isZero()
                    || maxBackoff.compareTo(initialBackoff) < 0) {
                throw new IllegalArgumentException("chatLogRetry needs a positive capacity and backoffs with "
                        + "maxBackoff >= initialBackoff");
            }
            this.chatLogQueueCapacity = queueCapacity;
            this.chatLogInitialBackoff = initialBackoff;
            this.chatLogMaxBackoff = maxBackoff;
            return this;
        }

        /** How long {@link ConversationEngine#close()} waits for bursts in flight; default 30 s. */
        public Builder closeTimeout(Duration timeout) {
            if (timeout.isNegative()) {
                throw new IllegalArgumentException("closeTimeout must not be negative, was " + timeout);
            }
            this.closeTimeout = timeout;
            return this;
        }

        /** Builds the engine and its buffer. @throws NullPointerException when a required part is missing */
        public ConversationEngine build() {
            return new ConversationEngine(this);
        }
    }
}
