package io.github.whatsappai.buffer;

import io.github.whatsappai.store.Batch;
import io.github.whatsappai.store.BufferPolicy;

import io.github.whatsappai.webhook.model.ConversationKey;
import io.github.whatsappai.webhook.model.InboundMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Merges each conversation's burst of messages into one {@link Batch} and hands it to a
 * {@link BatchProcessor} on a worker.
 *
 * <p>Per conversation ({@link ConversationKey}): a quiet window (default 15 s) restarted by every new
 * message, a maximum wait after the burst's first message (default 60 s) and a maximum batch size
 * (default 20) that makes the batch due at once; messages are ordered by timestamp, then arrival
 * (see {@link BufferPolicy}). One batch per conversation is processed at a time: messages arriving
 * while a batch is being answered collect into the next batch, handed over only after the current
 * one's stage completes. No message is dropped.
 *
 * <p>One timer serves all conversations: the buffer keeps a single task armed on the injected
 * scheduler for the earliest deadline of its {@link PendingStore}; a pending conversation costs a
 * small entry in the store, never a thread or a scheduled task. The timer task only claims due
 * batches and hands them to the worker executor; processing runs there. Time comes from the injected
 * {@link Clock}, so a test with a {@code VirtualScheduler} and a {@code ManualClock} advances 15
 * seconds instantly.
 *
 * <p>Thread-safe. {@link #add} may be called from any number of request threads and does not block
 * beyond the store's append. {@link #close()} flushes everything pending at once and waits, bounded
 * by the close timeout (real time), for the batches in flight; afterwards {@link #add} is refused.
 */
public final class MessageBuffer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MessageBuffer.class);
    private static final long NONE = PendingStore.NONE;
    /** Batches claimed per store call by the timer task. */
    private static final int CLAIM_CHUNK = 4096;
    /** Delay before retrying when the worker executor refused a batch or the store failed. */
    private static final long RETRY_MILLIS = 1000;

    private final PendingStore store;
    private final BatchProcessor processor;
    private final Executor executor;
    private final ScheduledExecutorService scheduler;
    private final Clock clock;
    private final Duration closeTimeout;

    private final Object armLock = new Object();
    private final Object tickLock = new Object();
    private final Object drainLock = new Object();
    private ScheduledFuture<?> armed;
    private volatile long armedAt = NONE;
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile boolean closed;

    private MessageBuffer(Builder b) {
        this.store = b.store != null ? b.store : new InMemoryPendingStore(b.policy);
        this.processor = Objects.requireNonNull(b.processor, "processor");
        this.executor = Objects.requireNonNull(b.executor, "executor");
        this.scheduler = Objects.requireNonNull(b.scheduler, "scheduler");
        this.clock = b.clock;
        this.closeTimeout = b.closeTimeout;
    }

    /** A builder; the processor, the worker executor and the scheduler are required. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Adds an accepted message to its conversation's burst. Quick and non-blocking: the message is in
     * the store when this returns.
     *
     * @throws IllegalStateException after {@link #close()}
     */
    public void add(InboundMessage message) {
        Objects.requireNonNull(message, "message");
        if (closed) {
            throw new IllegalStateException("the MessageBuffer is closed");
        }
        long due = store.append(ConversationKey.of(message), message, clock.millis());
        if (closed) {
            flushAll();
        } else if (due < armedAt) {
            arm(due);
        }
    }

    /** The rules deciding when a burst is due. */
    public BufferPolicy policy() {
        return store.policy();
    }

    /** Conversations with messages pending or a batch in flight. */
    public int pendingConversations() {
        return store.size();
    }

    /** Batches handed to the processor whose stage has not completed yet. */
    public int batchesInFlight() {
        return inFlight.get();
    }

    /** Flushes everything pending and waits for batches in flight, at most the close timeout. */
    @Override
    public void close() {
        close(closeTimeout);
    }

    /**
     * Stops accepting messages, hands every pending burst to the processor at once and waits up to
     * {@code timeout} (real time) for all batches, including bursts collected meanwhile, to complete.
     *
     * @return whether everything completed within the timeout
     */
    public boolean close(Duration timeout) {
        closed = true;
        flushAll();
        long deadline = System.nanoTime() + timeout.toNanos();
        boolean drained;
        synchronized (drainLock) {
            while (!(drained = inFlight.get() == 0 && store.isEmpty())) {
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
            if (armed != null) {
                armed.cancel(false);
                armed = null;
            }
            armedAt = NONE;
        }
        if (!drained) {
            LOG.warn("MessageBuffer closed with {} conversation(s) not finished within {}", store.size(), timeout);
        }
        return drained;
    }

    /** Arms the single timer for {@code due} unless it is already armed earlier. */
    private void arm(long due) {
        synchronized (armLock) {
            if (due >= armedAt) {
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

    /** The timer task: hands every due batch to the workers, then re-arms for the next deadline. */
    private void tick() {
        synchronized (tickLock) {
            synchronized (armLock) {
                armedAt = NONE;
                armed = null;
            }
            long now = clock.millis();
            try {
                List<Batch> due;
                do {
                    due = store.claimDue(now, CLAIM_CHUNK);
                    for (Batch batch : due) {
                        dispatch(batch);
                    }
                } while (due.size() == CLAIM_CHUNK);
                long next = store.nextDeadline();
                if (next != NONE) {
                    arm(next);
                }
            } catch (RuntimeException e) {
                LOG.error("claiming due bursts failed; retrying in {} ms", RETRY_MILLIS, e);
                arm(now + RETRY_MILLIS);
            }
        }
    }

    /**
     * Hands every pending burst to the processor. One claim for all of them: claiming in chunks would
     * rescan the conversations already in flight on every chunk, quadratic in the number pending.
     */
    private void flushAll() {
        for (Batch batch : store.claimAll(clock.millis(), Integer.MAX_VALUE)) {
            dispatch(batch);
        }
    }

    private void dispatch(Batch batch) {
        inFlight.incrementAndGet();
        try {
            executor.execute(() -> run(batch));
        } catch (RejectedExecutionException e) {
            long due;
            try {
                due = store.abandon(batch, clock.millis() + RETRY_MILLIS);
            } finally {
                inFlight.decrementAndGet();
            }
            LOG.warn("the worker executor refused the burst of {}; retrying in {} ms", batch.key(), RETRY_MILLIS);
            if (due != NONE && !closed) {
                arm(due);
            }
        }
    }

    private void run(Batch batch) {
        CompletionStage<?> stage;
        try {
            stage = processor.process(batch);
        } catch (RuntimeException | Error e) {
            LOG.error("the batch processor failed for {}", batch.key(), e);
            stage = null;
        }
        if (stage == null) {
            stage = CompletableFuture.completedFuture(null);
        }
        stage.whenComplete((result, error) -> finish(batch, error));
    }

    private void finish(Batch batch, Throwable error) {
        try {
            if (error != null) {
                LOG.warn("the burst of {} completed with an error", batch.key(), error);
            }
            long next = store.complete(batch);
            if (closed) {
                flushAll();
            } else if (next != NONE && next <= clock.millis()) {
                // the next burst came due while this one was answered: hand it over from here rather
                // than through a timer armed for a moment that has passed (with a virtual scheduler,
                // such a timer would wait for the next advance)
                tick();
            } else if (next != NONE) {
                arm(next);
            }
        } catch (RuntimeException e) {
            LOG.error("releasing the burst of {} failed", batch.key(), e);
        } finally {
            inFlight.decrementAndGet();
            synchronized (drainLock) {
                drainLock.notifyAll();
            }
        }
    }

    /** Builds a {@link MessageBuffer}; not thread-safe. */
    public static final class Builder {
        private BufferPolicy policy = BufferPolicy.defaults();
        private PendingStore store;
        private BatchProcessor processor;
        private Executor executor;
        private ScheduledExecutorService scheduler;
        private Clock clock = Clock.systemUTC();
        private Duration closeTimeout = Duration.ofSeconds(30);

        private Builder() {
        }

        /** Window, maximum wait and batch size of the default in-memory store; default {@link BufferPolicy#defaults()}. */
        public Builder policy(BufferPolicy policy) {
            this.policy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /** Another store (its own policy applies); default an {@link InMemoryPendingStore} with {@link #policy}. */
        public Builder store(PendingStore store) {
            this.store = Objects.requireNonNull(store, "store");
            return this;
        }

        /** Answers each batch. Required. */
        public Builder processor(BatchProcessor processor) {
            this.processor = Objects.requireNonNull(processor, "processor");
            return this;
        }

        /** Runs {@link BatchProcessor#process}. Required; its threads and lifecycle stay the caller's. */
        public Builder executor(Executor executor) {
            this.executor = Objects.requireNonNull(executor, "executor");
            return this;
        }

        /** Runs the single timer task. Required; stays the caller's (never shut down by the buffer). */
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
            if (timeout.isNegative()) {
                throw new IllegalArgumentException("closeTimeout must not be negative, was " + timeout);
            }
            this.closeTimeout = timeout;
            return this;
        }

        /** Builds the buffer. @throws NullPointerException when the processor, executor or scheduler is missing */
        public MessageBuffer build() {
            return new MessageBuffer(this);
        }
    }
}
