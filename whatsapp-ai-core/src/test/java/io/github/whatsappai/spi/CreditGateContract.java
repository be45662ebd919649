package io.github.whatsappai.spi;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The behaviour every {@link CreditGate} that keeps balances must show (one credit per reply).
 * Extend it and implement {@link #createCreditGate()}, {@link #givenUserWithBalance(CreditGate, long)} and
 * {@link #balanceOf(CreditGate, String)}. Each test uses fresh users and keys, so one gate (and one
 * database) may serve all tests.
 */
public abstract class CreditGateContract {

    /** The gate under test; called once per test. */
    protected abstract CreditGate createCreditGate();

    /** Creates a user with {@code credits} available and returns the user id. */
    protected abstract String givenUserWithBalance(CreditGate gate, long credits);

    /** The user's available credits (reserved credits not included). */
    protected abstract long balanceOf(CreditGate gate, String userId);

    private static String key() {
        return "reply:wamid." + UUID.randomUUID();
    }

    @Test
    public void reserveTakesACreditAndCommitKeepsItTaken() {
        CreditGate gate = createCreditGate();
        String user = givenUserWithBalance(gate, 3);
        Optional<CreditGate.Reservation> r = gate.reserve(user, key());
        assertThat(r).isPresent();
        assertThat(r.get().userId()).isEqualTo(user);
        assertThat(balanceOf(gate, user)).isEqualTo(2);
        gate.commit(r.get());
        assertThat(balanceOf(gate, user)).isEqualTo(2);
    }

    @Test
    public void refundReturnsTheCredit() {
        CreditGate gate = createCreditGate();
        String user = givenUserWithBalance(gate, 1);
        CreditGate.Reservation r = gate.reserve(user, key()).orElseThrow();
        assertThat(balanceOf(gate, user)).isZero();
        gate.refund(r);
        assertThat(balanceOf(gate, user)).isEqualTo(1);
    }

    @Test
    public void emptyBalanceRefuses() {
        CreditGate gate = createCreditGate();
        String user = givenUserWithBalance(gate, 0);
        assertThat(gate.reserve(user, key())).isEmpty();
        assertThat(balanceOf(gate, user)).isZero();
    }

    @Test
    public void reservingTwiceWithOneKeyTakesOneCredit() {
        CreditGate gate = createCreditGate();
        String user = givenUserWithBalance(gate, 5);
        String key = key();
        CreditGate.Reservation first = gate.reserve(user, key).orElseThrow();
        CreditGate.Reservation second = gate.reserve(user, key).orElseThrow();
        assertThat(second.id()).isEqualTo(first.id());
        assertThat(balanceOf(gate, user)).isEqualTo(4);
    }

    @Test
    public void commitAndRefundAreIdempotent() {
        CreditGate gate = createCreditGate();
        String user = givenUserWithBalance(gate, 5);
        CreditGate.Reservation refunded = gate.reserve(user, key()).orElseThrow();
        gate.refund(refunded);
        gate.refund(refunded);
        assertThat(balanceOf(gate, user)).as("refunded twice, returned once").isEqualTo(5);

        CreditGate.Reservation committed = gate.reserve(user, key()).orElseThrow();
        gate.commit(committed);
        gate.commit(committed);
        assertThat(balanceOf(gate, user)).isEqualTo(4);
        gate.refund(committed);
        assertThat(balanceOf(gate, user)).as("a committed credit is never refunded").isEqualTo(4);
    }

    @Test
    public void concurrentReservationsNeverOverspend() throws Exception {
        CreditGate gate = createCreditGate();
        String user = givenUserWithBalance(gate, 5);
        List<Optional<CreditGate.Reservation>> granted = Concurrently.call(16, i -> {
            String key = key();
            return () -> gate.reserve(user, key);
        });
        assertThat(granted.stream().filter(Optional::isPresent).count()).isEqualTo(5);
        assertThat(balanceOf(gate, user)).isZero();
    }

    @Test
    public void concurrentRefundsOfOneReservationReturnOneCredit() throws Exception {
        CreditGate gate = createCreditGate();
        String user = givenUserWithBalance(gate, 2);
        CreditGate.Reservation r = gate.reserve(user, key()).orElseThrow();
        Concurrently.call(16, i -> () -> {
            gate.refund(r);
            return null;
        });
        assertThat(balanceOf(gate, user)).isEqualTo(2);
    }

    @Test
    public void usersHaveSeparateBalances() {
        CreditGate gate = createCreditGate();
        String rich = givenUserWithBalance(gate, 2);
        String poor = givenUserWithBalance(gate, 0);
        assertThat(gate.reserve(poor, key())).isEmpty();
        assertThat(gate.reserve(rich, key())).isPresent();
        assertThat(balanceOf(gate, rich)).isEqualTo(1);
        assertThat(balanceOf(gate, poor)).isZero();
    }
}
