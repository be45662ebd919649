package io.github.whatsappai.internal.retry;

import io.github.whatsappai.event.Event;
import io.github.whatsappai.testing.ManualClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

class CircuitBreakerTest {

    private final ManualClock clock = ManualClock.atDefaultStart();
    private final List<Event> events = new CopyOnWriteArrayList<>();
    private final CircuitBreaker breaker = CircuitBreaker.of("ai", 3,
            Backoff.exponential(Duration.ofSeconds(5), Duration.ofSeconds(30)).withJitter(Backoff.Jitter.NONE),
            clock, events::add);

    private void fail(int times) {
        for (int i = 0; i < times; i++) {
            breaker.tryAcquire().failure();
        }
    }

    @Test
    void opensAfterTheThresholdOfFailuresInARow() {
        fail(2);
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.CLOSED);
        fail(1);
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.OPEN);
        assertThat(events).containsExactly(new Event.CircuitOpened("ai", 3, Duration.ofSeconds(5)));
    }

    @Test
    void aSuccessOrARefusalResetsTheCount() {
        fail(2);
        breaker.tryAcquire().success();
        fail(2);
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(events).isEmpty();
    }

    @Test
    void openRefusesEveryCallUntilThePeriodEnds() {
        fail(3);
        clock.advance(Duration.ofMillis(4_999));
        assertThat(breaker.tryAcquire()).isNull();
        assertThat(breaker.tryAcquire()).isNull();
        clock.advance(Duration.ofMillis(1));
        assertThat(breaker.tryAcquire()).as("the probe").isNotNull();
        assertThat(events).last().isEqualTo(new Event.CircuitHalfOpened("ai"));
    }

    @Test
    void halfOpenLetsExactlyOneProbeThrough() {
        fail(3);
        clock.advance(Duration.ofSeconds(5));
        CircuitBreaker.Permit probe = breaker.tryAcquire();
        assertThat(probe).isNotNull();
        for (int i = 0; i < 10; i++) {
            assertThat(breaker.tryAcquire()).as("while the probe runs").isNull();
        }
        probe.success();
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(breaker.tryAcquire()).isNotNull();
        assertThat(breaker.tryAcquire()).isNotNull();
        assertThat(events).last().isEqualTo(new Event.CircuitClosed("ai"));
    }

    @Test
    void aFailedProbeOpensAgainForLongerAndARecoveryStartsOver() {
        fail(3);
        for (Duration period : List.of(Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(20),
                Duration.ofSeconds(30), Duration.ofSeconds(30))) {
            clock.advance(period.minusMillis(1));
            assertThat(breaker.tryAcquire()).isNull();
            clock.advance(Duration.ofMillis(1));
            breaker.tryAcquire().failure();
        }
        assertThat(events).filteredOn(Event.CircuitOpened.class::isInstance).extracting(e -> ((Event.CircuitOpened) e).openFor())
                .containsExactly(Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(20),
                        Duration.ofSeconds(30), Duration.ofSeconds(30), Duration.ofSeconds(30));
        clock.advance(Duration.ofSeconds(30));
        breaker.tryAcquire().success();
        fail(3);
        assertThat(breaker.openUntil()).as("the first period again").isEqualTo(clock.instant().plusSeconds(5));
    }

    @Test
    void aReleasedProbeLetsTheNextCallerProbe() {
        fail(3);
        clock.advance(Duration.ofSeconds(5));
        breaker.tryAcquire().release();
        CircuitBreaker.Permit next = breaker.tryAcquire();
        assertThat(next).isNotNull();
        assertThat(breaker.tryAcquire()).isNull();
    }

    @Test
    void aCallThatStartedBeforeTheCircuitOpenedCannotCloseIt() {
        CircuitBreaker.Permit slow = breaker.tryAcquire();
        fail(3);
        slow.success();
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.OPEN);
    }
}
