package io.github.whatsappai.store;

import java.time.LocalDate;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@link MediaAllowance#inMemory()}: one count per user and day; days before the newest one taken
 * are swept out once many users are counted. Thread-safe.
 */
final class InMemoryMediaAllowance implements MediaAllowance {

    /** Counts kept before those of earlier days are swept out. */
    private static final int SWEEP_ABOVE = 10_000;

    private final Map<Key, Integer> counts = new ConcurrentHashMap<>();

    private record Key(String userId, LocalDate day) {
    }

    @Override
    public boolean take(String userId, LocalDate day, int limit) {
        Key key = new Key(Objects.requireNonNull(userId, "userId"), Objects.requireNonNull(day, "day"));
        if (limit <= 0) {
            return false;
        }
        boolean[] taken = new boolean[1];
        counts.compute(key, (k, used) -> {
            int u = used == null ? 0 : used;
            if (u >= limit) {
                return used;
            }
            taken[0] = true;
            return u + 1;
        });
        if (counts.size() > SWEEP_ABOVE) {
            counts.keySet().removeIf(k -> k.day().isBefore(day));
        }
        return taken[0];
    }

    @Override
    public int remaining(String userId, LocalDate day, int limit) {
        Integer used = counts.get(new Key(Objects.requireNonNull(userId, "userId"), Objects.requireNonNull(day, "day")));
        return Math.max(0, limit - (used == null ? 0 : used));
    }
}
