package io.github.whatsappai.spi;

import java.util.Optional;

/** {@link CreditGate#unlimited()}. */
enum UnlimitedCreditGate implements CreditGate {
    INSTANCE;

    @Override
    public Optional<Reservation> reserve(String userId, String idempotencyKey) {
        return Optional.of(new Reservation(idempotencyKey, userId, 0));
    }

    @Override
    public void commit(Reservation reservation) {
    }

    @Override
    public void refund(Reservation reservation) {
    }
}
