package io.github.whatsappai.store;

import io.github.whatsappai.webhook.model.ConversationKey;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The in-memory delivery ledger: message ids seen, atomic put-if-absent, each id kept for the
 * retention and bounded by count. Thread-safe and lock-free: it sits on the webhook request thread,
 * where a thread that waited for a lock held by a preempted thread would add tens of milliseconds on
 * a busy machine.
 *
 * <p>When full, the <em>oldest</em> id is forgotten first. That is the property de-duplication
 * needs: Meta redelivers recent messages, so the newest ids must be the last to go. (A
 * frequency-based cache would refuse to admit new one-hit keys once full, forgetting an id almost as
 * soon as it was accepted.) A concurrent map answers "seen?" atomically; a queue keeps the ids in the
 * order they were first seen, and expiry and eviction both take from its head. A queue entry whose id
 * was forgotten or seen anew after expiring no longer matches the map and is skipped, so every
 * operation is O(1) amortised.
 */
final class Ledger {

    private final ConcurrentHashMap<String, Seen> seenAt;
    private final ConcurrentLinkedQueue<Seen> order = new ConcurrentLinkedQueue<>();
    private final AtomicInteger size = new AtomicInteger();
    private final int capacity;
    private final long retentionMillis;

    /**
     * One sighting. Compared by identity, so a queue entry matches only the very sighting it was made
     * for, never a later sighting of the same id at the same instant.
     */
    static final class Seen {
        final String id;
        final long at;
        /** The conversation a buffered message belongs to (for erasure), or {@code null}. */
        final ConversationKey key;

        Seen(String id, long at, ConversationKey key) {
            this.id = id;
            this.at = at;
            this.key = key;
        }
    }

    Ledger(int capacity, long retentionMillis) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("ledger capacity must be positive, was " + capacity);
        }
        if (retentionMillis <= 0) {
            throw new IllegalArgumentException("ledger retention must be positive, was " + retentionMillis + " ms");
        }
        this.capacity = capacity;
        this.retentionMillis = retentionMillis;
        this.seenAt = new ConcurrentHashMap<>(Math.min(capacity, 1 << 16));
    }

    /** Records {@code id} at {@code now}; {@code true} the first time it is seen within the retention. */
    boolean firstSighting(String id, long now, ConversationKey key) {
        expire(now);
        Seen sighting = new Seen(id, now, key);
        Seen previous = seenAt.putIfAbsent(id, sighting);
        if (previous != null) {
            if (now - previous.at < retentionMillis || !seenAt.replace(id, previous, sighting)) {
                return false;
            }
            order.add(sighting);
            return true;
        }
        order.add(sighting);
        if (size.incrementAndGet() > capacity) {
            evictEldest();
        }
        return true;
    }

    /** Forgets {@code id}, so that its redelivery is accepted again. */
    void forget(String id) {
        if (seenAt.remove(id) != null) {
            size.decrementAndGet();
        }
    }

    /** Whether {@code id} is remembered. */
    boolean contains(String id) {
        return seenAt.containsKey(id);
    }

    /** Forgets every id recorded for {@code key}; returns how many. O(ledger size): for erasure only. */
    long forgetAll(ConversationKey key) {
        long removed = 0;
        for (Seen seen : seenAt.values()) {
            if (key.equals(seen.key) && seenAt.remove(seen.id, seen)) {
                size.decrementAndGet();
                removed++;
            }
        }
        return removed;
    }

    /** How many ids are remembered. */
    int size() {
        return size.get();
    }

    /** Drops the ids first seen a retention ago or earlier: they are at the head of the queue. */
    long expire(long now) {
        long removed = 0;
        for (Seen head = order.peek(); head != null && now - head.at >= retentionMillis; head = order.peek()) {
            if (order.remove(head) && seenAt.remove(head.id, head)) {
                size.decrementAndGet();
                removed++;
            }
        }
        return removed;
    }

    /** Drops the oldest id still remembered, skipping queue entries that no longer match. */
    private void evictEldest() {
        for (Seen head = order.poll(); head != null; head = order.poll()) {
            if (seenAt.remove(head.id, head)) {
                size.decrementAndGet();
                return;
            }
        }
    }
}
