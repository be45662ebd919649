package io.github.whatsappai.ai;

import io.github.whatsappai.internal.Redaction;
import io.github.whatsappai.internal.SettingsCheck;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * What asking an LLM through OpenRouter needs: the key, the model and its fallbacks, the API's base
 * URL, attribution, sampling, limits and the system prompt. Immutable; the constructor checks every
 * value and reports all problems in one {@link IllegalArgumentException}. {@link #toString()} never
 * prints the key.
 *
 * @param apiKey the OpenRouter key, or {@code null} when OpenRouter is not used. Never logged.
 * @param model the primary model (default {@value #DEFAULT_MODEL}); not blank
 * @param fallbackModels tried in order when the model fails (default {@value #DEFAULT_FALLBACK_MODEL});
 *        blank entries are dropped
 * @param baseUrl the OpenRouter API base (default {@value #DEFAULT_BASE_URL}), an http(s) URL; a
 *        trailing {@code /} is removed
 * @param appUrl sent as {@code HTTP-Referer} for app attribution, or {@code null}
 * @param appTitle sent as {@code X-OpenRouter-Title} (default {@value #DEFAULT_APP_TITLE}), or {@code null}
 * @param temperature sampling temperature, 0 to 2 (default 0.3)
 * @param maxTokens reply length limit in tokens (default 1024); positive
 * @param requestTimeout time one request may take before it counts as a (retryable) timeout
 *        (default 60 s); positive
 * @param systemPrompt the system prompt (default {@link #DEFAULT_SYSTEM_PROMPT}); not blank. User text
 *        never goes into it.
 * @param mediaModel the model that answers bursts holding voice notes, images or documents (one that
 *        takes audio, images and files, e.g. {@code google/gemini-2.5-flash}), or {@code null} (the
 *        default): then media is not read and the user is asked to send it as text
 * @param mediaFallbackModels tried in order when the media model fails; blank entries are dropped;
 *        unused without a media model
 */
public record OpenRouterSettings(String apiKey, String model, List<String> fallbackModels, URI baseUrl,
                                 String appUrl, String appTitle, double temperature, int maxTokens,
                                 Duration requestTimeout, String systemPrompt, String mediaModel,
                                 List<String> mediaFallbackModels) {

    public static final String DEFAULT_BASE_URL = "https://openrouter.ai/api/v1";
    /** The seed's model: what the user's system runs today. No longer served, hence the fallback. */
    public static final String DEFAULT_MODEL = "google/gemini-2.0-flash-exp:free";
    public static final String DEFAULT_FALLBACK_MODEL = "openrouter/free";
    public static final String DEFAULT_APP_TITLE = "whatsapp-ai";
    public static final double DEFAULT_TEMPERATURE = 0.3;
    public static final int DEFAULT_MAX_TOKENS = 1024;
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(60);
    public static final String DEFAULT_SYSTEM_PROMPT = "You are a helpful customer-service assistant "
            + "answering on WhatsApp. Answer briefly and accurately in the language the user writes in. "
            + "Use the knowledge-base passages when they are relevant; if they do not contain the answer, "
            + "say so instead of guessing.";

    public OpenRouterSettings {
        baseUrl = SettingsCheck.stripSlash(baseUrl);
        fallbackModels = fallbackModels == null ? List.of()
                : fallbackModels.stream().filter(m -> m != null && !m.isBlank()).map(String::strip).toList();
        mediaModel = mediaModel == null || mediaModel.isBlank() ? null : mediaModel.strip();
        mediaFallbackModels = mediaFallbackModels == null ? List.of()
                : mediaFallbackModels.stream().filter(m -> m != null && !m.isBlank()).map(String::strip).toList();
        new SettingsCheck("OpenRouterSettings")
                .notBlank("model", model)
                .httpUrl("baseUrl", baseUrl)
                .problemIf(Double.isNaN(temperature) || temperature < 0 || temperature > 2, "temperature",
                        "must be between 0 and 2, was " + temperature)
                .positive("maxTokens", maxTokens)
                .positive("requestTimeout", requestTimeout)
                .notBlank("systemPrompt", systemPrompt)
                .done();
    }

    /** No key, and every other default. */
    public static OpenRouterSettings defaults() {
        return builder().build();
    }

    /** A builder with the defaults and no key. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding these values, to derive a changed copy. */
    public Builder toBuilder() {
        return new Builder().apiKey(apiKey).model(model).fallbackModels(fallbackModels).baseUrl(baseUrl.toString())
                .appUrl(appUrl).appTitle(appTitle).temperature(temperature).maxTokens(maxTokens)
                .requestTimeout(requestTimeout).systemPrompt(systemPrompt).mediaModel(mediaModel)
                .mediaFallbackModels(mediaFallbackModels);
    }

    @Override
    public String toString() {
        return "OpenRouterSettings[apiKey=" + Redaction.maskSecret(apiKey) + ", model=" + model
                + ", fallbackModels=" + fallbackModels + ", baseUrl=" + baseUrl + ", appUrl=" + appUrl
                + ", appTitle=" + appTitle + ", temperature=" + temperature + ", maxTokens=" + maxTokens
                + ", requestTimeout=" + requestTimeout + ", systemPrompt=" + systemPrompt.length() + " chars, mediaModel="
                + mediaModel + ", mediaFallbackModels=" + mediaFallbackModels + "]";
    }

    /** Builds {@link OpenRouterSettings}; not thread-safe. {@link #build()} never changes the builder. */
    public static final class Builder {
        private String apiKey;
        private String model = DEFAULT_MODEL;
        private List<String> fallbackModels = new ArrayList<>(List.of(DEFAULT_FALLBACK_MODEL));
        private String baseUrl = DEFAULT_BASE_URL;
        private String appUrl;
        private String appTitle = DEFAULT_APP_TITLE;
        private double temperature = DEFAULT_TEMPERATURE;
        private int maxTokens = DEFAULT_MAX_TOKENS;
        private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
        private String systemPrompt = DEFAULT_SYSTEM_PROMPT;
        private String mediaModel;
        private List<String> mediaFallbackModels = new ArrayList<>();

        private Builder() {
        }

        /**
         * The model for bursts with voice notes, images or documents; default none (media is not read
         * and the user is asked to send text).
         */
        public Builder mediaModel(String model) {
            this.mediaModel = model;
            return this;
        }

        /** The media model's fallbacks, in order; default none. */
        public Builder mediaFallbackModels(Collection<String> models) {
            this.mediaFallbackModels = new ArrayList<>(models);
            return this;
        }

        /** The OpenRouter key; never logged. */
        public Builder apiKey(String apiKey) {
            this.apiKey = apiKey;
            return this;
        }

        /** The primary model; default {@value OpenRouterSettings#DEFAULT_MODEL}. */
        public Builder model(String model) {
            this.model = model;
            return this;
        }

        /** The fallback models, in order; default {@value OpenRouterSettings#DEFAULT_FALLBACK_MODEL}. */
        public Builder fallbackModels(Collection<String> models) {
            this.fallbackModels = new ArrayList<>(models);
            return this;
        }

        /** The OpenRouter API base; default {@value OpenRouterSettings#DEFAULT_BASE_URL}. */
        public Builder baseUrl(String url) {
            this.baseUrl = url;
            return this;
        }

        /** Sent as {@code HTTP-Referer}; default none. */
        public Builder appUrl(String url) {
            this.appUrl = url;
            return this;
        }

        /** Sent as {@code X-OpenRouter-Title}; default {@value OpenRouterSettings#DEFAULT_APP_TITLE}. */
        public Builder appTitle(String title) {
            this.appTitle = title;
            return this;
        }

        /** 0 to 2; default 0.3. */
        public Builder temperature(double temperature) {
            this.temperature = temperature;
            return this;
        }

        /** Reply length limit; default 1024. */
        public Builder maxTokens(int maxTokens) {
            this.maxTokens = maxTokens;
            return this;
        }

        /** Time one request may take; default 60 s. */
        public Builder requestTimeout(Duration timeout) {
            this.requestTimeout = timeout;
            return this;
        }

        /** The system prompt; default {@link OpenRouterSettings#DEFAULT_SYSTEM_PROMPT}. */
        public Builder systemPrompt(String prompt) {
            this.systemPrompt = prompt;
            return this;
        }

        /**
         * Checks every value and builds the settings.
         *
         * @throws IllegalArgumentException naming every invalid value
         */
        public OpenRouterSettings build() {
            List<SettingsCheck.Problem> problems = new ArrayList<>();
            URI base = SettingsCheck.uri("baseUrl", baseUrl, problems);
            return SettingsCheck.build("OpenRouterSettings", problems, () -> new OpenRouterSettings(apiKey, model,
                    fallbackModels, base, appUrl, appTitle, temperature, maxTokens, requestTimeout, systemPrompt, mediaModel,
                    mediaFallbackModels));
        }
    }
}
