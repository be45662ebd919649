package io.github.whatsappai.client;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;

/**
 * The per-recipient holds after Graph's pair rate limit (131056): a (phone number id, recipient)
 * pair refused n times in a row is held for 4^n seconds (n = 0, 1, 2, …, plus up to 10 % jitter);
 * every send to that recipient waits for the hold, sends to other recipients go on, and a success
 * clears it. Holds that ended an hour ago without a success are forgotten. Thread-safe.
 */
final class PairHolds {

    /** Pair holds that ended this long ago are forgotten (their recipient never got a success). */
    private static final long STALE_HOLD_NANOS = TimeUnit.HOURS.toNanos(1);

    private final Map<String, Hold> holds = new ConcurrentHashMap<>();
    private final LongSupplier ticker;
    private final RandomGenerator random;

    PairHolds(LongSupplier ticker, RandomGenerator random) {
        this.ticker = ticker;
        this.random = random;
    }

    /** Nanoseconds the pair must still wait; 0 or less when it may go. */
    long remainingNanos(String pairKey) {
        if (pairKey == null || holds.isEmpty()) {
            return 0;
        }
        Hold hold = holds.get(pairKey);
        return hold == null ? 0 : hold.notBefore - ticker.getAsLong();
    }

    /** Records one more refusal of the pair; returns how long it is now held, in nanoseconds. */
    long strike(String pairKey) {
        long now = ticker.getAsLong();
        long staleBefore = now - STALE_HOLD_NANOS;
        holds.values().removeIf(h -> h.notBefore < staleBefore);
        Hold hold = holds.compute(pairKey, (k, old) -> {
            int strikes = old == null ? 0 : old.strikes + 1;
            long hold4n = TimeUnit.SECONDS.toNanos(1L << (2 * Math.min(strikes, 10)));
            double fraction = random != null ? random.nextDouble()
                    : java.util.concurrent.ThreadLocalRandom.current().nextDouble();
            return new Hold(now + hold4n + (long) (hold4n * 0.1 * fraction), strikes);
        });
        return Math.max(0, hold.notBefore - ticker.getAsLong());
    }

    /** A success: the pair is free again. */
    void clear(String pairKey) {
        if (pairKey != null && !holds.isEmpty()) {
            holds.remove(pairKey);
        }
    }

    private record Hold(long notBefore, int strikes) {
    }
}
