package io.github.whatsappai.examples.jdbc;

import io.github.whatsappai.examples.testing.Concurrently;
import io.github.whatsappai.examples.testing.PostgresExtension;
import io.github.whatsappai.examples.testing.Sql;
import io.github.whatsappai.spi.CreditGate;
import io.github.whatsappai.spi.CreditGate.Reservation;
import io.github.whatsappai.spi.CreditGateContract;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JdbcCreditGateTest extends CreditGateContract {

    @RegisterExtension
    final PostgresExtension db = PostgresExtension.migrated();

    private JdbcCreditGate gate;
    private String user;

    @BeforeEach
    void setUp() {
        gate = new JdbcCreditGate(db.dataSource());
        user = userWithCredits(5);
    }

    private String userWithCredits(long credits) {
        return Sql.strings(db.dataSource(), "insert into users (bsuid, credits) values (?, ?) returning id",
                "US." + UUID.randomUUID().toString().replace("-", ""), credits).get(0);
    }

    @Override
    protected CreditGate createCreditGate() {
        return new JdbcCreditGate(db.dataSource());
    }

    @Override
    protected String givenUserWithBalance(CreditGate gate, long credits) {
        return userWithCredits(credits);
    }

    @Override
    protected long balanceOf(CreditGate gate, String userId) {
        return ((JdbcCreditGate) gate).balance(userId).orElseThrow();
    }

    @Test
    void concurrentSpendingNeverGoesNegativeAndExactlyTheBalanceSucceeds() {
        List<Optional<Reservation>> results = Concurrently.run(16, i -> gate.reserve(user, "reply-" + i));

        assertThat(results.stream().filter(Optional::isPresent)).hasSize(5);
        assertThat(gate.balance(user)).isEqualTo(OptionalLong.of(0));
        assertThat(Sql.number(db.dataSource(), "select count(*) from credit_reservations where state = 'reserved'"))
                .isEqualTo(5);
    }

    @Test
    void concurrentReservationsWithTheSameKeyTakeOneCredit() {
        List<Optional<Reservation>> results = Concurrently.run(8, i -> gate.reserve(user, "reply-1"));

        assertThat(results).allSatisfy(r -> assertThat(r).contains(new Reservation("reply-1", user, 1)));
        assertThat(gate.balance(user)).isEqualTo(OptionalLong.of(4));
    }

    @Test
    void reservingAgainWithTheSameKeyReturnsTheSameReservationEvenWithoutCreditLeft() {
        String poor = userWithCredits(1);
        Reservation first = gate.reserve(poor, "k").orElseThrow();

        assertThat(gate.reserve(poor, "k")).contains(first);
        assertThat(gate.reserve(poor, "other")).isEmpty();
        assertThat(gate.balance(poor)).isEqualTo(OptionalLong.of(0));
    }

    @Test
    void refundAfterAnAiFailureRestoresTheCreditOnce() {
        Reservation r = gate.reserve(user, "reply-1").orElseThrow();
        assertThat(gate.balance(user)).isEqualTo(OptionalLong.of(4));

        gate.refund(r);
        gate.refund(r);
        List<Void> concurrent = Concurrently.run(4, i -> {
            gate.refund(r);
            return null;
        });

        assertThat(concurrent).hasSize(4);
        assertThat(gate.balance(user)).isEqualTo(OptionalLong.of(5));
        assertThat(Sql.strings(db.dataSource(), "select state from credit_reservations")).containsExactly("refunded");
    }

    @Test
    void commitKeepsTheCreditSpentAndALaterRefundChangesNothing() {
        Reservation r = gate.reserve(user, "reply-1").orElseThrow();
        gate.commit(r);
        gate.commit(r);
        gate.refund(r);

        assertThat(gate.balance(user)).isEqualTo(OptionalLong.of(4));
        assertThat(Sql.strings(db.dataSource(), "select state from credit_reservations")).containsExactly("committed");
    }

    @Test
    void aRefundedKeyTakesACreditAnewWhenReservedAgain() {
        Reservation r = gate.reserve(user, "reply-1").orElseThrow();
        gate.refund(r);
        assertThat(gate.balance(user)).isEqualTo(OptionalLong.of(5));

        List<Optional<Reservation>> again = Concurrently.run(4, i -> gate.reserve(user, "reply-1"));

        assertThat(again).allSatisfy(a -> assertThat(a).contains(r));
        assertThat(gate.balance(user)).isEqualTo(OptionalLong.of(4));
        assertThat(Sql.strings(db.dataSource(), "select state from credit_reservations")).containsExactly("reserved");

        String broke = userWithCredits(1);
        gate.refund(gate.reserve(broke, "k").orElseThrow());
        gate.reserve(broke, "other").orElseThrow();
        assertThat(gate.reserve(broke, "k")).as("no credit left for the retried reply").isEmpty();
    }

    @Test
    void aUserWithoutARowHasNoCredit() {
        assertThat(gate.reserve("no-such-user", "k")).isEmpty();
        assertThat(gate.balance("no-such-user")).isEmpty();
    }

    @Test
    void chargesTheConfiguredCreditsPerReply() {
        JdbcCreditGate expensive = new JdbcCreditGate(db.dataSource(), 3);
        assertThat(expensive.reserve(user, "a")).contains(new Reservation("a", user, 3));
        assertThat(expensive.reserve(user, "b")).isEmpty();
        assertThat(gate.balance(user)).isEqualTo(OptionalLong.of(2));

        assertThatThrownBy(() -> new JdbcCreditGate(db.dataSource(), 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("creditsPerReply");
    }
}
