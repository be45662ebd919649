package io.github.whatsappai.internal.conversation;

import io.github.whatsappai.ai.AiReply;
import io.github.whatsappai.ai.AiRequest;
import io.github.whatsappai.ai.AiResponder;
import io.github.whatsappai.ai.ChatTurn;
import io.github.whatsappai.buffer.MessageBuffer;
import io.github.whatsappai.client.MediaSource;
import io.github.whatsappai.client.Recipient;
import io.github.whatsappai.client.SendResult;
import io.github.whatsappai.client.TemplateMessage;
import io.github.whatsappai.client.WhatsAppApiException;
import io.github.whatsappai.client.WhatsAppClient;
import io.github.whatsappai.conversation.ConversationSettings;
import io.github.whatsappai.conversation.MediaSettings;
import io.github.whatsappai.event.Event;
import io.github.whatsappai.event.EventListener;
import io.github.whatsappai.event.LoggingEventListener;
import io.github.whatsappai.internal.NamedDaemonThreads;
import io.github.whatsappai.internal.media.BurstMediaCollector;
import io.github.whatsappai.internal.media.MediaReader;
import io.github.whatsappai.internal.retry.Backoff;
import io.github.whatsappai.internal.retry.SharedTimer;
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
import io.github.whatsappai.store.Appended;
import io.github.whatsappai.store.Arrival;
import io.github.whatsappai.store.Batch;
import io.github.whatsappai.store.BufferPolicy;
import io.github.whatsappai.store.BurstProgress;
import io.github.whatsappai.store.Claim;
import io.github.whatsappai.store.ClaimLostException;
import io.github.whatsappai.store.InMemoryStateStore;
import io.github.whatsappai.store.OutboxPart;
import io.github.whatsappai.store.StateStore;
import io.github.whatsappai.store.StoreUnavailableException;
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
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Answers what the ingress accepted: buffers each conversation's burst in a {@link MessageBuffer} on
 * a {@link StateStore} and answers every burst with one reply.
 *
 * <p>For each burst, on a worker thread, one at a time per conversation, each step's outcome stored
 * in the state store before the next ({@link BurstProgress}):
 * <ol>
 *   <li>{@link UserMapper}: find or create the user from the sender's wa_id and business-scoped id;</li>
 *   <li>{@link SessionStore}: the session (a new one after {@link ConversationSettings#sessionIdleTimeout()},
 *       or when the burst contains a {@linkplain ConversationSettings#sessionResetWords() reset word});</li>
 *   <li>{@link CreditGate}: reserve a credit (none left: the out-of-credits text, no AI call);</li>
 *   <li>{@link ChatLogger}: log every user message (idempotency key: its wamid); mark the last
 *       message read with the typing indicator; store the progress ({@code PREPARED});</li>
 *   <li>one {@link AiResponder} call with the history window (turns and characters) and the burst
 *       merged into one user turn (texts in order, other types described, capped);</li>
 *   <li>store the reply in the outbox ({@code REPLY_STORED}), then send it; a send that fails after
 *       the client's own retries is tried again with backoff ({@link Event.SendDelayed}) until it is
 *       sent or WhatsApp's 24-hour customer-service window closes ({@link Event.ReplyExpired});</li>
 *   <li>log the reply with its outbound ids (key {@code reply:<last wamid>}); append both turns to the
 *       history; commit the credit (refund it when nothing was sent); the burst is complete.</li>
 * </ol>
 * A burst of nothing but a reset word is answered with {@link ConversationSettings.Messages#sessionReset()};
 * a {@code request_welcome} with the greeting and an {@code unsupported} message with the fallback, both
 * without AI. In a burst that also holds real messages, welcome and unsupported messages are logged but
 * left out of the AI turn, and only the real messages are answered (one reply, nothing extra).
 *
 * <p>No burst ends silently: an AI failure lets the fallback responder answer if one is configured,
 * else the apology is sent and logged and the credit refunded ({@link Event.AiFailed}). A failing
 * UserMapper, SessionStore, CreditGate or state store keeps the burst and retries it with backoff for
 * as long as it takes ({@link Event.SpiFailed} each time); after five minutes the user is told once
 * that it is slow, and answered when storage is back. A failing ChatLogger never delays the reply: its
 * entries wait in the state store until the logger recovers. Anything unexpected ends the burst with
 * {@link Event.BurstFailed}, the apology and a refund. A burst another instance took over (its lease
 * ran out) is left to it: nothing more is sent from here. A takeover continues from the stored
 * progress: a stored reply is sent (or its sending finished), a reserved credit settled. The
 * rate-limit notice ({@link #onRateLimited}) bypasses the buffer but is still serialised with the
 * conversation's replies.
 *
 * <p>Thread-safe; create one per application and share it. {@link #close()} stops taking messages;
 * with the in-memory store it answers every pending burst, waits (bounded) for bursts in flight and
 * tries once more to write waiting log entries; with a durable store it releases the bursts it holds
 * ({@link Event.BurstsReleased}). It shuts down only the threads the engine created (named daemon
 * threads {@code whatsapp-ai-timer} and {@code whatsapp-ai-worker-N}).
 */
public final class ConversationEngine implements InboundHandler, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ConversationEngine.class);
    /**
     * Extra time message ids stay in the default store's ledger beyond the maximum message age,
     * covering clock skew between Meta's timestamps and ours: a redelivery within the maximum age is
     * caught by the ledger, a later one by the stale guard.
     */
    public static final Duration LEDGER_MARGIN = Duration.ofHours(1);
    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);
    /** The longest a reply waits for its read receipt's answer. */
    private static final long READ_RECEIPT_WAIT_MILLIS = 2_000;
    /** The longest a reply waits for its read receipt, however long the receipt waited for its turn. */
    private static final long READ_RECEIPT_MAX_WAIT_MILLIS = 30_000;
    /** How long after the user's last message a free-form reply may be sent. */
    private static final Duration CUSTOMER_SERVICE_WINDOW = Duration.ofHours(24);

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
    /** Between attempts of a failed storage call (deterministic: the slow notice is timed by it). */
    private final Backoff spiBackoff;
    private final Duration slowNoticeAfter;
    /** Between attempts of a reply part after the client's own retries failed. */
    private final Backoff sendBackoff;
    private final StateStore store;
    /** The store the engine created (closed with it), or {@code null} when it was given. */
    private final StateStore ownedStore;
    private final Duration closeTimeout;
    private final ChatLogQueue chatLog;
    private final MessageBuffer buffer;
    /** One burst or notice per person at a time. */
    private final ConversationLanes lanes;
    /** Reads a burst's media for the AI, or {@code null} when no media source was given (media is then described). */
    private final MediaReader media;

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
        this.spiBackoff = Backoff.exponential(b.spiInitialBackoff, b.spiMaxBackoff).withJitter(Backoff.Jitter.NONE);
        this.slowNoticeAfter = b.slowNoticeAfter;
        this.sendBackoff = Backoff.exponential(b.sendInitialBackoff, b.sendMaxBackoff).withJitter(Backoff.Jitter.NONE);
        if (b.stateStore != null) {
            this.store = b.stateStore;
            this.ownedStore = null;
        } else {
            this.store = InMemoryStateStore.builder()
                    .policy(b.bufferPolicy)
                    .deferredLogCapacity(b.chatLogQueueCapacity)
                    .eventListener(this::emit)
                    .build();
            this.ownedStore = store;
        }
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
        this.lanes = new ConversationLanes(callbacks);
        this.chatLog = new ChatLogQueue(logger, store,
                Backoff.exponential(b.chatLogInitialBackoff, b.chatLogMaxBackoff).withJitter(Backoff.Jitter.NONE),
                scheduler, workers, clock, this::emit);
        MessageBuffer.Builder mb = MessageBuffer.builder()
                .store(store)
                .claimProcessor(this::process)
                .executor(workers)
                .scheduler(scheduler)
                .clock(clock)
                .closeTimeout(closeTimeout)
                .lease(b.lease);
        if (b.owner != null) {
            mb.owner(b.owner);
        }
        this.buffer = mb.build();
        // media waits run on the shared timer: the worker blocks on the downloads, so their retries must not
        // wait for the engine's scheduler (a test's virtual one only moves when the test moves it)
        // the daily allowance is counted where the state lives: shared by the instances of a durable store
        this.media = b.mediaSource == null ? null
                : new MediaReader(b.mediaSource, b.mediaSettings, store.mediaAllowance(), SharedTimer.get(), clock);
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
     * Records one delivery's accepted messages in the state store (one call) and arranges their
     * answers; the ingress calls it on the request thread and answers 200 once it returns.
     *
     * @return per arrival: accepted or a duplicate
     * @throws StoreUnavailableException when the store could not record them (answer 503)
     * @throws IllegalStateException when the engine is closing and could not take them (answer 503)
     */
    public List<Appended> append(List<Arrival> arrivals) {
        return buffer.append(arrivals);
    }

    /** The state store the engine works on. */
    public StateStore stateStore() {
        return store;
    }

    /**
     * Sends the rate-limit notice to the sender of {@code message}, after any reply of that
     * conversation in flight and before the next one. Does not block.
     */
    @Override
    public void onRateLimited(InboundMessage message) {
        ConversationKey key = ConversationKey.of(message);
        lanes.run(key, () -> {
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
        if (buffer.releasedAtClose() > 0) {
            emit(new Event.BurstsReleased(buffer.releasedAtClose()));
        }
        chatLog.close();
        if (ownedWorkers != null) {
            ownedWorkers.shutdown();
            awaitQuietly(ownedWorkers);
        }
        if (ownedScheduler != null) {
            ownedScheduler.shutdownNow();
            awaitQuietly(ownedScheduler);
        }
        if (ownedStore != null) {
            ownedStore.close();
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

    private CompletionStage<Void> process(Claim claim) {
        Batch batch = claim.batch();
        Instant now = clock.instant();
        emit(new Event.BatchFlushed(batch.key(), batch.size(), batch.waited(now), batch.lateness(now)));
        return lanes.run(batch.key(), () -> new Job(claim).start());
    }

    // ---- one burst -----------------------------------------------------------------------------

    private enum Kind { AI, RESET, WELCOME, UNSUPPORTED }

    /** What a stored reply is, kept in the burst's progress so that a takeover settles it right. */
    private static final String REPLY_AI = "ai";
    private static final String REPLY_FIXED = "fixed";
    private static final String REPLY_NO_CREDIT = "out-of-credits";
    private static final String REPLY_APOLOGY = "apology";

    /**
     * The work of one burst; its steps run on workers, one after another, each stored in the
     * {@link StateStore} before the next (see {@link BurstProgress}), so that a takeover continues
     * where the previous owner stopped.
     */
    private final class Job {
        private final Claim claim;
        private final Batch batch;
        private final ConversationKey key;
        private final InboundMessage last;
        private final String replyKey;
        private final CompletableFuture<Void> done = new CompletableFuture<>();
        private final List<InboundMessage> aiMessages = new ArrayList<>();
        private final Kind kind;
        private final boolean reset;
        private BurstProgress progress;
        private int attempt;
        private long firstFailureAt = -1;
        private boolean slowNoticeSent;
        private String userId;
        private String sessionId;
        private boolean creditChecked;
        private CreditGate.Reservation reservation;
        private List<ChatTurn> history;
        private AiReply aiReply;
        private List<OutboxPart> parts;
        private final List<String> sentIds = new ArrayList<>();
        private Throwable sendError;
        /** Whether this reply's expired-reply template was sent or tried (once per reply). */
        private boolean templateTried;
        /**
         * The read receipt with typing indicator, until the reply's first part may follow it: sent
         * before the AI call, it is almost always answered by then; the reply waits for it at most
         * {@link #READ_RECEIPT_WAIT_MILLIS}, so the user never sees the reply before the blue ticks.
         */
        private CompletableFuture<Void> readReceipt = DONE;
        /** Completes when the read receipt's request leaves the client's pace; the wait counts from then. */
        private final CompletableFuture<Void> receiptDispatched = new CompletableFuture<>();
        /** The burst's media as read for the AI call, or {@code null}. */
        private MediaReader.BurstMedia burstMedia;
        /**
         * The user turn history keeps when media was read (with transcripts), or {@code null}; stored
         * with the reply ({@link BurstProgress#historyTurn()}), so a takeover appends the same turn.
         */
        private String historyTurn;
        /** A reply the store could not take yet: stored again on the retry, never asked for again. */
        private UnsavedReply unsaved;
        /** Whether a part's send may have reached Meta without an answer (see {@link #afterSend}). */
        private boolean ambiguous;
        /** Why the last ambiguous send's outcome is unknown, for the log entry. */
        private Throwable ambiguousCause;

        Job(Claim claim) {
            this.claim = claim;
            this.batch = claim.batch();
            this.key = batch.key();
            this.last = batch.last();
            this.replyKey = "reply:" + messageKey(last);
            this.progress = claim.progress();
            this.userId = progress.userId();
            this.sessionId = progress.sessionId();
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
            guarded(this::step);
            return done;
        }

        /**
         * Runs {@code work}; a lost claim ends the job without sending anything more, a store outage
         * waits and retries the step, anything unexpected ends the burst with the apology.
         */
        private void guarded(Runnable work) {
            try {
                if (!buffer.holds(claim)) {
                    throw new ClaimLostException(claim.id());
                }
                work.run();
            } catch (ClaimLostException e) {
                done.completeExceptionally(e);
            } catch (StoreUnavailableException e) {
                retryLater("StateStore", e, this::step);
            } catch (RuntimeException | Error e) {
                failed(e);
            }
        }

        /** The catch-all: reported, the credit refunded, the user gets the apology, the burst ends. */
        private void failed(Throwable e) {
            LOG.error("answering the burst of {} failed unexpectedly", key, e);
            emit(new Event.BurstFailed(key, e));
            try {
                refund();
            } finally {
                send(key, last, texts.aiFailureApology()).whenComplete((r, error) -> done.complete(null));
            }
        }

        /** Continues from the stored progress. */
        private void step() {
            if (unsaved != null) {
                storeReply(unsaved.text(), unsaved.kind(), unsaved.reply());
                return;
            }
            switch (progress.stage()) {
                case NEW, PREPARED -> prepare();
                case REPLY_STORED -> resume();
                default -> done.complete(null);
            }
        }

        /** User, session, history and credit; then the reply. */
        private void prepare() {
            attempt++;
            String spi = "UserMapper";
            try {
                if (userId == null) {
                    userId = Objects.requireNonNull(userMapper.findOrCreateUser(identity(last)),
                            "UserMapper returned null");
                }
                spi = "SessionStore";
                if (sessionId == null) {
                    Session session = Objects.requireNonNull(sessionStore.touch(key, userId, clock.instant(),
                            settings.sessionIdleTimeout(), reset), "SessionStore returned null");
                    sessionId = session.id();
                }
                if (kind == Kind.AI) {
                    if (history == null) {
                        history = Turns.window(sessionStore.history(sessionId, settings.historyMaxTurns()),
                                settings.historyMaxChars());
                    }
                    spi = "CreditGate";
                    if (!creditChecked) {
                        reservation = creditGate.reserve(userId, replyKey).orElse(null);
                        creditChecked = true;
                    }
                }
            } catch (RuntimeException e) {
                retryLater(spi, e, this::step);
                return;
            }
            recovered();
            if (progress.stage() == BurstProgress.Stage.NEW) {
                chatLog.log(key, inboundEntries());
                markRead();
                progress = new BurstProgress(BurstProgress.Stage.PREPARED, userId, sessionId,
                        reservation == null ? null : reservation.id(), null, null, -1, -1);
                store.saveProgress(claim, progress);
            }
            switch (kind) {
                case RESET -> storeReply(texts.sessionReset(), REPLY_FIXED, null);
                case WELCOME -> storeReply(texts.greeting(), REPLY_FIXED, null);
                case UNSUPPORTED -> storeReply(texts.unsupportedFallback(), REPLY_FIXED, null);
                default -> {
                    if (reservation == null) {
                        logMedia(null);
                        emit(new Event.CreditsExhausted(key, userId));
                        storeReply(texts.outOfCredits(), REPLY_NO_CREDIT, null);
                    } else {
                        askAi();
                    }
                }
            }
        }

        /**
         * A storage call failed: reported, retried with backoff for as long as it takes. After
         * {@link Builder#spiRetry the slow-notice delay} the user is told once that it is slow.
         */
        private void retryLater(String spi, RuntimeException e, Runnable again) {
            long now = clock.millis();
            if (firstFailureAt < 0) {
                firstFailureAt = now;
            }
            int failures = ++spiFailures;
            emit(new Event.SpiFailed(spi, key, e, failures, true));
            if (!slowNoticeSent && now - firstFailureAt >= slowNoticeAfter.toMillis()) {
                slowNoticeSent = true;
                send(key, last, texts.temporarilyUnavailable());
            }
            schedule(spiBackoff.delay(failures, null).toMillis(), again);
        }

        private int spiFailures;

        private void recovered() {
            firstFailureAt = -1;
            spiFailures = 0;
        }

        private void schedule(long delayMillis, Runnable again) {
            try {
                scheduler.schedule(() -> callbacks.execute(() -> guarded(again)), delayMillis, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException closing) {
                // the engine is closing: give the burst back (a durable store lets another instance answer)
                done.completeExceptionally(new StoreUnavailableException("the engine closed while the burst waited "
                        + "for a retry", closing));
            }
        }

        private void askAi() {
            if (media != null && MediaReader.hasMedia(aiMessages)) {
                burstMedia = media.read(aiMessages, userId, responder.acceptsMedia());
                for (BurstMediaCollector.Unread u : burstMedia.unread()) {
                    emit(new Event.MediaNotRead(key, u.message().id(), u.message().type(), u.detail()));
                }
                if (burstMedia.allowanceFailure() != null) {
                    // the burst's files were read without counting them: the answer is not held up by
                    // a cost control (the next store call of this burst waits for the store if it is down)
                    emit(new Event.SpiFailed("StateStore", key, burstMedia.allowanceFailure(), 1, false));
                }
                if (burstMedia.nothingToAnswer()) {
                    logMedia(null);
                    storeReply(burstMedia.notice(), REPLY_FIXED, null);
                    return;
                }
            }
            String userTurn = Turns.userTurn(aiMessages, settings.maxBatchChars());
            AiRequest request = new AiRequest(key, userId, sessionId, history, aiMessages, userTurn,
                    burstMedia == null ? List.of() : burstMedia.attachments());
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
                    logMedia(null);
                    refund();
                    storeReply(texts.aiFailureApology(), REPLY_APOLOGY, null);
                    return;
                }
            }
            emit(new Event.AiCompleted(key, reply.model(), Duration.between(started, clock.instant()),
                    reply.promptTokens(), reply.completionTokens()));
            if (burstMedia != null) {
                logMedia(reply);
                historyTurn = burstMedia.historyTurn(reply, settings.maxBatchChars());
                reply = new AiReply(burstMedia.withNotice(reply.text()), reply.model(), reply.promptTokens(),
                        reply.completionTokens(), reply.cost(), reply.mediaNotes());
            }
            storeReply(reply.text(), REPLY_AI, reply);
        }

        /**
         * Logs the burst's media messages, held back from the first log entries so that they carry
         * the model's transcript or description ({@code reply} may be {@code null}) or why they were
         * not read: the chat log keeps text, never bytes.
         */
        private void logMedia(AiReply reply) {
            if (media == null) {
                return;
            }
            Instant now = clock.instant();
            List<ChatLogEntry> entries = new ArrayList<>();
            for (InboundMessage m : batch.messages()) {
                if (heldBack(m)) {
                    entries.add(ChatLogEntry.inbound(messageKey(m), sessionId, userId, m,
                            burstMedia != null ? burstMedia.describe(m, reply) : Turns.describe(m), now));
                }
            }
            if (!entries.isEmpty()) {
                chatLog.log(key, entries);
            }
        }

        /**
         * Stores the reply in the outbox with the history turn, then sends it. A store that cannot take
         * it (down, or its outbox full) leaves the progress as it was: the reply is kept here and
         * stored on the retry ({@link #step}), so it is neither lost nor written by the AI again.
         */
        private void storeReply(String text, String replyKind, AiReply reply) {
            unsaved = new UnsavedReply(text, replyKind, reply);
            BurstProgress next = new BurstProgress(BurstProgress.Stage.REPLY_STORED, userId, sessionId,
                    progress.reservationId(), replyKind, reply == null ? null : reply.model(),
                    reply == null ? -1 : reply.promptTokens(), reply == null ? -1 : reply.completionTokens(),
                    REPLY_AI.equals(replyKind) ? historyTurn : null);
            // one outbox part per WhatsApp message: each has its own tag and outcome
            List<String> messages = client.textParts(text);
            List<OutboxPart> stored = store.saveReply(claim, next, messages.isEmpty() ? List.of(text) : messages,
                    windowClosesAt());
            unsaved = null;
            aiReply = reply;
            progress = next;
            parts = new ArrayList<>(stored);
            recovered();
            sendNext();
        }

        /**
         * A takeover of a stored reply: settle the credit as the first owner would have, send what is
         * left; the history gets the turn stored with the reply (with the media's transcripts).
         */
        private void resume() {
            historyTurn = progress.historyTurn();
            if (REPLY_AI.equals(progress.replyKind()) && progress.reservationId() != null && reservation == null) {
                try {
                    reservation = creditGate.reserve(userId, replyKey).orElse(null);
                } catch (RuntimeException e) {
                    retryLater("CreditGate", e, this::resume);
                    return;
                }
                recovered();
            }
            parts = new ArrayList<>(store.outbox(claim));
            for (OutboxPart p : parts) {
                if (p.state() == OutboxPart.State.SENT && p.wamid() != null) {
                    sentIds.add(p.wamid());
                }
            }
            sendNext();
        }

        /** WhatsApp's customer-service window: 24 hours after the user's last message. */
        private long windowClosesAt() {
            long lastAt = batch.firstArrival().toEpochMilli();
            for (InboundMessage m : batch.messages()) {
                if (m.timestamp() != null) {
                    lastAt = Math.max(lastAt, m.timestamp().toEpochMilli());
                }
            }
            return lastAt + CUSTOMER_SERVICE_WINDOW.toMillis();
        }

        /** Sends the first open part, or finishes when none is left. */
        private void sendNext() {
            int index = -1;
            for (int i = 0; i < parts.size(); i++) {
                // an AMBIGUOUS part may already be on the user's phone: never sent again; a status
                // webhook echoing its id confirms it in the store
                if (parts.get(i).state() == OutboxPart.State.PENDING) {
                    index = i;
                    break;
                }
            }
            if (index < 0) {
                finishReply();
                return;
            }
            OutboxPart part = parts.get(index);
            long now = clock.millis();
            if (now >= part.expiresAt()) {
                // marked first: a crash after this never sends the template twice
                store.markAbandoned(part.id(), "the customer-service window closed", now);
                parts.set(index, with(part, OutboxPart.State.ABANDONED, null));
                sendError = new IllegalStateException("the customer-service window closed before the reply was sent");
                ConversationSettings.ReplyTemplate template = settings.expiredReplyTemplate();
                if (template == null || templateTried) {
                    emit(new Event.ReplyExpired(key, part.text(), false));
                    sendNext();
                    return;
                }
                templateTried = true;
                sendExpiredTemplate(template, part.text());
                return;
            }
            if (part.retryAt() > now) {
                schedule(part.retryAt() - now, this::sendNext);
                return;
            }
            if (!readReceipt.isDone()) {
                CompletableFuture<Void> receipt = readReceipt;
                readReceipt = DONE;
                // at most READ_RECEIPT_WAIT_MILLIS after the receipt left the client's pace (a reply
                // queued behind it could otherwise leave together with it and overtake it), and
                // READ_RECEIPT_MAX_WAIT_MILLIS in all
                receiptDispatched.thenRun(() -> schedule(READ_RECEIPT_WAIT_MILLIS, () -> receipt.complete(null)));
                schedule(READ_RECEIPT_MAX_WAIT_MILLIS, () -> receipt.complete(null));
                receipt.whenCompleteAsync((r, e) -> guarded(this::sendNext), callbacks);
                return;
            }
            int at = index;
            CompletableFuture<SendResult> sent;
            try {
                sent = client.sendTextPart(key.phoneNumberId(), Recipient.of(last.sender()), part.text(), part.id());
            } catch (RuntimeException e) {
                sent = CompletableFuture.failedFuture(e);
            }
            sent.whenCompleteAsync((result, error) -> guarded(() -> afterSend(at, result, error)), callbacks);
        }

        /** The reply expired: the configured template goes out once in its place, then the rest of the parts. */
        private void sendExpiredTemplate(ConversationSettings.ReplyTemplate template, String expiredText) {
            CompletableFuture<SendResult> sent;
            try {
                sent = client.send(key.phoneNumberId(), Recipient.of(last.sender()),
                        new TemplateMessage(template.name(), template.languageCode(), List.of()));
            } catch (RuntimeException e) {
                sent = CompletableFuture.failedFuture(e);
            }
            sent.whenCompleteAsync((result, error) -> guarded(() -> {
                if (error != null) {
                    emit(new Event.SendFailed(key, expiredText, Turns.unwrap(error)));
                }
                emit(new Event.ReplyExpired(key, expiredText, error == null));
                sendNext();
            }), callbacks);
        }

        private void afterSend(int index, SendResult result, Throwable error) {
            OutboxPart part = parts.get(index);
            long now = clock.millis();
            if (error == null) {
                String wamid = result.messageIds().isEmpty() ? null : result.messageIds().get(0);
                store.markSent(part.id(), wamid, now);
                parts.set(index, with(part, OutboxPart.State.SENT, wamid));
                sentIds.addAll(result.messageIds());
                emit(new Event.ReplySent(key, result.messageIds(), part.text().length()));
                sendNext();
                return;
            }
            Throwable cause = Turns.unwrap(error);
            if (cause instanceof WhatsAppApiException api && !api.isRetryable()) {
                store.markAbandoned(part.id(), Turns.describeError(cause), now);
                parts.set(index, with(part, OutboxPart.State.ABANDONED, null));
                sendError = cause;
                emit(new Event.SendFailed(key, part.text(), cause));
                sendNext();
                return;
            }
            if (cause instanceof WhatsAppApiException api && api.mayHaveArrived()) {
                // the client already sent it again once (Event.SendAmbiguous): a further copy could
                // reach the user twice, so the part waits for a status to confirm it instead
                store.markAttempt(part.id(), now, Turns.describeError(cause), true);
                parts.set(index, with(part, OutboxPart.State.AMBIGUOUS, null));
                ambiguous = true;
                ambiguousCause = cause;
                sendNext();
                return;
            }
            int attempts = part.attempts() + 1;
            long delay = sendBackoff.delay(attempts, null).toMillis();
            store.markAttempt(part.id(), now + delay, Turns.describeError(cause), false);
            parts.set(index, new OutboxPart(part.id(), part.key(), part.index(), part.text(), part.state(), null,
                    attempts, now + delay, part.expiresAt()));
            emit(new Event.SendDelayed(key, attempts, Duration.ofMillis(delay), cause));
            schedule(delay, this::sendNext);
        }

        /** Every part sent or given up: log the reply, append the history, settle the credit, done. */
        private void finishReply() {
            // an ambiguous part most likely arrived (the request was written): counted as sent, so
            // the history keeps it and the credit is spent; the log entry says the outcome is unknown
            boolean sent = !sentIds.isEmpty() || ambiguous;
            // the reply as the user received it, every part (a long reply is several messages)
            String text = String.join("\n\n", parts.stream().map(OutboxPart::text).toList());
            if (userId != null && sessionId != null) {
                chatLog.log(key, List.of(outboundEntry(text,
                        !sent ? sendError : sentIds.isEmpty() ? ambiguousCause : null)));
            }
            if (REPLY_AI.equals(progress.replyKind()) && sessionId != null) {
                List<ChatTurn> turns = new ArrayList<>(2);
                Instant askedAt = last.timestamp() != null ? last.timestamp() : clock.instant();
                turns.add(new ChatTurn(ChatTurn.Role.USER, historyTurn != null ? historyTurn
                        : Turns.userTurn(aiMessages, settings.maxBatchChars()), askedAt));
                if (sent) {
                    turns.add(new ChatTurn(ChatTurn.Role.ASSISTANT, text, clock.instant()));
                }
                appendHistory(turns);
            }
            if (REPLY_AI.equals(progress.replyKind()) && sent) {
                commit();
            } else {
                refund();
            }
            progress = progress.at(BurstProgress.Stage.SENT);
            store.saveProgress(claim, progress);
            done.complete(null);
        }

        private void markRead() {
            if (last.id() == null) {
                return;
            }
            try {
                readReceipt = client.markRead(key.phoneNumberId(), last.id(), true,
                        () -> receiptDispatched.complete(null)).handle((r, e) -> {
                    if (e != null) {
                        LOG.debug("marking {} read failed: {}", last.id(), e.toString());
                    }
                    return null;
                });
            } catch (RuntimeException e) {
                LOG.debug("marking {} read failed: {}", last.id(), e.toString());
            }
        }

        private void appendHistory(List<ChatTurn> turns) {
            try {
                sessionStore.append(sessionId, turns);
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
            CreditGate.Reservation r = reservation;
            if (r == null && progress.reservationId() != null && userId != null) {
                // a takeover: the reservation was made by the previous owner, under the same key
                r = new CreditGate.Reservation(progress.reservationId(), userId, 1);
            }
            if (r != null) {
                try {
                    creditGate.refund(r);
                } catch (RuntimeException e) {
                    emit(new Event.SpiFailed("CreditGate", key, e, 1, false));
                }
                reservation = null;
            }
        }

        /** The log entries of the burst's messages, but for media messages {@link #logMedia} logs later. */
        private List<ChatLogEntry> inboundEntries() {
            Instant now = clock.instant();
            List<ChatLogEntry> entries = new ArrayList<>(batch.size());
            for (InboundMessage m : batch.messages()) {
                if (!heldBack(m)) {
                    entries.add(ChatLogEntry.inbound(messageKey(m), sessionId, userId, m, Turns.describe(m), now));
                }
            }
            return entries;
        }

        /** Whether {@code m} is logged once its media was read (with the model's transcript or description). */
        private boolean heldBack(InboundMessage m) {
            return media != null && kind == Kind.AI && BurstMediaCollector.isMedia(m);
        }

        private ChatLogEntry outboundEntry(String text, Throwable error) {
            AiReply usage = aiReply;
            if (usage == null && progress.model() != null) {
                // taken over after a crash: the figures stored with the reply
                usage = new AiReply(text, progress.model(), progress.promptTokens(), progress.completionTokens(), null);
            }
            return ChatLogEntry.reply(replyKey, sessionId, userId, last, sentIds, text, clock.instant(), usage,
                    error == null ? null : Turns.describeError(error));
        }
    }

    /** A reply decided but not yet in the store. */
    private record UnsavedReply(String text, String kind, AiReply reply) {
    }

    private static OutboxPart with(OutboxPart p, OutboxPart.State state, String wamid) {
        return new OutboxPart(p.id(), p.key(), p.index(), p.text(), state, wamid, p.attempts(), p.retryAt(),
                p.expiresAt());
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
        private StateStore stateStore;
        private Duration spiInitialBackoff = Duration.ofSeconds(1);
        private Duration spiMaxBackoff = Duration.ofMinutes(1);
        private Duration slowNoticeAfter = Duration.ofMinutes(5);
        private Duration sendInitialBackoff = Duration.ofSeconds(2);
        private Duration sendMaxBackoff = Duration.ofMinutes(1);
        private Duration lease = Duration.ofSeconds(30);
        private String owner;
        private int chatLogQueueCapacity = 10_000;
        private Duration chatLogInitialBackoff = Duration.ofSeconds(1);
        private Duration chatLogMaxBackoff = Duration.ofMinutes(5);
        private Duration closeTimeout = Duration.ofSeconds(30);
        private MediaSource mediaSource;
        private MediaSettings mediaSettings = MediaSettings.defaults();

        private Builder() {
        }

        /**
         * Where a burst's voice notes, images, stickers and documents are downloaded from (the
         * {@link io.github.whatsappai.client.GraphWhatsAppClient}). With one, a burst's media is read on
         * the worker for a responder that {@linkplain AiResponder#acceptsMedia() accepts media} and
         * handed to it as files; what cannot be read (no media model, over a cap, a refused type, a
         * failed download) is named to the user. Without one (the default), media is described to the
         * AI as text such as {@code [image: caption]}.
         */
        public Builder mediaSource(MediaSource source) {
            this.mediaSource = Objects.requireNonNull(source, "mediaSource");
            return this;
        }

        /**
         * Caps, the daily allowance and the notice for media; default {@link MediaSettings#defaults()}.
         * The allowance is counted by the state store ({@link StateStore#mediaAllowance()}): shared
         * by every instance on the PostgreSQL store. When the count cannot be reached, the burst's
         * files are read without it and {@link Event.SpiFailed} reports it.
         */
        public Builder mediaSettings(MediaSettings settings) {
            this.mediaSettings = Objects.requireNonNull(settings, "mediaSettings");
            return this;
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

        /**
         * Where pending messages, claims, the outbox and deferred log entries live; default an
         * {@link InMemoryStateStore} with the {@link #bufferPolicy buffer policy} (closed with the engine). A given
         * store's own buffer policy applies, and it stays the caller's.
         */
        public Builder stateStore(StateStore store) {
            this.stateStore = Objects.requireNonNull(store, "stateStore");
            return this;
        }

        /**
         * How a burst waits while UserMapper, SessionStore, CreditGate or the state store fail: retried
         * with a backoff from {@code initialBackoff}, doubled up to {@code maxBackoff}, for as long as
         * it takes; after {@code slowNoticeAfter} the user is told once that it is slow. Defaults 1 s,
         * 1 min, 5 min.
         */
        public Builder spiRetry(Duration initialBackoff, Duration maxBackoff, Duration slowNoticeAfter) {
            if (initialBackoff.isNegative() || initialBackoff.isZero() || maxBackoff.compareTo(initialBackoff) < 0
                    || slowNoticeAfter.isNegative()) {
                throw new IllegalArgumentException("spiRetry needs a positive initial backoff, maxBackoff >= "
                        + "initialBackoff and a non-negative slowNoticeAfter, was " + initialBackoff + ", "
                        + maxBackoff + ", " + slowNoticeAfter);
            }
            this.spiInitialBackoff = initialBackoff;
            this.spiMaxBackoff = maxBackoff;
            this.slowNoticeAfter = slowNoticeAfter;
            return this;
        }

        /**
         * The backoff between attempts to send a reply after the client's own retries failed,
         * doubled up to {@code maxBackoff}; a reply is tried until sent or until WhatsApp's 24-hour
         * customer-service window closes. Defaults 2 s to 1 min.
         */
        public Builder sendRetry(Duration initialBackoff, Duration maxBackoff) {
            if (initialBackoff.isNegative() || initialBackoff.isZero() || maxBackoff.compareTo(initialBackoff) < 0) {
                throw new IllegalArgumentException("sendRetry needs a positive initial backoff and maxBackoff >= "
                        + "initialBackoff, was " + initialBackoff + " and " + maxBackoff);
            }
            this.sendInitialBackoff = initialBackoff;
            this.sendMaxBackoff = maxBackoff;
            return this;
        }

        /** How long a claimed burst stays this engine's without renewal; default 30 s (renewed every 10 s). */
        public Builder lease(Duration lease) {
            if (lease.toMillis() < 3) {
                throw new IllegalArgumentException("lease must be at least 3 ms, was " + lease);
            }
            this.lease = lease;
            return this;
        }

        /** This instance's id in the state store's claims; default the process id and a random suffix. */
        public Builder owner(String owner) {
            this.owner = Objects.requireNonNull(owner, "owner");
            return this;
        }

        /**
         * Chat-log entries kept while the logger fails (by the default in-memory store; a given store
         * has its own capacity), and the backoff between retries (doubled up to {@code maxBackoff});
         * defaults 10,000 entries, 1 s to 5 min.
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
