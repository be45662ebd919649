package io.github.whatsappai.internal;

import java.time.Clock;
import java.time.Instant;
import java.util.function.LongSupplier;

/** Derives the other views of time the SDK needs from its one time source, a {@link Clock}. */
public final class Clocks {

    private Clocks() {
    }

    /**
     * Nanosecond time for measuring intervals, consistent with {@code clock}: for a system clock,
     * {@link System#nanoTime()} (monotonic, unaffected by wall-clock jumps); for any other clock
     * (a test's {@code ManualClock}), its instant in nanoseconds since the epoch, so a virtual
     * scheduler moving that clock moves this time too. Good until the year 2262.
     */
    public static LongSupplier nanoTicker(Clock clock) {
        if (clock.equals(Clock.system(clock.getZone()))) {
            return System::nanoTime;
        }
        return () -> {
            Instant i = clock.instant();
            return Math.addExact(Math.multiplyExact(i.getEpochSecond(), 1_000_000_000L), i.getNano());
        };
    }
}
