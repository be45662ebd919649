package io.github.whatsappai.internal.retry;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.random.RandomGenerator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BackoffTest {

    private static RandomGenerator fixed(double value) {
        return new RandomGenerator() {
            @Override
            public long nextLong() {
                return 0;
            }

            @Override
            public double nextDouble() {
                return value;
            }
        };
    }

    @Test
    void ceilingDoublesUpToTheMaximum() {
        Backoff b = Backoff.exponential(Duration.ofSeconds(1), Duration.ofSeconds(10));
        assertThat(b.ceiling(1)).isEqualTo(Duration.ofSeconds(1));
        assertThat(b.ceiling(2)).isEqualTo(Duration.ofSeconds(2));
        assertThat(b.ceiling(4)).isEqualTo(Duration.ofSeconds(8));
        assertThat(b.ceiling(5)).isEqualTo(Duration.ofSeconds(10));
        assertThat(b.ceiling(200)).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void jitterModes() {
        Backoff b = Backoff.exponential(Duration.ofSeconds(1), Duration.ofSeconds(10));
        assertThat(b.delay(3, fixed(0.5))).isEqualTo(Duration.ofSeconds(2));
        assertThat(b.delay(3, fixed(0.0))).isEqualTo(Duration.ZERO);
        assertThat(b.withJitter(Backoff.Jitter.EQUAL).delay(3, fixed(0.0))).isEqualTo(Duration.ofSeconds(2));
        assertThat(b.withJitter(Backoff.Jitter.EQUAL).delay(3, fixed(0.5))).isEqualTo(Duration.ofSeconds(3));
        assertThat(b.withJitter(Backoff.Jitter.NONE).delay(3, null)).isEqualTo(Duration.ofSeconds(4));
        for (int i = 0; i < 100; i++) {
            assertThat(b.delay(2, null)).isBetween(Duration.ZERO, Duration.ofSeconds(2));
        }
    }

    @Test
    void badArgumentsAreRefused() {
        assertThatThrownBy(() -> Backoff.exponential(Duration.ZERO, Duration.ofSeconds(1)))
                .hasMessageContaining("0 < base <= max");
        assertThatThrownBy(() -> Backoff.exponential(Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .hasMessageContaining("0 < base <= max");
        assertThatThrownBy(() -> Backoff.exponential(Duration.ofSeconds(1), Duration.ofSeconds(1)).ceiling(0))
                .hasMessageContaining("from 1");
    }

    @Test
    void retryAfterReadsSecondsAndDates() {
        java.time.Instant now = java.time.Instant.parse("2026-11-25T14:00:00Z");
        assertThat(RetryAfter.parse("7", now)).isEqualTo(Duration.ofSeconds(7));
        assertThat(RetryAfter.parse("1.5", now)).isEqualTo(Duration.ofMillis(1500));
        assertThat(RetryAfter.parse("Wed, 25 Nov 2026 14:00:12 GMT", now)).isEqualTo(Duration.ofSeconds(12));
        assertThat(RetryAfter.parse("Wed, 25 Nov 2026 13:00:00 GMT", now)).isEqualTo(Duration.ZERO);
        assertThat(RetryAfter.parse("soon", now)).isNull();
        assertThat(RetryAfter.parse("-1", now)).isNull();
        assertThat(RetryAfter.parse(" ", now)).isNull();
    }
}
