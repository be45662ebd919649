package io.github.whatsappai.internal.conversation;

import io.github.whatsappai.event.Event;
import io.github.whatsappai.internal.retry.Backoff;
import io.github.whatsappai.spi.ChatLogEntry;
import io.github.whatsappai.spi.ChatLogger;
import io.github.whatsappai.store.StateStore;
import io.github.whatsappai.webhook.model.ConversationKey;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Writes chat-log entries so that a failing {@link ChatLogger} never blocks a reply: entries that
 * could not be written are deferred in the {@link StateStore} ({@link StateStore#deferLogs},
 * idempotent per entry) and retried with exponential backoff (on the workers, timed by the
 * scheduler) until the logger takes them. While entries wait, new ones are deferred behind them, so
 * the log keeps its order. A durable store keeps them across restarts (retried from the start); the
 * in-memory store is bounded and reports what it drops. Thread-safe.
 */
final class ChatLogQueue {

    /** Entries written per retry call. */
    private static final int CHUNK = 100;

    private final ChatLogger logger;
    private final StateStore store;
    private final Backoff backoff;
    private final ScheduledExecutorService scheduler;
    private final Executor workers;
    private final Clock clock;
    private final Consumer<Event> events;

    /** Whether deferred entries may be waiting; guarded by this. */
    private boolean waiting;
    private boolean retryScheduled;
    private int failedAttempts;

    ChatLogQueue(ChatLogger logger, StateStore store, Backoff backoff,
                 ScheduledExecutorService scheduler, Executor workers, Clock clock, Consumer<Event> events) {
        this.logger = logger;
        this.store = store;
        this.backoff = backoff;
        this.scheduler = scheduler;
        this.workers = workers;
        this.clock = clock;
        this.events = events;
        if (store.isDurable()) {
            // entries deferred before a restart
            synchronized (this) {
                waiting = true;
            }
            scheduleRetry();
        }
    }

    /** Writes {@code entries} now, or defers them behind entries still waiting. Never throws. */
    void log(ConversationKey key, List<ChatLogEntry> entries) {
        if (entries.isEmpty()) {
            return;
        }
        boolean behind;
        synchronized (this) {
            behind = waiting;
        }
        if (behind) {
            defer(entries);
            scheduleRetry();
            return;
        }
        try {
            logger.log(entries);
        } catch (RuntimeException e) {
            defer(entries);
            int attempt;
            synchronized (this) {
                attempt = ++failedAttempts;
            }
            events.accept(new Event.SpiFailed("ChatLogger", key, e, attempt, true));
            scheduleRetry();
        }
    }

    /** Entries waiting for the logger to recover. */
    int waiting() {
        return (int) Math.min(Integer.MAX_VALUE, store.stats(clock.millis()).deferredLogs());
    }

    /**
     * Tries once more to write what waits. In memory, whatever is still left is reported as dropped; a
     * durable store keeps it for the next start.
     */
    void close() {
        flush(false);
        if (store.isDurable()) {
            return;
        }
        int left = 0;
        List<ChatLogEntry> rest;
        while (!(rest = store.deferredLogs(CHUNK)).isEmpty()) {
            left += rest.size();
            store.removeDeferredLogs(keys(rest));
        }
        if (left > 0) {
            events.accept(new Event.ChatLogDropped(left, "the engine closed while the chat logger was failing"));
        }
    }

    private void defer(List<ChatLogEntry> entries) {
        try {
            store.deferLogs(entries, clock.millis());
            synchronized (this) {
                waiting = true;
            }
        } catch (RuntimeException storeDown) {
            events.accept(new Event.ChatLogDropped(entries.size(), "the chat logger and the state store both failed: "
                    + storeDown.getMessage()));
        }
    }

    private void scheduleRetry() {
        long delayMillis;
        synchronized (this) {
            if (retryScheduled || !waiting) {
                return;
            }
            retryScheduled = true;
            delayMillis = backoff.delay(Math.max(failedAttempts, 1), null).toMillis();
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
        if (!flush(true)) {
            scheduleRetry();
        }
    }

    /** Writes deferred entries chunk by chunk; returns whether none is left. */
    private boolean flush(boolean report) {
        while (true) {
            List<ChatLogEntry> chunk;
            try {
                chunk = store.deferredLogs(CHUNK);
            } catch (RuntimeException storeDown) {
                synchronized (this) {
                    failedAttempts++;
                }
                return false;
            }
            if (chunk.isEmpty()) {
                synchronized (this) {
                    waiting = false;
                    failedAttempts = 0;
                }
                return true;
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
            try {
                store.removeDeferredLogs(keys(chunk));
            } catch (RuntimeException storeDown) {
                // written but still deferred: written again later, idempotent per key
                return false;
            }
        }
    }

    private static List<String> keys(List<ChatLogEntry> entries) {
        List<String> keys = new ArrayList<>(entries.size());
        for (ChatLogEntry e : entries) {
            keys.add(e.idempotencyKey());
        }
        return keys;
    }
}
