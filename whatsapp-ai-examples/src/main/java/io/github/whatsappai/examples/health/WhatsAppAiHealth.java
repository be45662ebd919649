package io.github.whatsappai.examples.health;

import io.github.whatsappai.event.Event;
import io.github.whatsappai.event.EventListener;
import io.github.whatsappai.examples.health.HealthCheck.Result;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * Readiness and liveness of one whatsapp-ai instance.
 *
 * <ul>
 *   <li><b>Readiness</b> (may this instance take traffic?): the knowledge base has loaded every
 *       configured source at least once, plus every readiness check given to the builder (store
 *       reachable, backlog below its limit, …).</li>
 *   <li><b>Liveness</b> (should it be restarted?): only the liveness checks given to the builder, e.g.
 *       a backlog far above anything a healthy instance reaches. Keep them few: a restart loses the
 *       in-memory buffer.</li>
 * </ul>
 *
 * <p>It learns about the knowledge base from the SDK's events: pass it to the builder's
 * {@code eventListener(...)} (with {@link EventListener#andThen}). Thread-safe.
 */
public final class WhatsAppAiHealth implements EventListener {

    /** The name of the knowledge-base result. */
    public static final String KNOWLEDGE_BASE = "knowledgeBase";

    private final int knowledgeBaseSources;
    private final List<HealthCheck> readiness;
    private final List<HealthCheck> liveness;
    private final Set<String> loaded = ConcurrentHashMap.newKeySet();
    private final Map<String, String> failed = new ConcurrentHashMap<>();

    private WhatsAppAiHealth(Builder b) {
        this.knowledgeBaseSources = b.knowledgeBaseSources;
        this.readiness = List.copyOf(b.readiness);
        this.liveness = List.copyOf(b.liveness);
    }

    /** A builder; with nothing set, the instance is always ready and live. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public void onEvent(Event event) {
        if (event instanceof Event.KnowledgeBaseLoaded kb) {
            loaded.add(kb.source());
            failed.remove(kb.source());
        } else if (event instanceof Event.KnowledgeBaseLoadFailed kb) {
            failed.put(kb.source(), kb.reason());
        }
    }

    /** Whether the instance may take traffic, and why. */
    public Report readiness() {
        List<Result> results = new ArrayList<>();
        results.add(knowledgeBase());
        run(readiness, results);
        return new Report(results);
    }

    /** Whether the instance still works at all, and why. */
    public Report liveness() {
        List<Result> results = new ArrayList<>();
        run(liveness, results);
        return new Report(results);
    }

    private Result knowledgeBase() {
        Map<String, Object> figures = Map.of("sources", knowledgeBaseSources, "loaded", loaded.size());
        if (knowledgeBaseSources == 0) {
            return Result.up(KNOWLEDGE_BASE, "none configured", figures);
        }
        if (loaded.size() >= knowledgeBaseSources) {
            return Result.up(KNOWLEDGE_BASE, "loaded", figures);
        }
        String detail = loaded.size() + " of " + knowledgeBaseSources + " sources loaded"
                + (failed.isEmpty() ? "" : "; failing: " + String.join("; ", failed.values()));
        return Result.down(KNOWLEDGE_BASE, detail, figures);
    }

    private static void run(List<HealthCheck> checks, List<Result> into) {
        for (HealthCheck check : checks) {
            try {
                into.add(Objects.requireNonNull(check.check(), "a health check returned null"));
            } catch (RuntimeException e) {
                into.add(Result.down(check.getClass().getSimpleName(), "check failed: "
                        + e.getClass().getSimpleName(), Map.of()));
            }
        }
    }

    /**
     * What the checks found; up when every result is up.
     *
     * @param results one per check, knowledge base first for readiness
     */
    public record Report(List<Result> results) {
        public Report {
            results = List.copyOf(results);
        }

        /** Whether every check passed. */
        public boolean up() {
            return results.stream().allMatch(Result::up);
        }

        /** One line: {@code UP (knowledgeBase: loaded, store: reachable)}. */
        public String summary() {
            return (up() ? "UP" : "DOWN") + results.stream()
                    .map(r -> r.name() + ": " + (r.up() ? "" : "DOWN, ") + r.detail())
                    .collect(Collectors.joining(", ", " (", ")"));
        }
    }

    /** Builds a {@link WhatsAppAiHealth}; not thread-safe. */
    public static final class Builder {
        private int knowledgeBaseSources;
        private final List<HealthCheck> readiness = new ArrayList<>();
        private final List<HealthCheck> liveness = new ArrayList<>();

        private Builder() {
        }

        /**
         * How many knowledge-base sources must load before the instance is ready: pass
         * {@code config.knowledgeBase().sources().size()}; 0 (the default) when there is none.
         */
        public Builder knowledgeBaseSources(int sources) {
            if (sources < 0) {
                throw new IllegalArgumentException("sources must be >= 0, was " + sources);
            }
            this.knowledgeBaseSources = sources;
            return this;
        }

        /** Adds a readiness check (store reachable, backlog depth, …). */
        public Builder readiness(HealthCheck check) {
            readiness.add(Objects.requireNonNull(check, "check"));
            return this;
        }

        /** Adds a liveness check; keep them few and lenient. */
        public Builder liveness(HealthCheck check) {
            liveness.add(Objects.requireNonNull(check, "check"));
            return this;
        }

        public WhatsAppAiHealth build() {
            return new WhatsAppAiHealth(this);
        }
    }
}
