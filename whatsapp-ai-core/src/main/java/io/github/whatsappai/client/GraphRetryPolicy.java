package io.github.whatsappai.client;

import io.github.whatsappai.internal.retry.RetryPolicy;
import io.github.whatsappai.internal.retry.Verdict;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Decides, by Graph's {@code error.code} (not the HTTP status), whether and when a failed attempt
 * is tried again; {@link GraphWhatsAppClient} documents the table. On top of the codes, a message
 * send whose request may have reached Meta (a timeout or a broken connection after the request was
 * written, or a 5xx without a Graph error) is ambiguous: Meta may have accepted it, so it is sent
 * again at most once per call, and the {@link Ambiguity} records it for the
 * {@link io.github.whatsappai.event.Event.SendAmbiguous} event. Thread-safe.
 */
final class GraphRetryPolicy {

    private final int maxAttempts;
    private final long maintenanceNanos;
    private final PairHolds holds;
    private final RandomGenerator random;

    GraphRetryPolicy(int maxAttempts, Duration maintenanceDelay, PairHolds holds, RandomGenerator random) {
        this.maxAttempts = maxAttempts;
        this.maintenanceNanos = maintenanceDelay.toNanos();
        this.holds = holds;
        this.random = random;
    }

    /** What one call's attempts learnt about whether its message may have arrived. */
    static final class Ambiguity {
        private volatile boolean seen;
        private volatile boolean retried;

        /** Whether an attempt may have reached Meta without an answer. */
        boolean seen() {
            return seen;
        }

        /** Whether the message was sent again after such an attempt. */
        boolean retried() {
            return retried;
        }
    }

    /** The classifier for the attempts of {@code call}. */
    RetryPolicy.Classifier classifier(GraphCall<?> call, Ambiguity ambiguity) {
        return (failure, attempt) -> classify(call, failure, attempt, ambiguity);
    }

    private Verdict classify(GraphCall<?> call, Throwable failure, int attempt, Ambiguity ambiguity) {
        if (!(failure instanceof WhatsAppApiException e) || !e.isRetryable()) {
            return Verdict.stop();
        }
        if (call.sendsMessage() && e.mayHaveArrived()) {
            ambiguity.seen = true;
            if (ambiguity.retried || attempt >= maxAttempts) {
                return Verdict.stopCounted();
            }
            ambiguity.retried = true;
            return Verdict.backoff();
        }
        if (e.code() == WhatsAppApiException.PAIR_RATE_LIMIT && call.pairKey() != null) {
            return Verdict.retryIn(Duration.ofNanos(holds.strike(call.pairKey())));
        }
        if (e.code() == WhatsAppApiException.MAINTENANCE) {
            return Verdict.retryIn(Duration.ofNanos(maintenanceNanos + (long) (maintenanceNanos * 0.1 * fraction())));
        }
        return Verdict.backoff();
    }

    private double fraction() {
        return random != null ? random.nextDouble() : java.util.concurrent.ThreadLocalRandom.current().nextDouble();
    }
}
