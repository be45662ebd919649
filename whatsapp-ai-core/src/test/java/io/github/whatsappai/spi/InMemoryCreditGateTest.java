package io.github.whatsappai.spi;

import org.junit.jupiter.api.Test;

import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class InMemoryCreditGateTest extends CreditGateContract {

    @Override
    protected CreditGate createCreditGate() {
        return new InMemoryCreditGate();
    }

    @Override
    protected String givenUserWithBalance(CreditGate gate, long credits) {
        String user = "user-" + UUID.randomUUID();
        ((InMemoryCreditGate) gate).setBalance(user, credits);
        return user;
    }

    @Override
    protected long balanceOf(CreditGate gate, String userId) {
        return ((InMemoryCreditGate) gate).balance(userId);
    }

    @Test
    void newUsersStartWithTheDefaultBalance() {
        InMemoryCreditGate gate = new InMemoryCreditGate(2);
        assertThat(gate.balance("new")).isEqualTo(2);
        assertThat(gate.reserve("new", "k1")).isPresent();
        assertThat(gate.reserve("new", "k2")).isPresent();
        assertThat(gate.reserve("new", "k3")).isEmpty();
    }

    @Test
    void aRefundedKeyReservesAnew() {
        InMemoryCreditGate gate = new InMemoryCreditGate(2);
        gate.refund(gate.reserve("u", "k").orElseThrow());
        assertThat(gate.reserve("u", "k")).isPresent();
        assertThat(gate.balance("u")).isEqualTo(1);
    }

    @Test
    void forgetsSettledReservationsBeyondItsBound() {
        InMemoryCreditGate gate = new InMemoryCreditGate(10, 2);
        CreditGate.Reservation open = gate.reserve("u", "open").orElseThrow();
        gate.commit(gate.reserve("u", "done1").orElseThrow());
        gate.commit(gate.reserve("u", "done2").orElseThrow());
        gate.refund(open);
        assertThat(gate.balance("u")).as("the open reservation was kept and refunded").isEqualTo(8);
    }
}
