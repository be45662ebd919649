package io.github.whatsappai.examples.jdbc;

import io.github.whatsappai.examples.testing.Concurrently;
import io.github.whatsappai.examples.testing.PostgresExtension;
import io.github.whatsappai.examples.testing.Sql;
import io.github.whatsappai.spi.CreditGate.Reservation;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JdbcCreditGateTest {

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
        return Sql.strings(db.dataSource(), "insert into users (wa_id, credits) values (?, ?) returning id",
                "1555" + System.nanoTime() % 10_000_000, credits).get(0);
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
