package io.github.whatsappai.internal.ingress;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import io.github.whatsappai.webhook.model.ConversationKey;

import java.time.Duration;

/**
 * One token bucket per conversation key: {@code perMinute} tokens, refilled continuously at
 * {@code perMinute} per minute. Over the limit, the first refusal in a minute asks for a notice and
 * later ones are silent. Buckets idle for two minutes (full again, notice window over) are dropped;
 * at most {@value #MAX_SENDERS} are kept (an evicted sender simply starts with a full bucket).
 * Thread-safe; time comes from the injected ticker.
 */
final class SenderRateLimiter {

    static final int MAX_SENDERS = 100_000;
    private static final long MINUTE_NANOS = Duration.ofMinutes(1).toNanos();

    /** The verdict for one message. */
    enum Decision { ALLOWED, REFUSED_NOTIFY, REFUSED_SILENT }

    private final int perMinute;
    private final Ticker ticker;
    private final Cache<ConversationKey, Bucket> buckets;

    SenderRateLimiter(int perMinute, Ticker ticker) {
        this.perMinute = perMinute;
        this.ticker = ticker;
        this.buckets = Caffeine.newBuilder()
                .maximumSize(MAX_SENDERS)
                .expireAfterAccess(Duration.ofMinutes(2))
                .ticker(ticker)
                .executor(Runnable::run)
                .build();
    }

    Decision acquire(ConversationKey key) {
        long now = ticker.read();
        Bucket bucket = buckets.get(key, k -> new Bucket(perMinute, now));
        synchronized (bucket) {
            return bucket.take(now, perMinute);
        }
    }

    /** Token count and the time of the last notice; guarded by its own monitor. */
    private static final class Bucket {
        private double tokens;
        private long refilledAt;
        private long noticeAt;
        private boolean noticed;

        Bucket(int capacity, long now) {
            this.tokens = capacity;
            this.refilledAt = now;
        }

        Decision take(long now, int perMinute) {
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
