package io.github.whatsappai.internal.ingress;

import java.util.function.LongSupplier;
import io.github.whatsappai.webhook.model.ConversationKey;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One token bucket per conversation key: {@code perMinute} tokens, refilled continuously at
 * {@code perMinute} per minute. Over the limit, the first refusal in a minute asks for a notice and
 * later ones are silent. A bucket idle for two minutes is full again and its notice window is over,
 * so it behaves exactly like a new one: such buckets are dropped, at the latest two minutes after
 * they became idle. At most about {@value #MAX_SENDERS} buckets are kept; when full, the bucket
 * created longest ago goes first (its sender simply starts again with a full bucket). Thread-safe;
 * time comes from the injected ticker.
 *
 * <p>No lock is shared between senders: a concurrent map finds the bucket and each bucket guards its
 * own numbers, so only messages of the same sender ever wait for each other (on the webhook request
 * thread, a thread waiting for a lock held by a preempted thread would add tens of milliseconds on a
 * busy machine). The map is never reordered on access (an access-ordered structure rewrites links
 * between long-lived entries on every call, which leaves the garbage collector many dirty cards to
 * scan at each young collection). A queue keeps the buckets in creation order for the bound; once per
 * idle period, the caller that finds the sweep due drops the idle buckets in one pass.
 */
final class SenderRateLimiter {

    static final int MAX_SENDERS = 100_000;
    static final Duration IDLE_EXPIRY = Duration.ofMinutes(2);
    private static final long MINUTE_NANOS = Duration.ofMinutes(1).toNanos();

    /** The verdict for one message. */
    enum Decision { ALLOWED, REFUSED_NOTIFY, REFUSED_SILENT }

    private final int perMinute;
    private final int maxSenders;
    private final long idleNanos;
    private final LongSupplier ticker;
    private final ConcurrentHashMap<ConversationKey, Bucket> buckets = new ConcurrentHashMap<>();
    /** Buckets in creation order; entries of buckets already dropped are skipped. */
    private final ConcurrentLinkedQueue<Bucket> created = new ConcurrentLinkedQueue<>();
    private final AtomicInteger size = new AtomicInteger();
    /** When the next pass drops idle buckets. */
    private final AtomicLong sweepAt;

    SenderRateLimiter(int perMinute, LongSupplier ticker) {
        this(perMinute, ticker, MAX_SENDERS);
    }

    /** With another bound on the number of buckets kept. */
    SenderRateLimiter(int perMinute, LongSupplier ticker, int maxSenders) {
        if (maxSenders <= 0) {
            throw new IllegalArgumentException("maxSenders must be positive, was " + maxSenders);
        }
        this.perMinute = perMinute;
        this.maxSenders = maxSenders;
        this.idleNanos = IDLE_EXPIRY.toNanos();
        this.ticker = ticker;
        this.sweepAt = new AtomicLong(ticker.getAsLong() + idleNanos);
    }

    Decision acquire(ConversationKey key) {
        long now = ticker.getAsLong();
        long due = sweepAt.get();
        if (now - due >= 0 && sweepAt.compareAndSet(due, now + idleNanos)) {
            sweep(now);
        }
        Bucket bucket = buckets.get(key);
        if (bucket == null) {
            Bucket fresh = new Bucket(key, perMinute, now);
            bucket = buckets.putIfAbsent(key, fresh);
            if (bucket == null) {
                bucket = fresh;
                created.add(fresh);
                if (size.incrementAndGet() > maxSenders) {
                    evictEldest();
                }
            }
        }
        return bucket.take(now, perMinute);
    }

    /**
     * Gives back a token taken by {@link #acquire} for a message that was not buffered after all (a
     * redelivery the store recognised, or a delivery answered 503).
     */
    void refund(ConversationKey key) {
        Bucket bucket = buckets.get(key);
        if (bucket != null) {
            bucket.refund(perMinute);
        }
    }

    /** How many buckets are kept; for tests. */
    int size() {
        return size.get();
    }

    private void sweep(long now) {
        for (Bucket b : buckets.values()) {
            if (b.idleSince(now, idleNanos) && buckets.remove(b.key, b)) {
                size.decrementAndGet();
            }
        }
        created.removeIf(b -> buckets.get(b.key) != b);
    }

    private void evictEldest() {
        for (Bucket head = created.poll(); head != null; head = created.poll()) {
            if (buckets.remove(head.key, head)) {
                size.decrementAndGet();
                return;
            }
        }
    }

    /** Token count, last use and the time of the last notice; guarded by its own monitor. */
    private static final class Bucket {
        private final ConversationKey key;
        private double tokens;
        private long refilledAt;
        private long usedAt;
        private long noticeAt;
        private boolean noticed;

        Bucket(ConversationKey key, int capacity, long now) {
            this.key = key;
            this.tokens = capacity;
            this.refilledAt = now;
            this.usedAt = now;
        }

        synchronized void refund(int perMinute) {
            tokens = Math.min(perMinute, tokens + 1);
        }

        synchronized boolean idleSince(long now, long idleNanos) {
            return now - usedAt >= idleNanos;
        }

        synchronized Decision take(long now, int perMinute) {
            usedAt = now;
            long elapsed = now - refilledAt;
            if (elapsed > 0) {
                tokens = Math.min(perMinute, tokens + (double) elapsed * perMinute / MINUTE_NANOS);
                refilledAt = now;
            }
            if (tokens >= 1) {
                tokens -= 1;
                return Decision.ALLOWED;
            }
            if (!noticed || now - noticeAt >= MINUTE_NANOS) {
                noticed = true;
                noticeAt = now;
                return Decision.REFUSED_NOTIFY;
            }
            return Decision.REFUSED_SILENT;
        }
    }
}
