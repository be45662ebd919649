package io.github.whatsappai.internal.ingress;

import com.github.benmanes.caffeine.cache.Ticker;
import io.github.whatsappai.webhook.model.ConversationKey;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One token bucket per conversation key: {@code perMinute} tokens, refilled continuously at
 * {@code perMinute} per minute. Over the limit, the first refusal in a minute asks for a notice and
 * later ones are silent. A bucket idle for two minutes is full again and its notice window is over,
 * so it behaves exactly like a new one: such buckets are dropped, at the latest two minutes after
 * they became idle. At most about {@value #MAX_SENDERS} buckets are kept; when full, the bucket
 * created longest ago goes first (its sender simply starts again with a full bucket). Thread-safe;
 * time comes from the injected ticker.
 *
 * <p>The buckets are spread over up to {@value Segments#MAX} segments by the key's hash, each an
 * insertion-ordered map behind its own lock holding an equal share of the bound. Taking a token
 * only writes the bucket's numbers: the map is not reordered on access (an access-ordered map
 * rewrites links between long-lived entries on every call, which leaves the garbage collector many
 * dirty cards to scan at each young collection and lengthens its pauses). Instead each segment drops
 * its idle buckets in one pass at most once per idle period, so every call is O(1) amortised and
 * nothing runs in the background.
 */
final class SenderRateLimiter {

    static final int MAX_SENDERS = 100_000;
    static final Duration IDLE_EXPIRY = Duration.ofMinutes(2);
    private static final long MINUTE_NANOS = Duration.ofMinutes(1).toNanos();

    /** The verdict for one message. */
    enum Decision { ALLOWED, REFUSED_NOTIFY, REFUSED_SILENT }

    private final int perMinute;
    private final Ticker ticker;
    private final Segment[] segments;

    SenderRateLimiter(int perMinute, Ticker ticker) {
        this(perMinute, ticker, MAX_SENDERS);
    }

    /** With another bound on the number of buckets kept . */
    SenderRateLimiter(int perMinute, Ticker ticker, int maxSenders) {
        if (maxSenders <= 0) {
            throw new IllegalArgumentException("maxSenders must be positive, was " + maxSenders);
        }
        this.perMinute = perMinute;
        this.ticker = ticker;
        int count = Segments.count(maxSenders);
        segments = new Segment[count];
        int perSegment = Math.max(1, (maxSenders + count - 1) / count);
        for (int i = 0; i < count; i++) {
            segments[i] = new Segment(perSegment, IDLE_EXPIRY.toNanos());
        }
    }

    Decision acquire(ConversationKey key) {
        int h = key.hashCode();
        return segments[Segments.index(h, segments.length)].acquire(key, ticker.read(), perMinute);
    }

    /** How many buckets are kept; for tests. */
    int size() {
        int n = 0;
        for (Segment s : segments) {
            n += s.size();
        }
        return n;
    }

    /** Buckets by key, oldest first; every access under the segment's monitor. */
    private static final class Segment {
        private final long idleNanos;
        /** Insertion order: the eldest bucket is dropped when over capacity. */
        private final LinkedHashMap<ConversationKey, Bucket> buckets;
        /** When the next pass over the segment drops idle buckets. */
        private long sweepAt;

        Segment(int capacity, long idleNanos) {
            this.idleNanos = idleNanos;
            this.buckets = new LinkedHashMap<>(16, 0.75f, false) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<ConversationKey, Bucket> eldest) {
                    return size() > capacity;
                }
            };
        }

        synchronized Decision acquire(ConversationKey key, long now, int perMinute) {
            if (buckets.isEmpty()) {
                sweepAt = now + idleNanos;
            } else if (now - sweepAt >= 0) {
                sweepAt = now + idleNanos;
                buckets.values().removeIf(b -> now - b.usedAt >= idleNanos);
            }
            Bucket bucket = buckets.get(key);
            if (bucket == null) {
                bucket = new Bucket(perMinute, now);
                buckets.put(key, bucket);
            }
            return bucket.take(now, perMinute);
        }

        synchronized int size() {
            return buckets.size();
        }
    }

    /** Token count, last use and the time of the last notice; guarded by its segment's monitor. */
    private static final class Bucket {
        private double tokens;
        private long refilledAt;
        private long usedAt;
        private long noticeAt;
        private boolean noticed;

        Bucket(int capacity, long now) {
            this.tokens = capacity;
            this.refilledAt = now;
            this.usedAt = now;
        }

        Decision take(long now, int perMinute) {
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
