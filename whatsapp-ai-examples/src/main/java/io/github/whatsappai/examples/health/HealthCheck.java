package io.github.whatsappai.examples.health;

import java.util.Map;
import java.util.Objects;

/**
 * One part of an instance that can say whether it is fine. Small on purpose: a store, a queue or a
 * remote dependency implements it in a few lines (a durable store reports its outbox depth with
 * {@link HealthChecks#backlog}). Implementations must be thread-safe and answer quickly (a probe
 * waits for them); they must not throw: a failure is a {@link Result#down down} result.
 */
@FunctionalInterface
public interface HealthCheck {

    /** Checks now. */
    Result check();

    /**
     * What a check found.
     *
     * @param name short, stable name (e.g. {@code knowledgeBase}, {@code store}, {@code outbox})
     * @param up whether this part is fine
     * @param detail one line for a person, without secrets or personal data
     * @param figures numbers worth showing (pages, depth, …); may be empty
     */
    record Result(String name, boolean up, String detail, Map<String, Object> figures) {
        public Result {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(detail, "detail");
            figures = Map.copyOf(figures);
        }

        /** A passing result. */
        public static Result up(String name, String detail, Map<String, Object> figures) {
            return new Result(name, true, detail, figures);
        }

        /** A failing result. */
        public static Result down(String name, String detail, Map<String, Object> figures) {
            return new Result(name, false, detail, figures);
        }
    }
}
