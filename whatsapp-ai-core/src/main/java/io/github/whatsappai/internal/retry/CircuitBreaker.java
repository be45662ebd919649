package io.github.whatsappai.internal.retry;

import io.github.whatsappai.event.Event;
import io.github.whatsappai.event.EventListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Stops calling a remote side that keeps failing. <b>Closed</b>: calls go through and consecutive
 * counted failures are tallied; {@code failureThreshold} of them in a row <b>open</b> the circuit.
 * Open: every call is refused at once, for an open period drawn from {@code openBackoff} (the first
 * period after opening, then longer after each failed probe). When the period is over the circuit is
 * <b>half-open</b>: exactly one call (the probe) goes through and every other is refused while it
 * runs; a probe that succeeds closes the circuit, one that fails opens it again for a longer period.
 * So while the remote side is down it gets one call per open period, however many callers there
 * are. Each change of state is an {@link Event} ({@link Event.CircuitOpened},
 * {@link Event.CircuitHalfOpened}, {@link Event.CircuitClosed}).
 *
 * <p>Calls take a {@link Permit} with {@link #tryAcquire()} and report through it exactly once. A
 * permit taken before the state changed reports into the past: its result is ignored, so a slow
 * call that started before the circuit opened cannot close it again. Thread-safe; time comes from
 * the {@link Clock}.
 */
public final class CircuitBreaker {

    /** Default consecutive failures that open the circuit. */
    public static final int DEFAULT_FAILURE_THRESHOLD = 5;
    /** Default open periods: 5 s after opening, doubling per failed probe up to 30 s. */
    public static final Backoff DEFAULT_OPEN_BACKOFF =
            Backoff.exponential(Duration.ofSeconds(5), Duration.ofSeconds(30)).withJitter(Backoff.Jitter.NONE);

    private static final Logger LOG = LoggerFactory.getLogger(CircuitBreaker.class);

    /** The circuit's state. */
    public enum State { CLOSED, OPEN, HALF_OPEN }

    private final String name;
    private final int failureThreshold;
    private final Backoff openBackoff;
    private final Clock clock;
    private final EventListener listener;

    /** Guarded by this. */
    private State state = State.CLOSED;
    private long generation;
    private int consecutiveFailures;
    private int openings;
    private Instant openUntil = Instant.MIN;
    private Instant probeStarted;

    private CircuitBreaker(String name, int failureThreshold, Backoff openBackoff, Clock clock, EventListener listener) {
        this.name = name;
        this.failureThreshold = failureThreshold;
        this.openBackoff = openBackoff;
        this.clock = clock;
        this.listener = listener;
    }

    /**
     * A breaker.
     *
     * @param name             names the circuit in events and logs, e.g. {@code "openrouter"}
     * @param failureThreshold consecutive counted failures that open it (at least 1)
     * @param openBackoff      the open periods: {@code delay(1)} after opening, {@code delay(n+1)}
     *                         after the n-th failed probe in a row
     * @param clock            the time
     * @param listener         receives the state changes
     */
    public static CircuitBreaker of(String name, int failureThreshold, Backoff openBackoff, Clock clock,
                                    EventListener listener) {
        Objects.requireNonNull(name, "name");
        if (failureThreshold < 1) {
            throw new IllegalArgumentException("failureThreshold must be at least 1, was " + failureThreshold);
        }
        return new CircuitBreaker(name, failureThreshold, Objects.requireNonNull(openBackoff, "openBackoff"),
                Objects.requireNonNull(clock, "clock"), Objects.requireNonNull(listener, "listener"));
    }

    /** The circuit's name. */
    public String name() {
        return name;
    }

    /** The current state; an open circuit whose period is over reads as half-open. */
    public synchronized State state() {
        if (state == State.OPEN && !clock.instant().isBefore(openUntil)) {
            return State.HALF_OPEN;
        }
        return state;
    }

    /** Until when the circuit stays open; meaningful while {@link #state()} is {@link State#OPEN}. */
    public synchronized Instant openUntil() {
        return openUntil;
    }

    /**
     * Asks to make a call.
     *
     * @return a permit to report the call's outcome through, or {@code null} when the circuit refuses
     */
    public Permit tryAcquire() {
        Event changed = null;
        Permit permit = null;
        synchronized (this) {
            Instant now = clock.instant();
            switch (state) {
                case CLOSED -> permit = new Permit(generation);
                case OPEN -> {
                    if (!now.isBefore(openUntil)) {
                        state = State.HALF_OPEN;
                        generation++;
                        probeStarted = now;
                        permit = new Permit(generation);
                        changed = new Event.CircuitHalfOpened(name);
                    }
                }
                case HALF_OPEN -> {
                    // a probe whose outcome never came (it should: every call has a timeout) is given up
                    if (probeStarted == null || !now.isBefore(probeStarted.plus(openBackoff.max()))) {
                        generation++;
                        probeStarted = now;
                        permit = new Permit(generation);
                    }
                }
                default -> throw new IllegalStateException(state.toString());
            }
        }
        emit(changed);
        return permit;
    }

    private void record(long permitGeneration, boolean success, boolean failure) {
        Event changed = null;
        synchronized (this) {
            if (permitGeneration != generation) {
                return;
            }
            if (state == State.CLOSED) {
                if (success) {
                    consecutiveFailures = 0;
                } else if (failure && ++consecutiveFailures >= failureThreshold) {
                    changed = open(consecutiveFailures);
                }
            } else if (state == State.HALF_OPEN) {
                if (success) {
                    state = State.CLOSED;
                    generation++;
                    consecutiveFailures = 0;
                    openings = 0;
                    probeStarted = null;
                    changed = new Event.CircuitClosed(name);
                } else if (failure) {
                    changed = open(1);
                } else {
                    probeStarted = null;  // released: the next caller probes
                }
            }
        }
        emit(changed);
    }

    /** Caller holds the lock. */
    private Event open(int failures) {
        openings++;
        Duration period = openBackoff.delay(openings, null);
        state = State.OPEN;
        generation++;
        probeStarted = null;
        openUntil = clock.instant().plus(period);
        return new Event.CircuitOpened(name, failures, period);
    }

    private void emit(Event event) {
        if (event == null) {
            return;
        }
        try {
            listener.onEvent(event);
        } catch (RuntimeException e) {
            LOG.warn("event listener failed on {}", event.getClass().getSimpleName(), e);
        }
    }

    @Override
    public synchronized String toString() {
        return "CircuitBreaker[" + name + ", " + state + ", threshold " + failureThreshold + "]";
    }

    /** The right to make one call; report its outcome once through one of the methods. */
    public final class Permit {
        private final long generation;

        private Permit(long generation) {
            this.generation = generation;
        }

        /** The call succeeded, or the remote side answered with a refusal: it is up. */
        public void success() {
            record(generation, true, false);
        }

        /** The call failed in a way that counts against the remote side. */
        public void failure() {
            record(generation, false, true);
        }

        /** The call ended without telling anything about the remote side (cancelled). */
        public void release() {
            record(generation, false, false);
        }
    }
}
