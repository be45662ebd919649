package io.github.whatsappai.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;

/**
 * A {@link Clock} that moves only when told to: {@link #advance(Duration)} or {@link #setInstant(Instant)}.
 * Usually driven by a {@link VirtualScheduler}, which moves it from task to task.
 *
 * <p>Thread-safe: the instant is a volatile field, so threads other than the test's see each change.
 */
public final class ManualClock extends Clock {

    private final ZoneId zone;
    private volatile Instant now;

    /** A clock at {@code start} in UTC. */
    public ManualClock(Instant start) {
        this(start, ZoneOffset.UTC);
    }

    /** A clock at {@code start} in {@code zone}. */
    public ManualClock(Instant start, ZoneId zone) {
        this.now = Objects.requireNonNull(start, "start");
        this.zone = Objects.requireNonNull(zone, "zone");
    }

    /** A clock at 2026-01-01T00:00:00Z in UTC. */
    public static ManualClock atDefaultStart() {
        return new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
    }

    @Override
    public Instant instant() {
        return now;
    }

    @Override
    public long millis() {
        return now.toEpochMilli();
    }

    @Override
    public ZoneId getZone() {
        return zone;
    }

    @Override
    public Clock withZone(ZoneId newZone) {
        ManualClock other = this;
        return new Clock() {
            @Override
            public ZoneId getZone() {
                return newZone;
            }

            @Override
            public Clock withZone(ZoneId z) {
                return other.withZone(z);
            }

            @Override
            public Instant instant() {
                return other.instant();
            }
        };
    }

    /**
     * The current instant in nanoseconds since the epoch: a ticker ({@code clock::nanoTime}) for code
     * that measures elapsed time with a nanosecond {@link java.util.function.LongSupplier}, so it sees
     * the same time as this clock and a {@link VirtualScheduler} moving it. (The SDK's own components
     * take the clock itself, e.g. {@link io.github.whatsappai.client.GraphWhatsAppClient.Builder#clock}.)
     * Good until the year 2262.
     */
    public long nanoTime() {
        Instant i = now;
        return Math.addExact(Math.multiplyExact(i.getEpochSecond(), 1_000_000_000L), i.getNano());
    }

    /** Moves the clock forward by {@code duration} (not negative) without running any task. */
    public synchronized void advance(Duration duration) {
        if (duration.isNegative()) {
            throw new IllegalArgumentException("a clock cannot go back: " + duration);
        }
        now = now.plus(duration);
    }

    /** Sets the clock to {@code instant}, which must not be earlier than now. */
    public synchronized void setInstant(Instant instant) {
        if (instant.isBefore(now)) {
            throw new IllegalArgumentException("a clock cannot go back from " + now + " to " + instant);
        }
        now = instant;
    }

    @Override
    public String toString() {
        return "ManualClock[" + now + "]";
    }
}
