package io.github.whatsappai.spi;

import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A {@link CreditGate} keeping balances in memory: for the demo and for tests of credit handling.
 *
 * <p>Every reply costs one credit. A user seen for the first time starts with the default balance
 * given to the constructor ({@code 0} unless set). {@link #reserve} takes a credit atomically and never
 * lets a balance go negative; reserving again with a key whose reservation is still open or committed
 * returns that reservation without taking another credit (a key whose reservation was refunded
 * reserves anew). {@link #commit} and {@link #refund} are idempotent, and a committed reservation is
 * never refunded.
 *
 * <p>Thread-safe (one lock). Bounded: at most {@link #DEFAULT_MAX_RESERVATIONS} reservations are
 * remembered; beyond that the oldest settled ones (committed or refunded) are forgotten first.
 */
public final class InMemoryCreditGate implements CreditGate {

    /** Reservations remembered by default. */
    public static final int DEFAULT_MAX_RESERVATIONS = 100_000;

    private enum State { RESERVED, COMMITTED, REFUNDED }

    private final long defaultBalance;
    private final int maxReservations;
    private final Object lock = new Object();
    private final Map<String, Long> balances = new HashMap<>();
    private final LinkedHashMap<String, Entry> reservations = new LinkedHashMap<>();

    /** A gate where new users start with no credit. */
    public InMemoryCreditGate() {
        this(0);
    }

    /** A gate where new users start with {@code defaultBalance} credits (not negative). */
    public InMemoryCreditGate(long defaultBalance) {
        this(defaultBalance, DEFAULT_MAX_RESERVATIONS);
    }

    /**
     * A gate with the given starting balance and bound on remembered reservations.
     *
     * @param defaultBalance credits of a user seen for the first time, not negative
     * @param maxReservations reservations remembered for idempotency, positive
     */
    public InMemoryCreditGate(long defaultBalance, int maxReservations) {
        if (defaultBalance < 0) {
            throw new IllegalArgumentException("defaultBalance must not be negative, was " + defaultBalance);
        }
        if (maxReservations <= 0) {
            throw new IllegalArgumentException("maxReservations must be positive, was " + maxReservations);
        }
        this.defaultBalance = defaultBalance;
        this.maxReservations = maxReservations;
    }

    /** Sets a user's balance (not negative), e.g. after a purchase. */
    public void setBalance(String userId, long credits) {
        Objects.requireNonNull(userId, "userId");
        if (credits < 0) {
            throw new IllegalArgumentException("credits must not be negative, was " + credits);
        }
        synchronized (lock) {
            balances.put(userId, credits);
        }
    }

    /** A user's available balance (reserved credits are not included). */
    public long balance(String userId) {
        synchronized (lock) {
            return balances.getOrDefault(userId, defaultBalance);
        }
    }

    @Override
    public Optional<Reservation> reserve(String userId, String idempotencyKey) {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(idempotencyKey, "idempotencyKey");
        synchronized (lock) {
            Entry existing = reservations.get(idempotencyKey);
            if (existing != null && existing.state != State.REFUNDED) {
                return Optional.of(existing.reservation);
            }
            long balance = balances.getOrDefault(userId, defaultBalance);
            if (balance < 1) {
                balances.putIfAbsent(userId, balance);
                return Optional.empty();
            }
            balances.put(userId, balance - 1);
            Reservation r = new Reservation(idempotencyKey, userId, 1);
            reservations.remove(idempotencyKey);
            reservations.put(idempotencyKey, new Entry(r));
            trim();
            return Optional.of(r);
        }
    }

    @Override
    public void commit(Reservation reservation) {
        Objects.requireNonNull(reservation, "reservation");
        synchronized (lock) {
            Entry e = reservations.get(reservation.id());
            if (e != null && e.state == State.RESERVED) {
                e.state = State.COMMITTED;
            }
        }
    }

    @Override
    public void refund(Reservation reservation) {
        Objects.requireNonNull(reservation, "reservation");
        synchronized (lock) {
            Entry e = reservations.get(reservation.id());
            if (e != null && e.state == State.RESERVED) {
                e.state = State.REFUNDED;
                balances.merge(e.reservation.userId(), e.reservation.amount(), Long::sum);
            }
        }
    }

    private void trim() {
        if (reservations.size() <= maxReservations) {
            return;
        }
        Iterator<Entry> it = reservations.values().iterator();
        while (reservations.size() > maxReservations && it.hasNext()) {
            if (it.next().state != State.RESERVED) {
                it.remove();
            }
        }
        it = reservations.values().iterator();
        while (reservations.size() > maxReservations && it.hasNext()) {
            it.next();
            it.remove();
        }
    }

    private static final class Entry {
        final Reservation reservation;
        State state = State.RESERVED;

        Entry(Reservation reservation) {
            this.reservation = reservation;
        }
    }
}
