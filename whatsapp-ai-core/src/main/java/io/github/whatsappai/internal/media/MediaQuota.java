package io.github.whatsappai.internal.media;

import io.github.whatsappai.store.MediaAllowance;

import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Objects;

/**
 * How many media files each user may have read per UTC day (the day from this quota's clock),
 * counted by a {@link MediaAllowance}: the state store's, so that replicas on one database share it.
 * Thread-safe.
 */
public final class MediaQuota {

    private final int perDay;
    private final MediaAllowance allowance;
    private final Clock clock;

    /**
     * @param perDay files per user per day; 0 allows none
     * @param allowance where the files taken are counted
     * @param clock the day's clock
     */
    public MediaQuota(int perDay, MediaAllowance allowance, Clock clock) {
        if (perDay < 0) {
            throw new IllegalArgumentException("perDay must not be negative, was " + perDay);
        }
        this.perDay = perDay;
        this.allowance = Objects.requireNonNull(allowance, "allowance");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Takes one file of {@code userId}'s allowance for today; {@code false} when it is used up.
     *
     * @throws RuntimeException what the allowance threw when its count could not be reached
     *         (a {@link io.github.whatsappai.store.StoreUnavailableException} from the stores)
     */
    public boolean tryTake(String userId) {
        return perDay > 0 && allowance.take(userId, today(), perDay);
    }

    /** Files {@code userId} may still have read today. */
    public int remaining(String userId) {
        return perDay == 0 ? 0 : allowance.remaining(userId, today(), perDay);
    }

    private LocalDate today() {
        return LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
    }
}
