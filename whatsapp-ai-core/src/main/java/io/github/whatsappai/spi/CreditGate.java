package io.github.whatsappai.spi;

import java.util.Optional;

/**
 * Decides whether a user may spend an AI reply, mirroring the credits the application keeps.
 * A credit is reserved before the AI call, committed when the reply was sent and refunded when the
 * AI failed, so a failed answer never costs the user.
 *
 * <p>Implementations must be thread-safe; {@code reserve} must never let a balance go negative
 * under concurrent calls, and {@code commit}/{@code refund} must be idempotent per reservation.
 */
public interface CreditGate {

    /**
     * Reserves one credit for an AI reply.
     *
     * @param userId the application's user id
     * @param idempotencyKey identifies the reply; reserving twice with the same key returns the same reservation
     * @return the reservation, or empty when the user has no credit left
     * @throws RuntimeException when storage is unavailable; the pipeline retries the batch
     */
    Optional<Reservation> reserve(String userId, String idempotencyKey);

    /** Makes a reservation final: the reply was sent. Idempotent. */
    void commit(Reservation reservation);

    /** Returns a reserved credit: the AI failed. Idempotent. */
    void refund(Reservation reservation);

    /** A gate that never refuses and stores nothing: the default. */
    static CreditGate unlimited() {
        return UnlimitedCreditGate.INSTANCE;
    }

    /**
     * A reserved credit.
     *
     * @param id the reservation id (the idempotency key is a good choice)
     * @param userId whose credit
     * @param amount credits reserved
     */
    record Reservation(String id, String userId, long amount) {
    }
}
