package io.github.whatsappai.internal.retry;

import java.time.Duration;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * Exponential backoff: before retry {@code n} (1 for the first retry) the ceiling is
 * {@code min(max, base × 2^(n-1))}, and the delay is drawn under it according to the {@link Jitter}.
 * Immutable and thread-safe; the {@link RandomGenerator} passed to {@link #delay(int, RandomGenerator)}
 * must be thread-safe when shared ({@link java.util.concurrent.ThreadLocalRandom#current()} is
 * not shareable across threads, so pass {@code null} to use the calling thread's).
 *
 * <p>Typical uses:
 * <pre>{@code
 * // retry an HTTP call with full jitter, 1 s doubling up to 10 s
 * Backoff http = Backoff.exponential(Duration.ofSeconds(1), Duration.ofSeconds(10));
 * // retry a queue flush with a capped, deterministic backoff
 * Backoff flush = Backoff.exponential(Duration.ofMillis(500), Duration.ofMinutes(1)).withJitter(Backoff.Jitter.NONE);
 * scheduler.schedule(this::flush, flush.delay(failures, null).toNanos(), TimeUnit.NANOSECONDS);
 * }</pre>
 */
public final class Backoff {

    /** How the delay is drawn under the ceiling. */
    public enum Jitter {
        /** The ceiling itself: deterministic. */
        NONE,
        /** Uniformly between zero and the ceiling ("full jitter"): spreads a crowd of clients best. */
        FULL,
        /** Half the ceiling plus a uniform share of the other half ("equal jitter"): never very short. */
        EQUAL
    }

    private final Duration base;
    private final Duration max;
    private final Jitter jitter;

    private Backoff(Duration base, Duration max, Jitter jitter) {
        this.base = base;
        this.max = max;
        this.jitter = jitter;
    }

    /**
     * Full-jitter exponential backoff from {@code base}, doubling per retry up to {@code max}.
     *
     * @throws IllegalArgumentException unless {@code 0 < base <= max}
     */
    public static Backoff exponential(Duration base, Duration max) {
        Objects.requireNonNull(base, "base");
        Objects.requireNonNull(max, "max");
        if (base.isNegative() || base.isZero() || max.compareTo(base) < 0) {
            throw new IllegalArgumentException("backoff needs 0 < base <= max, was base " + base + ", max " + max);
        }
        return new Backoff(base, max, Jitter.FULL);
    }

    /** The same growth with another jitter. */
    public Backoff withJitter(Jitter jitter) {
        return new Backoff(base, max, Objects.requireNonNull(jitter, "jitter"));
    }

    /** The first ceiling. */
    public Duration base() {
        return base;
    }

    /** The longest ceiling. */
    public Duration max() {
        return max;
    }

    /** How delays are drawn. */
    public Jitter jitter() {
        return jitter;
    }

    /** {@code min(max, base × 2^(retry-1))} for {@code retry >= 1}. */
    public Duration ceiling(int retry) {
        if (retry < 1) {
            throw new IllegalArgumentException("retry counts from 1, was " + retry);
        }
        long baseNanos = base.toNanos();
        long maxNanos = max.toNanos();
        int shift = Math.min(retry - 1, 62);
        long ceiling = baseNanos > (maxNanos >> shift) ? maxNanos : Math.min(maxNanos, baseNanos << shift);
        return Duration.ofNanos(ceiling);
    }

    /**
     * The delay before retry {@code retry} (1 for the first retry).
     *
     * @param random the jitter source, or {@code null} for the calling thread's
     *               {@link java.util.concurrent.ThreadLocalRandom}; unused with {@link Jitter#NONE}
     */
    public Duration delay(int retry, RandomGenerator random) {
        Duration ceiling = ceiling(retry);
        if (jitter == Jitter.NONE) {
            return ceiling;
        }
        double fraction = (random != null ? random : java.util.concurrent.ThreadLocalRandom.current()).nextDouble();
        long nanos = ceiling.toNanos();
        long drawn = jitter == Jitter.FULL ? (long) (fraction * nanos) : nanos / 2 + (long) (fraction * (nanos / 2));
        return Duration.ofNanos(drawn).truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
    }

    @Override
    public String toString() {
        return "Backoff[" + base + " doubling to " + max + ", " + jitter + " jitter]";
    }
}
