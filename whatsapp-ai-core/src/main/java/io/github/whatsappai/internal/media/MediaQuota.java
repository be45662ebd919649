package io.github.whatsappai.internal.media;

import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How many media files each user may have read per UTC day. Counts in memory, per instance; days
 * past are forgotten as new ones begin. Thread-safe.
 */
public final class MediaQuota {

    private final int perDay;
    private final Clock clock;
    private final Map<String, Count> counts = new ConcurrentHashMap<>();

    private record Count(LocalDate day, int used) {
    }

    /**
     * @param perDay files per user per day; 0 allows none
     * @param clock the day's clock
     */
    public MediaQuota(int perDay, Clock clock) {
        if (perDay < 0) {
            throw new IllegalArgumentException("perDay must not be negative, was " + perDay);
        }
        this.perDay = perDay;
        this.clock = clock;
    }

    /** Takes one file of {@code userId}'s allowance for today; {@code false} when it is used up. */
    public boolean tryTake(String userId) {
        LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
        boolean[] taken = new boolean[1];
        counts.compute(userId, (id, count) -> {
            Count current = count == null || !count.day().equals(today) ? new Count(today, 0) : count;
            if (current.used() >= perDay) {
                return current;
            }
            taken[0] = true;
            return new Count(today, current.used() + 1);
        });
        if (counts.size() > 10_000) {
            counts.values().removeIf(c -> !c.day().equals(today));
        }
        return taken[0];
    }

    /** Files {@code userId} may still have read today. */
    public int remaining(String userId) {
        LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
        Count count = counts.get(userId);
        return count == null || !count.day().equals(today) ? perDay : Math.max(0, perDay - count.used());
    }
}
