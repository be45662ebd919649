package io.github.whatsappai.internal.ingress;

import com.github.benmanes.caffeine.cache.Ticker;

import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Remembers ids already seen: atomic put-if-absent, bounded by count, each id kept for a window
 * (the stale-message age plus a margin, so a redelivery is caught either here or by the stale
 * guard). Thread-safe.
 *
 * <p>When full, the <em>oldest</em> id is forgotten first. That is the property de-duplication
 * needs: Meta redelivers recent messages, so the newest ids must be the last to go. (A frequency-based
 * cache such as Caffeine's W-TinyLFU refuses to admit new one-hit keys once full, which would forget an
 * id almost as soon as it was accepted.) The ids are spread over up to {@value Segments#MAX} segments
 * (at least 16 ids each), each an
 * insertion-ordered map behind its own lock holding an equal share of the capacity; expiry and
 * eviction both remove from the head, so every operation is O(1) amortised.
 */
final class DedupStore {

    private final Segment[] segments;
    private final Ticker ticker;

    DedupStore(int capacity, Duration window, Ticker ticker) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("capacity must be positive, was " + capacity);
        }
        int count = Segments.count(capacity);
        segments = new Segment[count];
        int perSegment = Math.max(1, (capacity + count - 1) / count);
        for (int i = 0; i < count; i++) {
            segments[i] = new Segment(perSegment, window.toNanos());
        }
        this.ticker = ticker;
    }

    /** Records {@code id}; {@code true} the first time it is seen within the window. */
    boolean firstSighting(String id) {
        return segmentFor(id).putIfAbsent(id, ticker.read());
    }

    /** Forgets {@code id}, so its redelivery is processed again (after a failed hand-off). */
    void forget(String id) {
        segmentFor(id).remove(id);
    }

    private Segment segmentFor(String id) {
        int h = id.hashCode();
        return segments[Segments.index(h, segments.length)];
    }

    private static final class Segment {
        private final long windowNanos;
        /** Id → when it was first seen; insertion order is age order; the eldest goes when over capacity. */
        private final LinkedHashMap<String, Long> seenAt;
        /**
         * When the eldest id was seen, or earlier (never later): lets {@link #expire} return without
         * walking the map while nothing can have expired.
         */
        private long eldestAt;

        Segment(int capacity, long windowNanos) {
            this.windowNanos = windowNanos;
            this.seenAt = new LinkedHashMap<>(16, 0.75f, false) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
                    return size() > capacity;
                }
            };
        }

        synchronized boolean putIfAbsent(String id, long now) {
            expire(now);
            if (seenAt.isEmpty()) {
                eldestAt = now;
            }
            return seenAt.putIfAbsent(id, now) == null;
        }

        synchronized void remove(String id) {
            seenAt.remove(id);
        }

        /** Drops the ids seen a window ago or earlier; they sit at the head of the insertion order. */
        private void expire(long now) {
            if (now - eldestAt < windowNanos || seenAt.isEmpty()) {
                return;
            }
            Iterator<Long> it = seenAt.values().iterator();
            while (it.hasNext()) {
                long at = it.next();
                if (now - at < windowNanos) {
                    eldestAt = at;
                    return;
                }
                it.remove();
            }
        }
    }
}
