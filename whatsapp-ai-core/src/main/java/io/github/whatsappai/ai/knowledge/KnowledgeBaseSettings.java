package io.github.whatsappai.ai.knowledge;

import io.github.whatsappai.internal.Redaction;
import io.github.whatsappai.internal.SettingsCheck;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Where the knowledge base comes from, how often it is refreshed, and the embeddings endpoint that
 * makes its retrieval hybrid. Immutable; the constructor checks every value and reports all
 * problems in one {@link IllegalArgumentException}. {@link #toString()} never prints the key.
 *
 * @param sources PDF sources, each an {@code http(s)} URL or a file path; blank entries are dropped;
 *        empty means no knowledge base (default)
 * @param refreshInterval conditional re-fetch interval (default 1 h); positive
 * @param embeddingsBaseUrl base of an OpenAI-compatible {@code /embeddings} endpoint (e.g.
 *        {@code https://api.openai.com/v1}, Ollama's {@code http://localhost:11434/v1}), an http(s)
 *        URL, a trailing {@code /} removed; {@code null} (default) keeps retrieval lexical
 * @param embeddingsModel the embedding model at that endpoint; required with a base URL and only then
 * @param embeddingsApiKey the endpoint's key, or {@code null} for a local server. Never logged.
 */
public record KnowledgeBaseSettings(List<String> sources, Duration refreshInterval, URI embeddingsBaseUrl,
                                    String embeddingsModel, String embeddingsApiKey) {

    public KnowledgeBaseSettings {
        sources = sources == null ? List.of() : sources.stream().filter(s -> s != null && !s.isBlank()).toList();
        embeddingsBaseUrl = SettingsCheck.stripSlash(embeddingsBaseUrl);
        embeddingsModel = embeddingsModel == null || embeddingsModel.isBlank() ? null : embeddingsModel.strip();
        embeddingsApiKey = embeddingsApiKey == null || embeddingsApiKey.isBlank() ? null : embeddingsApiKey.strip();
        SettingsCheck check = new SettingsCheck("KnowledgeBaseSettings").positive("refreshInterval", refreshInterval);
        if (embeddingsBaseUrl != null) {
            check.httpUrl("embeddingsBaseUrl", embeddingsBaseUrl)
                    .problemIf(embeddingsModel == null, "embeddingsModel",
                            "is required with an embeddings base URL: name the embedding model (e.g. nomic-embed-text "
                                    + "for Ollama, text-embedding-3-small for OpenAI)");
        } else {
            check.problemIf(embeddingsModel != null, "embeddingsBaseUrl",
                    "is required with an embeddings model: give the base URL of its OpenAI-compatible endpoint "
                            + "(e.g. http://localhost:11434/v1)");
        }
        check.done();
    }

    /** Lexical settings: the sources, refreshed every {@code refreshInterval}, no embeddings. */
    public KnowledgeBaseSettings(List<String> sources, Duration refreshInterval) {
        this(sources, refreshInterval, null, null, null);
    }

    /** No sources, refreshed hourly, no embeddings. */
    public static KnowledgeBaseSettings defaults() {
        return builder().build();
    }

    /** A builder with the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** Whether an embeddings endpoint is configured, making retrieval hybrid. */
    public boolean hybrid() {
        return embeddingsBaseUrl != null;
    }

    /**
     * The {@link OpenAiCompatibleEmbedder} these settings configure, with its defaults (batches of
     * {@value OpenAiCompatibleEmbedder#DEFAULT_BATCH_SIZE}, 30 s per exchange, 3 attempts).
     *
     * @throws IllegalStateException when no embeddings endpoint is configured ({@link #hybrid()} is false)
     */
    public OpenAiCompatibleEmbedder.Builder embedderBuilder() {
        if (!hybrid()) {
            throw new IllegalStateException("no embeddings endpoint is configured: set embeddingsBaseUrl and "
                    + "embeddingsModel (EMBEDDINGS_BASE_URL, EMBEDDINGS_MODEL)");
        }
        return OpenAiCompatibleEmbedder.builder(embeddingsBaseUrl.toString(), embeddingsModel).apiKey(embeddingsApiKey);
    }

    /** A builder holding these values, to derive a changed copy. */
    public Builder toBuilder() {
        return new Builder().sources(sources).refreshInterval(refreshInterval)
                .embeddingsBaseUrl(embeddingsBaseUrl == null ? null : embeddingsBaseUrl.toString())
                .embeddingsModel(embeddingsModel).embeddingsApiKey(embeddingsApiKey);
    }

    @Override
    public String toString() {
        return "KnowledgeBaseSettings[sources=" + sources.size() + ", refreshInterval=" + refreshInterval
                + ", embeddingsBaseUrl=" + embeddingsBaseUrl + ", embeddingsModel=" + embeddingsModel
                + ", embeddingsApiKey=" + Redaction.maskSecret(embeddingsApiKey) + ']';
    }

    /** Builds {@link KnowledgeBaseSettings}; not thread-safe. */
    public static final class Builder {
        private List<String> sources = new ArrayList<>();
        private Duration refreshInterval = Duration.ofHours(1);
        private String embeddingsBaseUrl;
        private String embeddingsModel;
        private String embeddingsApiKey;

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

        /** Base URL of an OpenAI-compatible {@code /embeddings} endpoint; default none (lexical retrieval). */
        public Builder embeddingsBaseUrl(String url) {
            this.embeddingsBaseUrl = url;
            return this;
        }

        /** The embedding model at that endpoint; required with a base URL. */
        public Builder embeddingsModel(String model) {
            this.embeddingsModel = model;
            return this;
        }

        /** The endpoint's key; none for a local server. Never logged. */
        public Builder embeddingsApiKey(String key) {
            this.embeddingsApiKey = key;
            return this;
        }

        /**
         * Checks every value and builds the settings.
         *
         * @throws IllegalArgumentException naming every invalid value
         */
        public KnowledgeBaseSettings build() {
            List<SettingsCheck.Problem> problems = new ArrayList<>();
            URI base = embeddingsBaseUrl == null || embeddingsBaseUrl.isBlank() ? null
                    : SettingsCheck.uri("embeddingsBaseUrl", embeddingsBaseUrl, problems);
            return SettingsCheck.build("KnowledgeBaseSettings", problems, () -> new KnowledgeBaseSettings(sources,
                    refreshInterval, base, embeddingsModel, embeddingsApiKey));
        }
    }
}
