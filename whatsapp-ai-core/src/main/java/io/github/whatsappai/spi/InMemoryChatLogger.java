package io.github.whatsappai.spi;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A {@link ChatLogger} that keeps entries in memory, in the order they were logged: for the demo
 * and for tests that assert what was logged.
 *
 * <p>Idempotent on {@link ChatLogEntry#idempotencyKey()}: an entry whose key is already kept is
 * ignored (the first one stays). Thread-safe. Bounded: beyond {@link #DEFAULT_CAPACITY} (or the given
 * capacity) entries the oldest are dropped, and a key dropped that way is no longer recognised.
 */
public final class InMemoryChatLogger implements ChatLogger {

    /** Entries kept by default. */
    public static final int DEFAULT_CAPACITY = 100_000;

    private final int capacity;
    private final LinkedHashMap<String, ChatLogEntry> entries = new LinkedHashMap<>();

    /** A logger keeping up to {@link #DEFAULT_CAPACITY} entries. */
    public InMemoryChatLogger() {
        this(DEFAULT_CAPACITY);
    }

    /** A logger keeping up to {@code capacity} entries (positive). */
    public InMemoryChatLogger(int capacity) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("capacity must be positive, was " + capacity);
        }
        this.capacity = capacity;
    }

    @Override
    public void log(List<ChatLogEntry> newEntries) {
        Objects.requireNonNull(newEntries, "entries");
        newEntries.forEach(e -> Objects.requireNonNull(e, "entry"));
        synchronized (entries) {
            for (ChatLogEntry e : newEntries) {
                entries.putIfAbsent(e.idempotencyKey(), e);
            }
            Iterator<Map.Entry<String, ChatLogEntry>> it = entries.entrySet().iterator();
            while (entries.size() > capacity && it.hasNext()) {
                it.next();
                it.remove();
            }
        }
    }

    /** Every kept entry, oldest first (a copy). */
    public List<ChatLogEntry> entries() {
        synchronized (entries) {
            return new ArrayList<>(entries.values());
        }
    }

    /** The kept entries of one user, oldest first. */
    public List<ChatLogEntry> entriesFor(String userId) {
        synchronized (entries) {
            return entries.values().stream().filter(e -> e.userId().equals(userId)).toList();
        }
    }

    /** The kept entries of one session, oldest first. */
    public List<ChatLogEntry> entriesForSession(String sessionId) {
        synchronized (entries) {
            return entries.values().stream().filter(e -> e.sessionId().equals(sessionId)).toList();
        }
    }

    /** How many entries are kept. */
    public int size() {
        synchronized (entries) {
            return entries.size();
        }
    }

    /** Forgets every entry. */
    public void clear() {
        synchronized (entries) {
            entries.clear();
        }
    }
}
