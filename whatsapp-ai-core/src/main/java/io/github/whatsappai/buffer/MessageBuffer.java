package io.github.whatsappai.buffer;

import io.github.whatsappai.internal.SettingsCheck;
import io.github.whatsappai.store.Appended;
import io.github.whatsappai.store.Arrival;
import io.github.whatsappai.store.Batch;
import io.github.whatsappai.store.BufferPolicy;
import io.github.whatsappai.store.Claim;
import io.github.whatsappai.store.ClaimLostException;
import io.github.whatsappai.store.InMemoryStateStore;
import io.github.whatsappai.store.StateStore;
import io.github.whatsappai.store.StoreStats;
import io.github.whatsappai.store.StoreUnavailableException;
import io.github.whatsappai.webhook.model.ConversationKey;
import io.github.whatsappai.webhook.model.InboundMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Merges each conversation's burst of messages into one {@link Batch} and hands it to a processor on
 * a worker.
 *
 * <p>Per conversation ({@link ConversationKey}): a quiet window (default 15 s) restarted by every new
 * message, a maximum wait after the burst's first message (default 60 s) and a maximum batch size
 * (default 20) that makes the batch due at once; messages are ordered by timestamp, then arrival
 * (see {@link BufferPolicy}). One batch per conversation is processed at a time: messages arriving
 * while a batch is being answered collect into the next batch, handed over only after the current
 * one's stage completes. No message is dropped.
 *
 * <p>The messages live in a {@link StateStore} (default an {@link InMemoryStateStore}); the buffer
 * claims due bursts from it under a lease, renews the leases of the bursts it holds every third of
 * the lease, and completes each burst when its processor's stage completes. A processor that stops
 * (its process died, or it hangs past the lease) loses its burst to the next claim, which carries
 * the burst's stored progress. With a durable store several buffers (instances) share the work:
 * each also polls the store every 250 ms and listens to its wake-ups, since another instance's
 * messages can make a burst due.
 *
 * <p>One timer serves all conversations: the buffer keeps a single task armed on the injected
 * scheduler for the store's earliest deadline; a pending conversation costs a small entry in the
 * store, never a thread or a scheduled task. The timer task only claims due bursts and hands them to
 * the worker executor; processing runs there. Time comes from the injected {@link Clock}, so a test
 * with a {@code VirtualScheduler} and a {@code ManualClock} advances 15 seconds instantly.
 *
 * <p>Thread-safe. {@link #add} and {@link #append} may be called from any number of request threads
 * and do not block beyond the store's append. {@link #close()} with an in-memory store hands every
 * pending burst over at once and waits, bounded by the close timeout (real time), for the batches in
 * flight; with a durable store it stops claiming, waits the same way, then releases the bursts it
 * still holds for another instance (or a restart). Afterwards {@link #add} is refused.
 */
public final class MessageBuffer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MessageBuffer.class);
    private static final long NONE = StateStore.NONE;
    /**
     * Batches claimed per store call by the timer task. Small, so that each burst is handed to a
     * worker after one short call: a PostgreSQL call over 4,096 due conversations holds every one
     * of them until the last is claimed (hand-off p99 about 2 s for 10,000 due in one second, against
     * 269 ms with 200 per call; see docs/performance/state-store.md).
     */
    private static final int CLAIM_CHUNK = 200;
    /** Delay before retrying when the worker executor refused a batch or the store failed. */
    private static final long RETRY_MILLIS = 1000;

    private final StateStore store;
    private final ClaimProcessor processor;
    private final Executor executor;
    private final ScheduledExecutorService scheduler;
    private final Clock clock;
    private final Duration closeTimeout;
    private final String owner;
    private final long leaseMillis;
    private final long pollMillis;

    private final Object armLock = new Object();
    private final Object tickLock = new Object();
    private final Object drainLock = new Object();
    private final Object renewLock = new Object();
    private ScheduledFuture<?> armed;
    private volatile long armedAt = NONE;
    private ScheduledFuture<?> renewal;
    private ScheduledFuture<?> polling;
    private ScheduledFuture<?> purging;
    private AutoCloseable wakeSubscription;
    private final AtomicInteger inFlight = new AtomicInteger();
    /** The claims this buffer holds, by id. */
    private final ConcurrentHashMap<String, Claim> held = new ConcurrentHashMap<>();
    /** Claims found taken over by another owner while their job still ran. */
    private final Set<String> lost = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;
    private volatile int releasedAtClose;

    private MessageBuffer(Builder b) {
        this.store = b.store != null ? b.store : new InMemoryStateStore(b.policy);
        this.processor = Objects.requireNonNull(b.processor, "processor");
        this.executor = Objects.requireNonNull(b.executor, "executor");
        this.scheduler = Objects.requireNonNull(b.scheduler, "scheduler");
        this.clock = b.clock;
        this.closeTimeout = b.closeTimeout;
        this.owner = b.owner != null ? b.owner : defaultOwner();
        this.leaseMillis = b.lease.toMillis();
        this.pollMillis = b.pollInterval.toMillis();
        if (store.isDurable()) {
            this.polling = scheduler.scheduleWithFixedDelay(this::poll, pollMillis, pollMillis, TimeUnit.MILLISECONDS);
            long purgeMillis = b.purgeInterval.toMillis();
            this.purging = scheduler.scheduleWithFixedDelay(this::purge, purgeMillis, purgeMillis,
                    TimeUnit.MILLISECONDS);
            this.wakeSubscription = store.onWake(() -> arm(clock.millis()));
        }
    }

    private static String defaultOwner() {
        return ProcessHandle.current().pid() + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** A builder; the processor, the worker executor and the scheduler are required. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Adds an accepted message to its conversation's burst. Quick and non-blocking: the message is in
     * the store when this returns. A message already in the store's ledger is ignored.
     *
     * @throws IllegalStateException after {@link #close()}
     * @throws StoreUnavailableException when the store could not record it
     */
    public void add(InboundMessage message) {
        Objects.requireNonNull(message, "message");
        append(List.of(new Arrival(ConversationKey.of(message), message, clock.millis())));
    }

    /**
     * Records one delivery's accepted messages in one store call and arranges for their bursts to be
     * handed over when due.
     *
     * @return the store's answer per arrival (accepted or duplicate, and the canonical key)
     * @throws IllegalStateException when the buffer is closed, or closed meanwhile and the messages
     *         could not be handed to a worker (an in-memory store would lose them: the caller answers
     *         503 so that Meta redelivers)
     * @throws StoreUnavailableException when the store could not record them (nothing was recorded)
     */
    public List<Appended> append(List<Arrival> arrivals) {
        if (closed) {
            throw new IllegalStateException("the MessageBuffer is closed");
        }
        List<Appended> out = store.append(arrivals);
        long earliest = NONE;
        for (Appended a : out) {
            if (a.accepted() && a.dueAt() < earliest) {
                earliest = a.dueAt();
            }
        }
        // close() sets the flag before it claims everything pending: a message appended before that
        // claim is taken by it; one appended after it sees the flag here and is handed over now
        if (closed) {
            if (!store.isDurable() && !flushAll()) {
                throw new IllegalStateException("the MessageBuffer closed while the messages were added and no "
                        + "worker took them");
            }
        } else if (earliest < armedAt) {
            arm(earliest);
        }
        return out;
    }

    /** The rules deciding when a burst is due. */
    public BufferPolicy policy() {
        return store.policy();
    }

    /** The store the buffer works on. */
    public StateStore store() {
        return store;
    }

    /** This buffer's owner id in the store's claims. */
    public String owner() {
        return owner;
    }

    /**
     * Whether the job of {@code claim} may go on: {@code false} once a lease renewal found it taken
     * over by another owner (its next store call would fail with {@link ClaimLostException}).
     */
    public boolean holds(Claim claim) {
        return !lost.contains(claim.id());
    }

    /** Conversations with messages pending or a batch in flight. */
    public int pendingConversations() {
        StoreStats stats = store.stats(clock.millis());
        return (int) Math.min(Integer.MAX_VALUE, stats.pendingConversations() + stats.inFlight()
                + stats.expiredClaims());
    }

    /** Batches handed to the processor whose stage has not completed yet. */
    public int batchesInFlight() {
        return inFlight.get();
    }

    /** How many bursts {@link #close()} released for another instance (durable stores only). */
    public int releasedAtClose() {
        return releasedAtClose;
    }

    /** Closes with the close timeout; see {@link #close(Duration)}. */
    @Override
    public void close() {
        close(closeTimeout);
    }

    /**
     * Stops accepting messages and waits up to {@code timeout} (real time) for the batches in flight.
     * In memory, every pending burst is handed to the processor at once first, including bursts
     * collected meanwhile. With a durable store nothing more is claimed, and the bursts still held
     * when the time is up are released (their progress kept) for another instance or a restart;
     * {@link #releasedAtClose()} says how many.
     *
     * @return whether everything completed within the timeout
     */
    public boolean close(Duration timeout) {
        closed = true;
        boolean durable = store.isDurable();
        if (!durable) {
            flushAll();
        }
        cancel(polling);
        cancel(purging);
        if (wakeSubscription != null) {
            try {
                wakeSubscription.close();
            } catch (Exception e) {
                LOG.debug("stopping the store's wake-ups failed", e);
            }
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        boolean drained;
        synchronized (drainLock) {
            while (!(drained = drained(durable))) {
                long remaining = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (remaining <= 0) {
                    break;
                }
                try {
                    drainLock.wait(remaining);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        synchronized (armLock) {
            cancel(armed);
            armed = null;
            armedAt = NONE;
        }
        if (durable) {
            try {
                int released = store.releaseAll(owner, clock.millis());
                releasedAtClose += released;
                if (released > 0) {
                    LOG.info("MessageBuffer closed: released {} burst(s) for another instance", released);
                }
            } catch (RuntimeException e) {
                LOG.warn("releasing the claims at close failed; they are taken over when their leases run out", e);
            }
        }
        synchronized (renewLock) {
            if (held.isEmpty()) {
                cancel(renewal);
                renewal = null;
            }
        }
        if (!drained) {
            LOG.warn("MessageBuffer closed with {} burst(s) not finished within {}", inFlight.get(), timeout);
        }
        return drained;
    }

    private boolean drained(boolean durable) {
        if (inFlight.get() != 0) {
            return false;
        }
        if (durable) {
            return true;
        }
        try {
            StoreStats stats = store.stats(clock.millis());
            return stats.pendingMessages() == 0 && stats.inFlight() == 0 && stats.expiredClaims() == 0;
        } catch (RuntimeException e) {
            return true;
        }
    }

    private static void cancel(ScheduledFuture<?> task) {
        if (task != null) {
            task.cancel(false);
        }
    }

    /** Arms the single timer for {@code due} unless it is already armed earlier. */
    private void arm(long due) {
        synchronized (armLock) {
            if (due >= armedAt || closed && store.isDurable()) {
                return;
            }
            if (armed != null) {
                armed.cancel(false);
            }
            armedAt = due;
            long delay = Math.max(0, due - clock.millis());
            try {
                armed = scheduler.schedule(this::tick, delay, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                armed = null;
                armedAt = NONE;
                LOG.error("the buffer's scheduler refused its timer; pending bursts wait for close()", e);
            }
        }
    }

    /** The polling task of a durable store: another instance may have made something due. */
    private void poll() {
        if (closed) {
            return;
        }
        try {
            long next = store.nextDeadline();
            if (next != NONE) {
                arm(next);
            }
        } catch (RuntimeException e) {
            LOG.debug("polling the store failed: {}", e.toString());
        }
    }

    /**
     * The retention task of a durable store: deletes answered bursts, finished reply parts and ledger
     * ids past their retention. Every instance runs it; the deletes are idempotent. A failure waits
     * for the next round.
     */
    private void purge() {
        if (closed) {
            return;
        }
        try {
            long deleted = store.purge(clock.millis());
            if (deleted > 0) {
                LOG.debug("purged {} finished row(s) from the state store", deleted);
            }
        } catch (RuntimeException e) {
            LOG.debug("purging the state store failed; trying again in the next round: {}", e.toString());
        }
    }

    /** The timer task: hands every due batch to the workers, then re-arms for the next deadline. */
    private void tick() {
        synchronized (tickLock) {
            synchronized (armLock) {
                armedAt = NONE;
                armed = null;
            }
            if (closed && store.isDurable()) {
                return;
            }
            long now = clock.millis();
            try {
                List<Claim> due;
                do {
                    due = store.claimDue(now, CLAIM_CHUNK, owner, now + leaseMillis);
                    for (Claim claim : due) {
                        dispatch(claim);
                    }
                } while (due.size() == CLAIM_CHUNK);
                long next = store.nextDeadline();
                if (next != NONE) {
                    arm(next);
                }
            } catch (RuntimeException e) {
                LOG.warn("claiming due bursts failed; retrying in {} ms: {}", RETRY_MILLIS, e.toString());
                arm(now + RETRY_MILLIS);
            }
        }
    }

    /**
     * Hands every pending burst to the processor. One claim for all of them: claiming in chunks would
     * rescan the conversations already in flight on every chunk, quadratic in the number pending.
     *
     * @return whether every burst claimed was taken by a worker
     */
    private boolean flushAll() {
        long now = clock.millis();
        boolean all = true;
        for (Claim claim : store.claimAll(now, Integer.MAX_VALUE, owner, now + leaseMillis)) {
            all &= dispatch(claim);
        }
        return all;
    }

    /** Hands {@code claim} to a worker; when refused gives it back to be claimed again; returns whether taken. */
    private boolean dispatch(Claim claim) {
        inFlight.incrementAndGet();
        held.put(claim.id(), claim);
        scheduleRenewal();
        try {
            executor.execute(() -> run(claim));
            return true;
        } catch (RejectedExecutionException e) {
            long retryAt = clock.millis() + RETRY_MILLIS;
            try {
                held.remove(claim.id());
                store.release(claim, retryAt);
            } catch (RuntimeException releaseError) {
                LOG.warn("giving back the burst of {} failed; it is taken over when its lease runs out",
                        claim.batch().key(), releaseError);
            } finally {
                inFlight.decrementAndGet();
                signalDrain();
            }
            LOG.warn("the worker executor refused the burst of {}; retrying in {} ms", claim.batch().key(),
                    RETRY_MILLIS);
            if (!closed) {
                arm(retryAt);
            }
            return false;
        }
    }

    private void run(Claim claim) {
        CompletionStage<?> stage;
        try {
            stage = processor.process(claim);
        } catch (RuntimeException | Error e) {
            stage = CompletableFuture.failedFuture(e);
        }
        if (stage == null) {
            stage = CompletableFuture.completedFuture(null);
        }
        stage.whenComplete((result, error) -> finish(claim, error));
    }

    private void finish(Claim claim, Throwable error) {
        try {
            Throwable cause = error instanceof CompletionException && error.getCause() != null
                    ? error.getCause() : error;
            long now = clock.millis();
            long next;
            if (cause instanceof ClaimLostException || lost.contains(claim.id())) {
                LOG.info("the burst of {} was taken over by another worker", claim.batch().key());
                next = NONE;
            } else if (cause instanceof StoreUnavailableException) {
                LOG.warn("the store failed while answering the burst of {}; it is claimed again in {} ms: {}",
                        claim.batch().key(), RETRY_MILLIS, cause.toString());
                next = store.release(claim, now + RETRY_MILLIS);
            } else {
                if (cause != null) {
                    LOG.error("the burst of {} completed with an error", claim.batch().key(), cause);
                }
                next = store.complete(claim, now);
            }
            if (closed && !store.isDurable()) {
                flushAll();
            } else if (next != NONE && next <= now && !closed) {
                // the next burst came due while this one was answered: hand it over from here rather
                // than through a timer armed for a moment that has passed (with a virtual scheduler,
                // such a timer would wait for the next advance)
                tick();
            } else if (next != NONE) {
                arm(next);
            }
        } catch (ClaimLostException e) {
            LOG.info("the burst of {} was taken over by another worker before it completed", claim.batch().key());
        } catch (RuntimeException e) {
            LOG.error("releasing the burst of {} failed; it is taken over when its lease runs out",
                    claim.batch().key(), e);
            arm(clock.millis() + leaseMillis);
        } finally {
            held.remove(claim.id());
            lost.remove(claim.id());
            inFlight.decrementAndGet();
            stopRenewalIfIdle();
            signalDrain();
        }
    }

    private void signalDrain() {
        synchronized (drainLock) {
            drainLock.notifyAll();
        }
    }

    /** Keeps one renewal task scheduled while claims are held. */
    private void scheduleRenewal() {
        synchronized (renewLock) {
            if (renewal != null) {
                return;
            }
            long every = Math.max(1, leaseMillis / 3);
            try {
                renewal = scheduler.schedule(this::renew, every, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                LOG.warn("the scheduler refused the lease renewal; long bursts may be taken over");
            }
        }
    }

    private void stopRenewalIfIdle() {
        synchronized (renewLock) {
            if (held.isEmpty() && renewal != null) {
                renewal.cancel(false);
                renewal = null;
            }
        }
    }

    /** Extends the leases of every claim held; notes those found lost. */
    private void renew() {
        synchronized (renewLock) {
            renewal = null;
        }
        List<Claim> mine = new ArrayList<>(held.values());
        if (mine.isEmpty()) {
            return;
        }
        try {
            for (Claim gone : store.renew(mine, clock.millis() + leaseMillis)) {
                lost.add(gone.id());
                held.remove(gone.id());
                LOG.warn("the burst of {} was taken over by another worker: its lease ran out", gone.batch().key());
            }
        } catch (RuntimeException e) {
            LOG.warn("renewing {} lease(s) failed; retrying: {}", mine.size(), e.toString());
        }
        if (!held.isEmpty()) {
            scheduleRenewal();
        }
    }

    /** Builds a {@link MessageBuffer}; not thread-safe. */
    public static final class Builder {
        private BufferPolicy policy = BufferPolicy.defaults();
        private StateStore store;
        private ClaimProcessor processor;
        private Executor executor;
        private ScheduledExecutorService scheduler;
        private Clock clock = Clock.systemUTC();
        private Duration closeTimeout = Duration.ofSeconds(30);
        private String owner;
        private boolean ownerSet;
        private Duration lease = Duration.ofSeconds(30);
        private Duration pollInterval = Duration.ofMillis(250);
        private Duration purgeInterval = Duration.ofMinutes(10);

        private Builder() {
        }

        /** Window, maximum wait and batch size of the default in-memory store; default {@link BufferPolicy#defaults()}. */
        public Builder policy(BufferPolicy policy) {
            this.policy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /** Another store (its own policy applies); default an {@link InMemoryStateStore} with {@link #policy}. */
        public Builder store(StateStore store) {
            this.store = Objects.requireNonNull(store, "store");
            return this;
        }

        /** Answers each batch. This or {@link #claimProcessor} is required. */
        public Builder processor(BatchProcessor processor) {
            Objects.requireNonNull(processor, "processor");
            this.processor = claim -> processor.process(claim.batch());
            return this;
        }

        /** Answers each claimed burst, seeing its progress. This or {@link #processor} is required. */
        public Builder claimProcessor(ClaimProcessor processor) {
            this.processor = Objects.requireNonNull(processor, "claimProcessor");
            return this;
        }

        /** Runs the processor. Required; its threads and lifecycle stay the caller's. */
        public Builder executor(Executor executor) {
            this.executor = Objects.requireNonNull(executor, "executor");
            return this;
        }

        /** Runs the timer, lease renewal and polling tasks. Required; stays the caller's (never shut down by the buffer). */
        public Builder scheduler(ScheduledExecutorService scheduler) {
            this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
            return this;
        }

        /** Arrival times and deadlines; default {@link Clock#systemUTC()}. Must match the scheduler's time. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** How long {@link MessageBuffer#close()} waits for batches in flight; default 30 s. */
        public Builder closeTimeout(Duration timeout) {
            this.closeTimeout = timeout;
            return this;
        }

        /** This instance's id in the store's claims; default the process id and a random suffix. */
        public Builder owner(String owner) {
            this.owner = owner;
            this.ownerSet = true;
            return this;
        }

        /**
         * How long a claim lasts unless renewed (renewed every third of it); default 30 s. A burst
         * whose worker died is taken over after at most this long.
         */
        public Builder lease(Duration lease) {
            this.lease = lease;
            return this;
        }

        /** How often a durable store is asked for due bursts besides its wake-ups; default 250 ms. */
        public Builder pollInterval(Duration interval) {
            this.pollInterval = interval;
            return this;
        }

        /**
         * How often a durable store's finished rows and old ledger ids are deleted
         * ({@link StateStore#purge}); default 10 minutes.
         */
        public Builder purgeInterval(Duration interval) {
            this.purgeInterval = interval;
            return this;
        }

        /**
         * Builds the buffer.
         *
         * @throws IllegalArgumentException listing every missing or invalid value
         */
        public MessageBuffer build() {
            new SettingsCheck("MessageBuffer")
                    .problemIf(processor == null, "processor", "is required: call processor(...) or claimProcessor(...)")
                    .problemIf(executor == null, "executor", "is required: call executor(...)")
                    .problemIf(scheduler == null, "scheduler", "is required: call scheduler(...)")
                    .problemIf(closeTimeout == null || closeTimeout.isNegative(), "closeTimeout",
                            "must not be negative, was " + closeTimeout)
                    .problemIf(ownerSet && (owner == null || owner.isBlank()), "owner", "must not be blank")
                    .problemIf(lease == null || lease.toMillis() < 3, "lease", "must be at least 3 ms, was " + lease)
                    .positive("pollInterval", pollInterval == null ? Duration.ZERO : Duration.ofMillis(pollInterval.toMillis()))
                    .positive("purgeInterval", purgeInterval == null ? Duration.ZERO : Duration.ofMillis(purgeInterval.toMillis()))
                    .done();
            return new MessageBuffer(this);
        }
    }
}
