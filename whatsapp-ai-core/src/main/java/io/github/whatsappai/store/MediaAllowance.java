package io.github.whatsappai.store;

import java.time.LocalDate;

/**
 * How many media files (voice notes, images, stickers, documents) each user has had read on a UTC
 * day, counted against the daily allowance ({@code MediaSettings.maxItemsPerUserPerDay}). The
 * conversation engine takes one file of the allowance before each download; where the count lives
 * decides who shares it: {@link #inMemory()} counts in one process, the PostgreSQL store's count is
 * shared by every instance on its database. Get one from {@link StateStore#mediaAllowance()}.
 *
 * <p>Days are the caller's (from its clock), so that instances with a little clock skew still agree
 * on most of a day. Implementations are thread-safe.
 */
public interface MediaAllowance {

    /**
     * Takes one file of {@code userId}'s allowance for {@code day}, atomically: concurrent takes,
     * also from other instances, never take more than {@code limit} in all.
     *
     * @param limit files allowed per user per day; {@code 0} or less allows none
     * @return whether a file was taken ({@code false}: the allowance is used up)
     * @throws StoreUnavailableException when the count cannot be reached; nothing was taken
     */
    boolean take(String userId, LocalDate day, int limit);

    /**
     * Files {@code userId} may still have read on {@code day}.
     *
     * @throws StoreUnavailableException when the count cannot be reached
     */
    int remaining(String userId, LocalDate day, int limit);

    /**
     * A count in this process's memory, for one instance (the in-memory store's, and the default of
     * {@link StateStore#mediaAllowance()}). Days before the newest one counted are forgotten as it
     * grows.
     */
    static MediaAllowance inMemory() {
        return new InMemoryMediaAllowance();
    }
}
