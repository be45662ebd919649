package io.github.whatsappai.spi;

/**
 * Maps a WhatsApp sender to the application's own user, creating the user on first contact (as the
 * application's sign-up flow would).
 *
 * <p>Implementations must be thread-safe and idempotent: two concurrent calls for the same sender
 * return the same user id and create one user. When both a wa_id and a business-scoped id are
 * known, an implementation should link them to one user, so a user who later withholds the phone
 * number keeps their account. A thrown exception makes the pipeline keep the batch and retry it.
 */
@FunctionalInterface
public interface UserMapper {

    /**
     * Finds or creates the user.
     *
     * @return the application's user id, never {@code null}
     * @throws RuntimeException when storage is unavailable; the pipeline retries with backoff
     */
    String findOrCreateUser(UserIdentity identity);
}
