package io.github.whatsappai;

import io.github.whatsappai.EnvironmentVariable.Section;
import io.github.whatsappai.ai.OpenRouterSettings;
import io.github.whatsappai.ai.knowledge.KnowledgeBaseSettings;
import io.github.whatsappai.store.BufferPolicy;
import io.github.whatsappai.client.GraphSettings;
import io.github.whatsappai.conversation.ConversationSettings;
import io.github.whatsappai.conversation.MediaSettings;
import io.github.whatsappai.internal.InvalidSettingsException;
import io.github.whatsappai.internal.SettingsCheck;
import io.github.whatsappai.webhook.GuardSettings;
import io.github.whatsappai.webhook.WebhookSettings;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Immutable configuration of a {@link WhatsAppAi} instance: one settings record per feature, each
 * owned by the package that uses it.
 *
 * <p>Build it with {@link #builder()} or read it from environment variables with
 * {@link #fromEnvironment(Map)}; the variables, their defaults and the settings field each sets are
 * listed in {@code docs/configuration.md}. {@link Builder#build()} checks every value of every
 * feature at once and reports all problems in one {@link IllegalArgumentException}, naming each
 * value by the variable that sets it. {@link #toString()} never prints a secret. Durations accept
 * {@code 500ms}, {@code 15s}, {@code 10m}, {@code 24h}, {@code 7d} or ISO-8601; lists are
 * comma-separated.
 *
 * @param webhook receiving: app secrets, verify token, the numbers served, the body cap
 * @param guards the limits of the ingress guards: message age, de-duplication, rate limit, message length
 * @param buffer when a conversation's burst is answered
 * @param conversation sessions, the prompt history, reset words and the fixed texts
 * @param media how voice notes, images and documents are read: caps per file and per burst, files per
 *        user per day, the download timeout and the notice naming what could not be read
 * @param knowledgeBase the PDF sources, their refresh interval and the embeddings endpoint of hybrid retrieval
 * @param openRouter the OpenRouter responder: key, models, base URL, sampling, limits, system prompt
 * @param graph sending through the Graph API: token, base URL, version, pace
 */
public record WhatsAppAiConfig(WebhookSettings webhook, GuardSettings guards, BufferPolicy buffer,
                               ConversationSettings conversation, MediaSettings media,
                               KnowledgeBaseSettings knowledgeBase, OpenRouterSettings openRouter,
                               GraphSettings graph) {

    public WhatsAppAiConfig {
        Objects.requireNonNull(webhook, "webhook");
        Objects.requireNonNull(guards, "guards");
        Objects.requireNonNull(buffer, "buffer");
        Objects.requireNonNull(conversation, "conversation");
        Objects.requireNonNull(media, "media");
        Objects.requireNonNull(knowledgeBase, "knowledgeBase");
        Objects.requireNonNull(openRouter, "openRouter");
        Objects.requireNonNull(graph, "graph");
    }

    /** A builder with every default set; the receiving secrets and phone number ids must be supplied. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Reads the configuration from environment-style variables (pass {@code System.getenv()}).
     * Unset or blank variables keep their defaults.
     *
     * @throws IllegalArgumentException listing every missing or invalid value
     */
    public static WhatsAppAiConfig fromEnvironment(Map<String, String> env) {
        return builder().applyEnvironment(env).build();
    }

    /** A builder holding this configuration's values, to derive a changed copy. */
    public Builder toBuilder() {
        return new Builder().webhook(webhook).guards(guards).buffer(buffer).conversation(conversation)
                .media(media).knowledgeBase(knowledgeBase).openRouter(openRouter).graph(graph);
    }

    /**
     * Builds a {@link WhatsAppAiConfig} from one builder per feature. Set a whole feature with its
     * record ({@link #graph(GraphSettings)}, …) or single values with the shortcuts below, which set
     * the same feature builders. Not thread-safe; {@link #build()} never changes the builder.
     */
    public static final class Builder {
        private WebhookSettings.Builder webhook = WebhookSettings.builder();
        private GuardSettings.Builder guards = GuardSettings.builder();
        private BufferPolicy.Builder buffer = BufferPolicy.builder();
        private ConversationSettings.Builder conversation = ConversationSettings.builder();
        private MediaSettings.Builder media = MediaSettings.builder();
        private GraphSettings.Builder graph = GraphSettings.builder();
        private OpenRouterSettings.Builder openRouter = OpenRouterSettings.builder();
        private KnowledgeBaseSettings.Builder knowledgeBase = KnowledgeBaseSettings.builder();
        private final List<String> environmentProblems = new ArrayList<>();

        private Builder() {
        }

        /** Replaces the receiving settings. */
        public Builder webhook(WebhookSettings settings) {
            this.webhook = settings.toBuilder();
            return this;
        }

        /** Replaces the guards' limits. */
        public Builder guards(GuardSettings settings) {
            this.guards = settings.toBuilder();
            return this;
        }

        /** Replaces the buffer policy. */
        public Builder buffer(BufferPolicy policy) {
            this.buffer = policy.toBuilder();
            return this;
        }

        /** Replaces the conversation settings. */
        public Builder conversation(ConversationSettings settings) {
            this.conversation = settings.toBuilder();
            return this;
        }

        /** Replaces the media settings. */
        public Builder media(MediaSettings settings) {
            this.media = settings.toBuilder();
            return this;
        }

        /** Replaces the Graph API settings. */
        public Builder graph(GraphSettings settings) {
            this.graph = settings.toBuilder();
            return this;
        }

        /** Replaces the OpenRouter settings. */
        public Builder openRouter(OpenRouterSettings settings) {
            this.openRouter = settings.toBuilder();
            return this;
        }

        /** Replaces the knowledge-base settings. */
        public Builder knowledgeBase(KnowledgeBaseSettings settings) {
            this.knowledgeBase = settings.toBuilder();
            return this;
        }

        // ---- shortcuts: one value of one feature ------------------------------------------------

        /** {@link WebhookSettings#appId()}. */
        public Builder appId(String appId) {
            webhook.appId(appId);
            return this;
        }

        /** {@link WebhookSettings#appSecrets()}: several during a rotation, the current one first. */
        public Builder appSecrets(String... secrets) {
            webhook.appSecrets(secrets);
            return this;
        }

        /** {@link WebhookSettings#appSecrets()}: several during a rotation, the current one first. */
        public Builder appSecrets(Collection<String> secrets) {
            webhook.appSecrets(secrets);
            return this;
        }

        /** {@link WebhookSettings#verifyToken()}. */
        public Builder verifyToken(String verifyToken) {
            webhook.verifyToken(verifyToken);
            return this;
        }

        /** {@link WebhookSettings#phoneNumberIds()}. */
        public Builder phoneNumberIds(String... ids) {
            webhook.phoneNumberIds(ids);
            return this;
        }

        /** {@link WebhookSettings#phoneNumberIds()}. */
        public Builder phoneNumberIds(Collection<String> ids) {
            webhook.phoneNumberIds(ids);
            return this;
        }

        /** {@link WebhookSettings#businessAccountIds()}. */
        public Builder businessAccountIds(String... ids) {
            webhook.businessAccountIds(ids);
            return this;
        }

        /** {@link WebhookSettings#businessAccountIds()}. */
        public Builder businessAccountIds(Collection<String> ids) {
            webhook.businessAccountIds(ids);
            return this;
        }

        /** {@link WebhookSettings#maxBodyBytes()}. */
        public Builder maxBodyBytes(int bytes) {
            webhook.maxBodyBytes(bytes);
            return this;
        }

        /** {@link GuardSettings#maxMessageAge()}. */
        public Builder maxMessageAge(Duration age) {
            guards.maxMessageAge(age);
            return this;
        }

        /** {@link GuardSettings#dedupCapacity()}. */
        public Builder dedupCapacity(int capacity) {
            guards.dedupCapacity(capacity);
            return this;
        }

        /** {@link GuardSettings#rateLimitPerMinute()}. */
        public Builder rateLimitPerMinute(int perMinute) {
            guards.rateLimitPerMinute(perMinute);
            return this;
        }

        /** {@link GuardSettings#maxMessageChars()}. */
        public Builder maxMessageChars(int chars) {
            guards.maxMessageChars(chars);
            return this;
        }

        /** {@link BufferPolicy#window()}. */
        public Builder bufferWindow(Duration window) {
            buffer.window(window);
            return this;
        }

        /** {@link BufferPolicy#maxWait()}. */
        public Builder bufferMaxWait(Duration maxWait) {
            buffer.maxWait(maxWait);
            return this;
        }

        /** {@link BufferPolicy#maxBatchSize()}. */
        public Builder bufferMaxBatchSize(int size) {
            buffer.maxBatchSize(size);
            return this;
        }

        /** {@link ConversationSettings#sessionIdleTimeout()}. */
        public Builder sessionIdleTimeout(Duration timeout) {
            conversation.sessionIdleTimeout(timeout);
            return this;
        }

        /** {@link ConversationSettings#historyMaxTurns()}. */
        public Builder historyMaxTurns(int turns) {
            conversation.historyMaxTurns(turns);
            return this;
        }

        /** {@link ConversationSettings#historyMaxChars()}. */
        public Builder historyMaxChars(int chars) {
            conversation.historyMaxChars(chars);
            return this;
        }

        /** {@link ConversationSettings#maxBatchChars()}. */
        public Builder maxBatchChars(int chars) {
            conversation.maxBatchChars(chars);
            return this;
        }

        /** {@link ConversationSettings#sessionResetWords()}. */
        public Builder sessionResetWords(Collection<String> words) {
            conversation.sessionResetWords(words);
            return this;
        }

        /** {@link ConversationSettings#messages()}. */
        public Builder messages(ConversationSettings.Messages messages) {
            conversation.messages(messages);
            return this;
        }

        /**
         * {@link ConversationSettings#expiredReplyTemplate()}, written {@code name} or
         * {@code name:language} (language default {@code en_US}); blank for none.
         *
         * @throws IllegalArgumentException when the name or language is malformed
         */
        public Builder expiredReplyTemplate(String template) {
            conversation.expiredReplyTemplate(template == null || template.isBlank() ? null
                    : ConversationSettings.ReplyTemplate.parse(template));
            return this;
        }

        /** {@link MediaSettings#maxItemBytes()}. */
        public Builder mediaMaxItemBytes(long bytes) {
            media.maxItemBytes(bytes);
            return this;
        }

        /** {@link MediaSettings#maxBurstBytes()}. */
        public Builder mediaMaxBurstBytes(long bytes) {
            media.maxBurstBytes(bytes);
            return this;
        }

        /** {@link MediaSettings#maxItemsPerUserPerDay()}. */
        public Builder mediaMaxItemsPerUserPerDay(int items) {
            media.maxItemsPerUserPerDay(items);
            return this;
        }

        /** {@link MediaSettings#downloadTimeout()}. */
        public Builder mediaDownloadTimeout(Duration timeout) {
            media.downloadTimeout(timeout);
            return this;
        }

        /** {@link GraphSettings#accessToken()}. */
        public Builder accessToken(String accessToken) {
            graph.accessToken(accessToken);
            return this;
        }

        /** {@link GraphSettings#baseUrl()}. */
        public Builder graphApiBaseUrl(String url) {
            graph.baseUrl(url);
            return this;
        }

        /** {@link GraphSettings#version()}. */
        public Builder graphApiVersion(String version) {
            graph.version(version);
            return this;
        }

        /** {@link GraphSettings#outboundMessagesPerSecond()}. */
        public Builder outboundMessagesPerSecond(int perSecond) {
            graph.outboundMessagesPerSecond(perSecond);
            return this;
        }

        /** {@link OpenRouterSettings#apiKey()}. */
        public Builder openRouterApiKey(String key) {
            openRouter.apiKey(key);
            return this;
        }

        /** {@link OpenRouterSettings#model()}. */
        public Builder openRouterModel(String model) {
            openRouter.model(model);
            return this;
        }

        /** {@link OpenRouterSettings#fallbackModels()}. */
        public Builder openRouterFallbackModels(List<String> models) {
            openRouter.fallbackModels(models);
            return this;
        }

        /** {@link OpenRouterSettings#mediaModel()}. */
        public Builder openRouterMediaModel(String model) {
            openRouter.mediaModel(model);
            return this;
        }

        /** {@link OpenRouterSettings#mediaFallbackModels()}. */
        public Builder openRouterMediaFallbackModels(List<String> models) {
            openRouter.mediaFallbackModels(models);
            return this;
        }

        /** {@link OpenRouterSettings#baseUrl()}. */
        public Builder openRouterBaseUrl(String url) {
            openRouter.baseUrl(url);
            return this;
        }

        /** {@link OpenRouterSettings#appUrl()}. */
        public Builder openRouterAppUrl(String url) {
            openRouter.appUrl(url);
            return this;
        }

        /** {@link OpenRouterSettings#appTitle()}. */
        public Builder openRouterAppTitle(String title) {
            openRouter.appTitle(title);
            return this;
        }

        /** {@link OpenRouterSettings#temperature()}. */
        public Builder aiTemperature(double temperature) {
            openRouter.temperature(temperature);
            return this;
        }

        /** {@link OpenRouterSettings#maxTokens()}. */
        public Builder aiMaxTokens(int maxTokens) {
            openRouter.maxTokens(maxTokens);
            return this;
        }

        /** {@link OpenRouterSettings#requestTimeout()}. */
        public Builder aiRequestTimeout(Duration timeout) {
            openRouter.requestTimeout(timeout);
            return this;
        }

        /** {@link OpenRouterSettings#systemPrompt()}. */
        public Builder systemPrompt(String prompt) {
            openRouter.systemPrompt(prompt);
            return this;
        }

        /** {@link KnowledgeBaseSettings#sources()}. */
        public Builder knowledgeBaseSources(List<String> sources) {
            knowledgeBase.sources(sources);
            return this;
        }

        /** {@link KnowledgeBaseSettings#refreshInterval()}. */
        public Builder knowledgeBaseRefreshInterval(Duration interval) {
            knowledgeBase.refreshInterval(interval);
            return this;
        }

        /** {@link KnowledgeBaseSettings#embeddingsBaseUrl()}. */
        public Builder embeddingsBaseUrl(String url) {
            knowledgeBase.embeddingsBaseUrl(url);
            return this;
        }

        /** {@link KnowledgeBaseSettings#embeddingsModel()}. */
        public Builder embeddingsModel(String model) {
            knowledgeBase.embeddingsModel(model);
            return this;
        }

        /** {@link KnowledgeBaseSettings#embeddingsApiKey()}; never logged. */
        public Builder embeddingsApiKey(String key) {
            knowledgeBase.embeddingsApiKey(key);
            return this;
        }

        /**
         * Applies every variable of {@code docs/configuration.md} that is set and not blank. Values that
         * cannot be read are reported by {@link #build()} together with the rest.
         */
        public Builder applyEnvironment(Map<String, String> env) {
            EnvironmentVariable.applyAll(Objects.requireNonNull(env, "env"), this, environmentProblems);
            return this;
        }

        /**
         * Checks every value of every feature and builds the configuration.
         *
         * @throws IllegalArgumentException naming every missing or invalid value in one message
         */
        public WhatsAppAiConfig build() {
            List<String> problems = new ArrayList<>(environmentProblems);
            WebhookSettings w = check(problems, Section.WEBHOOK, webhook::build);
            GuardSettings g = check(problems, Section.GUARDS, guards::build);
            BufferPolicy b = check(problems, Section.BUFFER, buffer::build);
            ConversationSettings c = check(problems, Section.CONVERSATION, conversation::build);
            MediaSettings m = check(problems, Section.MEDIA, media::build);
            KnowledgeBaseSettings k = check(problems, Section.KNOWLEDGE_BASE, knowledgeBase::build);
            OpenRouterSettings o = check(problems, Section.OPEN_ROUTER, openRouter::build);
            GraphSettings gr = check(problems, Section.GRAPH, graph::build);
            if (!problems.isEmpty()) {
                throw new IllegalArgumentException(SettingsCheck.message("Invalid whatsapp-ai configuration", problems));
            }
            return new WhatsAppAiConfig(w, g, b, c, m, k, o, gr);
        }

        private static <T> T check(List<String> problems, Section section, Supplier<T> build) {
            try {
                return build.get();
            } catch (InvalidSettingsException e) {
                e.problems().forEach(p -> problems.add(EnvironmentVariable.describe(section, p)));
                return null;
            }
        }
    }
}
