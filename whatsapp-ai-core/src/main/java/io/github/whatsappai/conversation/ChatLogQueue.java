package io.github.whatsappai.conversation;

import io.github.whatsappai.event.Event;
import io.github.whatsappai.spi.ChatLogEntry;
import io.github.whatsappai.spi.ChatLogger;
import io.github.whatsappai.webhook.model.ConversationKey;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Writes chat-log entries so that a failing {@link ChatLogger} never blocks a reply: entries that could
 * not be written wait in a bounded queue, retried with exponential backoff (on the workers, timed by
 * the scheduler) until the logger recovers. While entries wait, new ones queue behind them, so the
 * log keeps its order. When the queue is full the oldest entries are dropped and reported. Thread-safe.
 */
final class ChatLogQueue {

    /** Entries written per retry call. */
    private static final int CHUNK = 100;

    private final ChatLogger logger;
    private final int capacity;
    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final ScheduledExecutorService scheduler;
    private final Executor workers;
    private final Consumer<Event> events;

    private final ArrayDeque<ChatLogEntry> waiting = new ArrayDeque<>();
    private boolean retryScheduled;
    private int failedAttempts;

    ChatLogQueue(ChatLogger logger, int capacity, Duration initialBackoff, Duration maxBackoff,
                 ScheduledExecutorService scheduler, Executor workers, Consumer<Event> events) {
        this.logger = logger;
        this.capacity = capacity;
        this.initialBackoff = initialBackoff;
        this.maxBackoff = maxBackoff;
        this.scheduler = scheduler;
        this.workers = workers;
        this.events = events;
    }

    /** Writes {@code entries} now, or queues them behind entries still waiting. Never throws. */
    void log(ConversationKey key, List<ChatLogEntry> entries) {
        if (entries.isEmpty()) {
            return;
        }
        int dropped;
        synchronized (this) {
            dropped = waiting.isEmpty() ? -1 : enqueue(entries);
        }
        if (dropped < 0) {
            try {
                logger.log(entries);
                return;
            } catch (RuntimeException e) {
                int attempt;
                synchronized (this) {
                    dropped = enqueue(entries);
                    attempt = ++failedAttempts;
                }
                events.accept(new Event.SpiFailed("ChatLogger", key, e, attempt, true));
                scheduleRetry();
            }
        }
        if (dropped > 0) {
            events.accept(new Event.ChatLogDropped(dropped, "the chat-log retry queue is full (capacity "
                    + capacity + ")"));
        }
    }

    /** Entries waiting for the logger to recover. */
    synchronized int waiting() {
        return waiting.size();
    }

    /** Tries once more to write what waits; reports whatever is still left as dropped. */
    void close() {
        flush(false);
        int left;
        synchronized (this) {
            left = waiting.size();
            waiting.clear();
        }
        if (left > 0) {
            events.accept(new Event.ChatLogDropped(left, "the engine closed while the chat logger was failing"));
        }
    }

    /** Called holding the monitor: queues the entries, dropping the oldest beyond capacity; returns how many were dropped. */
    private int enqueue(List<ChatLogEntry> entries) {
        waiting.addAll(entries);
        int dropped = 0;
        while (waiting.size() > capacity) {
            waiting.pollFirst();
            dropped++;
        }
        return dropped;
    }

    private void scheduleRetry() {
        long delayMillis;
        synchronized (this) {
            if (retryScheduled || waiting.isEmpty()) {
                return;
            }
            retryScheduled = true;
            int exponent = Math.min(Math.max(failedAttempts - 1, 0), 20);
            delayMillis = Math.min(initialBackoff.toMillis() << exponent, maxBackoff.toMillis());
        }
        try {
            scheduler.schedule(() -> workers.execute(this::retry), delayMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            synchronized (this) {
                retryScheduled = false;
            }
        }
    }

    private void retry() {
        synchronized (this) {
            retryScheduled = false;
        }
        if (flush(true)) {
            return;
        }
        scheduleRetry();
    }

    /** Writes waiting entries chunk by chunk; returns whether the queue was emptied. */
    private boolean flush(boolean report) {
        while (true) {
            List<ChatLogEntry> chunk;
            synchronized (this) {
                if (waiting.isEmpty()) {
                    failedAttempts = 0;
                    return true;
                }
                chunk = new ArrayList<>(Math.min(CHUNK, waiting.size()));
                for (ChatLogEntry e : waiting) {
                    if (chunk.size() == CHUNK) {
                        break;
                    }
                    chunk.add(e);
                }
            }
            try {
                logger.log(chunk);
            } catch (RuntimeException e) {
                int attempt;
                synchronized (this) {
                    attempt = ++failedAttempts;
                }
                if (report) {
                    events.accept(new Event.SpiFailed("ChatLogger", null, e, attempt, true));
                }
                return false;
            }
            synchronized (this) {
                for (ChatLogEntry written : chunk) {
                    if (waiting.peekFirst() == written) {
                        waiting.pollFirst();
                    }
                }
            }
        }
    }
}
