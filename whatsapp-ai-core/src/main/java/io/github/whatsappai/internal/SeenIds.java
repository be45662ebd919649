package io.github.whatsappai.internal;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Ids already seen, for de-duplication: atomic put-if-absent, each id kept for a retention and the
 * whole bounded by count. Used for the in-memory delivery ledger and for the status ids on the
 * request path. Thread-safe and lock-free: it sits on the webhook request thread, where a thread
 * that waited for a lock held by a preempted thread would add tens of milliseconds on a busy machine.
 *
 * <p>When full, the <em>oldest</em> id is forgotten first. That is the property de-duplication
 * needs: Meta redelivers recent messages, so the newest ids must be the last to go. (A
 * frequency-based cache such as W-TinyLFU refuses to admit new one-hit keys once full, forgetting an
 * id almost as soon as it was accepted.) A concurrent map answers "seen?" atomically; a queue keeps
 * the ids in the order they were first seen, and expiry and eviction both take from its head. A
 * queue entry whose id was forgotten or seen anew after expiring no longer matches the map and is
 * skipped, so every operation is O(1) amortised.
 *
 * <p>Times are plain {@code long}s in whatever unit the caller chooses (milliseconds of a clock, or
 * nanoseconds of a ticker); the retention is in the same unit.
 *
 * @param <K> the owner an id can be recorded for (a conversation, for erasure); {@link Void} when unused
 */
public final class SeenIds<K> {

    private final ConcurrentHashMap<String, Seen<K>> seenAt;
    private final ConcurrentLinkedQueue<Seen<K>> order = new ConcurrentLinkedQueue<>();
    private final AtomicInteger size = new AtomicInteger();
    private final int capacity;
    private final long retention;

    /**
     * One sighting. Compared by identity, so a queue entry matches only the very sighting it was made
     * for, never a later sighting of the same id at the same instant.
     */
    private static final class Seen<K> {
        final String id;
        final long at;
        final K owner;

        Seen(String id, long at, K owner) {
            this.id = id;
            this.at = at;
            this.owner = owner;
        }
    }

    /**
     * @param capacity  how many ids at most are remembered
     * @param retention how long an id is remembered, in the unit of the times passed in
     * @throws IllegalArgumentException unless both are positive
     */
    public SeenIds(int capacity, long retention) {
        if (capacity <= 0 || retention <= 0) {
            throw new IllegalArgumentException("seen-id capacity and retention must be positive, were "
                    + capacity + " and " + retention);
        }
        this.capacity = capacity;
        this.retention = retention;
        this.seenAt = new ConcurrentHashMap<>(Math.min(capacity, 1 << 16));
    }

    /** Records {@code id} at {@code now}; {@code true} the first time it is seen within the retention. */
    public boolean firstSighting(String id, long now) {
        return firstSighting(id, now, null);
    }

    /** Records {@code id} at {@code now} for {@code owner} (may be {@code null}); as {@link #firstSighting(String, long)}. */
    public boolean firstSighting(String id, long now, K owner) {
        expire(now);
        Seen<K> sighting = new Seen<>(id, now, owner);
        Seen<K> previous = seenAt.putIfAbsent(id, sighting);
        if (previous != null) {
            if (now - previous.at < retention || !seenAt.replace(id, previous, sighting)) {
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

    /** Forgets {@code id}, so that its redelivery is accepted again (after a failed hand-off). */
    public void forget(String id) {
        if (seenAt.remove(id) != null) {
            size.decrementAndGet();
        }
    }

    /** Whether {@code id} is remembered. */
    public boolean contains(String id) {
        return seenAt.containsKey(id);
    }

    /** Forgets every id recorded for {@code owner}; returns how many. O(size): for erasure only. */
    public long forgetAll(K owner) {
        long removed = 0;
        for (Seen<K> seen : seenAt.values()) {
            if (owner.equals(seen.owner) && seenAt.remove(seen.id, seen)) {
                size.decrementAndGet();
                removed++;
            }
        }
        return removed;
    }

    /** How many ids are remembered. */
    public int size() {
        return size.get();
    }

    /** Drops the ids first seen a retention ago or earlier (they are at the head of the queue); returns how many. */
    public long expire(long now) {
        long removed = 0;
        for (Seen<K> head = order.peek(); head != null && now - head.at >= retention; head = order.peek()) {
            if (order.remove(head) && seenAt.remove(head.id, head)) {
                size.decrementAndGet();
                removed++;
            }
        }
        return removed;
    }

    /** Drops the oldest id still remembered, skipping queue entries that no longer match. */
    private void evictEldest() {
        for (Seen<K> head = order.poll(); head != null; head = order.poll()) {
            if (seenAt.remove(head.id, head)) {
                size.decrementAndGet();
                return;
            }
        }
    }
}
