package io.github.whatsappai.ai.knowledge;

import io.github.whatsappai.internal.SettingsCheck;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Where the knowledge base comes from and how often it is refreshed. Immutable; the constructor
 * checks every value and reports all problems in one {@link IllegalArgumentException}.
 *
 * @param sources PDF sources, each an {@code http(s)} URL or a file path; blank entries are dropped;
 *        empty means no knowledge base (default)
 * @param refreshInterval conditional re-fetch interval (default 1 h); positive
 */
public record KnowledgeBaseSettings(List<String> sources, Duration refreshInterval) {

    public KnowledgeBaseSettings {
        sources = sources == null ? List.of() : sources.stream().filter(s -> s != null && !s.isBlank()).toList();
        new SettingsCheck("KnowledgeBaseSettings").positive("refreshInterval", refreshInterval).done();
    }

    /** No sources, refreshed hourly. */
    public static KnowledgeBaseSettings defaults() {
        return builder().build();
    }

    /** A builder with the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding these values, to derive a changed copy. */
    public Builder toBuilder() {
        return new Builder().sources(sources).refreshInterval(refreshInterval);
    }

    @Override
    public String toString() {
        return "KnowledgeBaseSettings[sources=" + sources.size() + ", refreshInterval=" + refreshInterval + ']';
    }

    /** Builds {@link KnowledgeBaseSettings}; not thread-safe. */
    public static final class Builder {
        private List<String> sources = new ArrayList<>();
        private Duration refreshInterval = Duration.ofHours(1);

        private Builder() {
        }

        /** The PDF sources: {@code http(s)} URLs or file paths. */
        public Builder sources(Collection<String> sources) {
            this.sources = new ArrayList<>(sources);
            return this;
        }

        /** The conditional re-fetch interval; default 1 h. */
        public Builder refreshInterval(Duration interval) {
            this.refreshInterval = interval;
            return this;
        }

        /**
         * Checks every value and builds the settings.
         *
         * @throws IllegalArgumentException naming every invalid value
         */
        public KnowledgeBaseSettings build() {
            return new KnowledgeBaseSettings(sources, refreshInterval);
        }
    }
}
