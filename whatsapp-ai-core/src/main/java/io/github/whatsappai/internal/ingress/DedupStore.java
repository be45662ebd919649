package io.github.whatsappai.internal.ingress;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;

import java.time.Duration;

/**
 * Remembers ids already seen: atomic put-if-absent, bounded by count, each id kept for a window
 * (the stale-message age plus a margin, so a redelivery is caught either here or by the stale
 * guard). Caffeine maintenance runs on the calling thread. Thread-safe.
 */
final class DedupStore {

    private final Cache<String, Boolean> seen;

    DedupStore(int capacity, Duration window, Ticker ticker) {
        this.seen = Caffeine.newBuilder()
                .maximumSize(capacity)
                .expireAfterWrite(window)
                .ticker(ticker)
                .executor(Runnable::run)
                .build();
    }

    /** Records {@code id}; {@code true} the first time it is seen within the window. */
    boolean firstSighting(String id) {
        return seen.asMap().putIfAbsent(id, Boolean.TRUE) == null;
    }

    /** Forgets {@code id}, so its redelivery is processed again (after a failed hand-off). */
    void forget(String id) {
        seen.invalidate(id);
    }
}
