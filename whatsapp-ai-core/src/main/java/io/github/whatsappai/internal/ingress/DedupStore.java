package io.github.whatsappai.internal.ingress;

import java.util.function.LongSupplier;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Remembers ids already seen: atomic put-if-absent, bounded by count, each id kept for a window
 * (the stale-message age plus a margin, so a redelivery is caught either here or by the stale
 * guard). Thread-safe and lock-free: it sits on the webhook request thread, where a thread that
 * waited for a lock held by a preempted thread would add tens of milliseconds on a busy machine.
 *
 * <p>When full, the <em>oldest</em> id is forgotten first. That is the property de-duplication
 * needs: Meta redelivers recent messages, so the newest ids must be the last to go. (A frequency-based
 * cache such as Caffeine's W-TinyLFU refuses to admit new one-hit keys once full, which would forget an
 * id almost as soon as it was accepted.) A concurrent map answers "seen?" atomically; a queue keeps
 * the ids in the order they were first seen, and expiry and eviction both take from its head. A queue
 * entry whose id was forgotten or seen anew after expiring no longer matches the map and is skipped,
 * so every operation is O(1) amortised.
 */
final class DedupStore {

    private final ConcurrentHashMap<String, Seen> seenAt;
    private final ConcurrentLinkedQueue<Seen> order = new ConcurrentLinkedQueue<>();
    private final AtomicInteger size = new AtomicInteger();
    private final int capacity;
    private final long windowNanos;
    private final LongSupplier ticker;

    /**
     * One sighting. Compared by identity, so a queue entry matches only the very sighting it was made
     * for, never a later sighting of the same id at the same instant.
     */
    private static final class Seen {
        final String id;
        final long at;

        Seen(String id, long at) {
            this.id = id;
            this.at = at;
        }
    }

    DedupStore(int capacity, Duration window, LongSupplier ticker) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("capacity must be positive, was " + capacity);
        }
        this.capacity = capacity;
        this.windowNanos = window.toNanos();
        this.ticker = ticker;
        this.seenAt = new ConcurrentHashMap<>(Math.min(capacity, 1 << 16));
    }

    /** Records {@code id}; {@code true} the first time it is seen within the window. */
    boolean firstSighting(String id) {
        long now = ticker.getAsLong();
        expire(now);
        Seen sighting = new Seen(id, now);
        Seen previous = seenAt.putIfAbsent(id, sighting);
        if (previous != null) {
            if (now - previous.at < windowNanos || !seenAt.replace(id, previous, sighting)) {
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

    /** Forgets {@code id}, so its redelivery is processed again (after a failed hand-off). */
    void forget(String id) {
        if (seenAt.remove(id) != null) {
            size.decrementAndGet();
        }
    }

    /** How many ids are remembered; for tests. */
    int size() {
        return size.get();
    }

    /** Drops the ids first seen a window ago or earlier: they are at the head of the queue. */
    private void expire(long now) {
        for (Seen head = order.peek(); head != null && now - head.at >= windowNanos; head = order.peek()) {
            if (order.remove(head) && seenAt.remove(head.id, head)) {
                size.decrementAndGet();
            }
        }
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
