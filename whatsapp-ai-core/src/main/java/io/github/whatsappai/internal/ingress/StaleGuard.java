package io.github.whatsappai.internal.ingress;

import java.time.Duration;
import java.time.Instant;

/**
 * Recognises messages too old to answer (a backlog Meta delivers after an outage): older than the
 * maximum age by the injected clock. Timestamps in the future (clock skew) count as fresh.
 * Thread-safe.
 */
final class StaleGuard {

    private final Duration maxAge;

    StaleGuard(Duration maxAge) {
        this.maxAge = maxAge;
    }

    /** The message's age when it is stale, else {@code null}. */
    Duration staleAge(Instant timestamp, Instant now) {
        Duration age = Duration.between(timestamp, now);
        return age.compareTo(maxAge) > 0 ? age : null;
    }
}
