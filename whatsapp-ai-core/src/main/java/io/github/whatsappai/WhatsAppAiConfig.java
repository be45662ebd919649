package io.github.whatsappai;

import io.github.whatsappai.internal.Durations;
import io.github.whatsappai.internal.Redaction;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Immutable configuration of a {@link WhatsAppAi} instance.
 *
 * <p>Build it with {@link #builder()} or read it from environment variables with
 * {@link #fromEnvironment(Map)}. {@link Builder#build()} checks every value at once and reports all
 * problems in one {@link IllegalArgumentException}. {@link #toString()} never prints a secret.
 *
 * <p>Environment variables (the seed's first):
 * <table>
 *   <caption>Environment variables</caption>
 *   <tr><th>name</th><th>meaning</th><th>default</th></tr>
 *   <tr><td>{@code META_APP_ID}</td><td>labels logs and metrics</td><td>none</td></tr>
 *   <tr><td>{@code META_APP_SECRET}</td><td>app secret(s) signing webhooks; comma-separated during a rotation</td><td>required</td></tr>
 *   <tr><td>{@code META_WEBHOOK_VERIFY_TOKEN}</td><td>the dashboard's verify token</td><td>required</td></tr>
 *   <tr><td>{@code META_PHONE_NUMBER_ID}</td><td>phone number id(s) served, comma-separated</td><td>required</td></tr>
 *   <tr><td>{@code META_BUSINESS_ACCOUNT_ID}</td><td>WABA id(s); when set, other {@code entry[].id} are ignored</td><td>any</td></tr>
 *   <tr><td>{@code META_ACCESS_TOKEN}</td><td>Graph API token for sending</td><td>none</td></tr>
 *   <tr><td>{@code META_GRAPH_API_BASE_URL}</td><td>Graph API base</td><td>{@value #DEFAULT_GRAPH_API_BASE_URL}</td></tr>
 *   <tr><td>{@code META_GRAPH_API_VERSION}</td><td>Graph API version</td><td>{@value #DEFAULT_GRAPH_API_VERSION}</td></tr>
 *   <tr><td>{@code OPENROUTER_API_KEY}</td><td>OpenRouter key</td><td>none</td></tr>
 *   <tr><td>{@code OPENROUTER_MODEL}</td><td>primary model</td><td>{@value #DEFAULT_OPENROUTER_MODEL}</td></tr>
 *   <tr><td>{@code OPENROUTER_FALLBACK_MODELS}</td><td>comma-separated fallback models</td><td>{@value #DEFAULT_OPENROUTER_FALLBACK}</td></tr>
 *   <tr><td>{@code OPENROUTER_BASE_URL}</td><td>OpenRouter API base</td><td>{@value #DEFAULT_OPENROUTER_BASE_URL}</td></tr>
 *   <tr><td>{@code AI_SYSTEM_PROMPT}</td><td>system prompt</td><td>a short assistant prompt</td></tr>
 *   <tr><td>{@code KNOWLEDGE_BASE_URLS}</td><td>comma-separated PDF URLs or file paths</td><td>none</td></tr>
 *   <tr><td>{@code MESSAGE_BUFFER_WINDOW}</td><td>quiet window before a burst is answered</td><td>15s</td></tr>
 *   <tr><td>{@code MESSAGE_BUFFER_MAX_WAIT}</td><td>longest wait after a burst's first message</td><td>60s</td></tr>
 *   <tr><td>{@code MESSAGE_BUFFER_MAX_BATCH}</td><td>messages that flush a burst at once</td><td>20</td></tr>
 *   <tr><td>{@code RATE_LIMIT_PER_MINUTE}</td><td>messages per sender per minute</td><td>20</td></tr>
 *   <tr><td>{@code SESSION_IDLE_TIMEOUT}</td><td>inactivity that starts a new session</td><td>24h</td></tr>
 *   <tr><td>{@code MAX_MESSAGE_AGE}</td><td>older messages are ignored, not answered</td><td>24h</td></tr>
 *   <tr><td>{@code WEBHOOK_MAX_BODY_BYTES}</td><td>largest accepted webhook body</td><td>4194304</td></tr>
 *   <tr><td>{@code DEDUP_CAPACITY}</td><td>message ids remembered for de-duplication</td><td>200000</td></tr>
 *   <tr><td>{@code OUTBOUND_MESSAGES_PER_SECOND}</td><td>send pace per phone number id</td><td>80</td></tr>
 *   <tr><td>{@code SESSION_RESET_WORDS}</td><td>comma-separated words that start a new session</td><td>/reset,/new</td></tr>
 * </table>
 *
 * <p>Durations accept {@code 500ms}, {@code 15s}, {@code 10m}, {@code 24h}, {@code 7d} or ISO-8601.
 */
public final class WhatsAppAiConfig {

    public static final String DEFAULT_GRAPH_API_BASE_URL = "https://graph.facebook.com";
    public static final String DEFAULT_GRAPH_API_VERSION = "v26.0";
    public static final String DEFAULT_OPENROUTER_BASE_URL = "https://openrouter.ai/api/v1";
    /** The seed's model: what the user's system runs today. No longer served, hence the fallback. */
    public static final String DEFAULT_OPENROUTER_MODEL = "google/gemini-2.0-flash-exp:free";
    public static final String DEFAULT_OPENROUTER_FALLBACK = "openrouter/free";
    public static final String DEFAULT_SYSTEM_PROMPT = "You are a helpful customer-service assistant "
            + "answering on WhatsApp. Answer briefly and accurately in the language the user writes in. "
            + "Use the knowledge-base passages when they are relevant; if they do not contain the answer, "
            + "say so instead of guessing.";

    private static final Pattern DIGITS = Pattern.compile("\\d{1,32}");
    private static final Pattern GRAPH_VERSION = Pattern.compile("v\\d{1,3}\\.\\d{1,2}");

    private final String appId;
    private final List<String> appSecrets;
    private final String verifyToken;
    private final Set<String> phoneNumberIds;
    private final Set<String> businessAccountIds;
    private final String accessToken;
    private final URI graphApiBaseUrl;
    private final String graphApiVersion;
    private final String openRouterApiKey;
    private final String openRouterModel;
    private final List<String> openRouterFallbackModels;
    private final URI openRouterBaseUrl;
    private final String openRouterAppUrl;
    private final String openRouterAppTitle;
    private final double aiTemperature;
    private final int aiMaxTokens;
    private final Duration aiRequestTimeout;
    private final String systemPrompt;
    private final List<String> knowledgeBaseSources;
    private final Duration knowledgeBaseRefreshInterval;
    private final Duration bufferWindow;
    private final Duration bufferMaxWait;
    private final int bufferMaxBatchSize;
    private final int rateLimitPerMinute;
    private final Duration sessionIdleTimeout;
    private final Duration maxMessageAge;
    private final int maxBodyBytes;
    private final int dedupCapacity;
    private final int maxMessageChars;
    private final int maxBatchChars;
    private final int historyMaxTurns;
    private final int historyMaxChars;
    private final int outboundMessagesPerSecond;
    private final Set<String> sessionResetWords;
    private final Messages messages;

    private WhatsAppAiConfig(Builder b) {
        this.appId = b.appId;
        this.appSecrets = List.copyOf(b.appSecrets);
        this.verifyToken = b.verifyToken;
        this.phoneNumberIds = Set.copyOf(b.phoneNumberIds);
        this.businessAccountIds = Set.copyOf(b.businessAccountIds);
        this.accessToken = b.accessToken;
        this.graphApiBaseUrl = URI.create(stripSlash(b.graphApiBaseUrl));
        this.graphApiVersion = b.graphApiVersion;
        this.openRouterApiKey = b.openRouterApiKey;
        this.openRouterModel = b.openRouterModel;
        this.openRouterFallbackModels = List.copyOf(b.openRouterFallbackModels);
        this.openRouterBaseUrl = URI.create(stripSlash(b.openRouterBaseUrl));
        this.openRouterAppUrl = b.openRouterAppUrl;
        this.openRouterAppTitle = b.openRouterAppTitle;
        this.aiTemperature = b.aiTemperature;
        this.aiMaxTokens = b.aiMaxTokens;
        this.aiRequestTimeout = b.aiRequestTimeout;
        this.systemPrompt = b.systemPrompt;
        this.knowledgeBaseSources = List.copyOf(b.knowledgeBaseSources);
        this.knowledgeBaseRefreshInterval = b.knowledgeBaseRefreshInterval;
        this.bufferWindow = b.bufferWindow;
        this.bufferMaxWait = b.bufferMaxWait;
        this.bufferMaxBatchSize = b.bufferMaxBatchSize;
        this.rateLimitPerMinute = b.rateLimitPerMinute;
        this.sessionIdleTimeout = b.sessionIdleTimeout;
        this.maxMessageAge = b.maxMessageAge;
        this.maxBodyBytes = b.maxBodyBytes;
        this.dedupCapacity = b.dedupCapacity;
        this.maxMessageChars = b.maxMessageChars;
        this.maxBatchChars = b.maxBatchChars;
        this.historyMaxTurns = b.historyMaxTurns;
        this.historyMaxChars = b.historyMaxChars;
        this.outboundMessagesPerSecond = b.outboundMessagesPerSecond;
        this.sessionResetWords = Set.copyOf(b.sessionResetWords);
        this.messages = b.messages;
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
        Builder b = new Builder();
        b.appId = appId;
        b.appSecrets = new ArrayList<>(appSecrets);
        b.verifyToken = verifyToken;
        b.phoneNumberIds = new LinkedHashSet<>(phoneNumberIds);
        b.businessAccountIds = new LinkedHashSet<>(businessAccountIds);
        b.accessToken = accessToken;
        b.graphApiBaseUrl = graphApiBaseUrl.toString();
        b.graphApiVersion = graphApiVersion;
        b.openRouterApiKey = openRouterApiKey;
        b.openRouterModel = openRouterModel;
        b.openRouterFallbackModels = new ArrayList<>(openRouterFallbackModels);
        b.openRouterBaseUrl = openRouterBaseUrl.toString();
        b.openRouterAppUrl = openRouterAppUrl;
        b.openRouterAppTitle = openRouterAppTitle;
        b.aiTemperature = aiTemperature;
        b.aiMaxTokens = aiMaxTokens;
        b.aiRequestTimeout = aiRequestTimeout;
        b.systemPrompt = systemPrompt;
        b.knowledgeBaseSources = new ArrayList<>(knowledgeBaseSources);
        b.knowledgeBaseRefreshInterval = knowledgeBaseRefreshInterval;
        b.bufferWindow = bufferWindow;
        b.bufferMaxWait = bufferMaxWait;
        b.bufferMaxBatchSize = bufferMaxBatchSize;
        b.rateLimitPerMinute = rateLimitPerMinute;
        b.sessionIdleTimeout = sessionIdleTimeout;
        b.maxMessageAge = maxMessageAge;
        b.maxBodyBytes = maxBodyBytes;
        b.dedupCapacity = dedupCapacity;
        b.maxMessageChars = maxMessageChars;
        b.maxBatchChars = maxBatchChars;
        b.historyMaxTurns = historyMaxTurns;
        b.historyMaxChars = historyMaxChars;
        b.outboundMessagesPerSecond = outboundMessagesPerSecond;
        b.sessionResetWords = new LinkedHashSet<>(sessionResetWords);
        b.messages = messages;
        return b;
    }

    /** {@code META_APP_ID}, or {@code null}: only labels logs and metrics. */
    public String appId() {
        return appId;
    }

    /** {@code META_APP_SECRET}: one or more app secrets, the current one first. Never logged. */
    public List<String> appSecrets() {
        return appSecrets;
    }

    /** {@code META_WEBHOOK_VERIFY_TOKEN}. Never logged. */
    public String verifyToken() {
        return verifyToken;
    }

    /** {@code META_PHONE_NUMBER_ID}: the business phone number ids this instance serves. */
    public Set<String> phoneNumberIds() {
        return phoneNumberIds;
    }

    /** {@code META_BUSINESS_ACCOUNT_ID}: when not empty, deliveries for other WABAs are ignored. */
    public Set<String> businessAccountIds() {
        return businessAccountIds;
    }

    /** {@code META_ACCESS_TOKEN}, or {@code null} when this instance does not send through the Graph API. */
    public String accessToken() {
        return accessToken;
    }

    public URI graphApiBaseUrl() {
        return graphApiBaseUrl;
    }

    public String graphApiVersion() {
        return graphApiVersion;
    }

    /** {@code OPENROUTER_API_KEY}, or {@code null}. Never logged. */
    public String openRouterApiKey() {
        return openRouterApiKey;
    }

    public String openRouterModel() {
        return openRouterModel;
    }

    public List<String> openRouterFallbackModels() {
        return openRouterFallbackModels;
    }

    public URI openRouterBaseUrl() {
        return openRouterBaseUrl;
    }

    /** Sent as {@code HTTP-Referer} for OpenRouter app attribution, or {@code null}. */
    public String openRouterAppUrl() {
        return openRouterAppUrl;
    }

    /** Sent as {@code X-OpenRouter-Title}. */
    public String openRouterAppTitle() {
        return openRouterAppTitle;
    }

    public double aiTemperature() {
        return aiTemperature;
    }

    public int aiMaxTokens() {
        return aiMaxTokens;
    }

    /** Time one AI request may take before it counts as a (retryable) timeout. */
    public Duration aiRequestTimeout() {
        return aiRequestTimeout;
    }

    public String systemPrompt() {
        return systemPrompt;
    }

    /** {@code KNOWLEDGE_BASE_URLS}: PDF sources, each an {@code http(s)} URL or a file path. */
    public List<String> knowledgeBaseSources() {
        return knowledgeBaseSources;
    }

    public Duration knowledgeBaseRefreshInterval() {
        return knowledgeBaseRefreshInterval;
    }

    /** Quiet window that a new message restarts (the seed's 15 seconds). */
    public Duration bufferWindow() {
        return bufferWindow;
    }

    /** Longest wait after a burst's first message before it is answered anyway. */
    public Duration bufferMaxWait() {
        return bufferMaxWait;
    }

    /** A burst of this many messages is answered at once. */
    public int bufferMaxBatchSize() {
        return bufferMaxBatchSize;
    }

    public int rateLimitPerMinute() {
        return rateLimitPerMinute;
    }

    public Duration sessionIdleTimeout() {
        return sessionIdleTimeout;
    }

    /** Messages older than this (by their webhook timestamp) are ignored instead of answered. */
    public Duration maxMessageAge() {
        return maxMessageAge;
    }

    public int maxBodyBytes() {
        return maxBodyBytes;
    }

    /** Number of message ids remembered for de-duplication. */
    public int dedupCapacity() {
        return dedupCapacity;
    }

    /** Longest text kept of one inbound message after sanitising. */
    public int maxMessageChars() {
        return maxMessageChars;
    }

    /** Longest merged text of one burst handed to the AI. */
    public int maxBatchChars() {
        return maxBatchChars;
    }

    public int historyMaxTurns() {
        return historyMaxTurns;
    }

    public int historyMaxChars() {
        return historyMaxChars;
    }

    public int outboundMessagesPerSecond() {
        return outboundMessagesPerSecond;
    }

    /** Lower-case words that, sent alone, start a new session. */
    public Set<String> sessionResetWords() {
        return sessionResetWords;
    }

    /** The fixed texts the assistant sends outside AI replies. */
    public Messages messages() {
        return messages;
    }

    @Override
    public String toString() {
        return "WhatsAppAiConfig{appId=" + appId
                + ", appSecrets=" + appSecrets.size() + "×" + Redaction.maskSecret("x")
                + ", verifyToken=" + Redaction.maskSecret(verifyToken)
                + ", phoneNumberIds=" + phoneNumberIds
                + ", businessAccountIds=" + businessAccountIds
                + ", accessToken=" + Redaction.maskSecret(accessToken)
                + ", graphApi=" + graphApiBaseUrl + "/" + graphApiVersion
                + ", openRouterApiKey=" + Redaction.maskSecret(openRouterApiKey)
                + ", openRouterModel=" + openRouterModel
                + ", openRouterFallbackModels=" + openRouterFallbackModels
                + ", openRouterBaseUrl=" + openRouterBaseUrl
                + ", knowledgeBaseSources=" + knowledgeBaseSources.size()
                + ", bufferWindow=" + bufferWindow
                + ", bufferMaxWait=" + bufferMaxWait
                + ", bufferMaxBatchSize=" + bufferMaxBatchSize
                + ", rateLimitPerMinute=" + rateLimitPerMinute
                + ", sessionIdleTimeout=" + sessionIdleTimeout
                + ", maxMessageAge=" + maxMessageAge
                + ", maxBodyBytes=" + maxBodyBytes
                + ", outboundMessagesPerSecond=" + outboundMessagesPerSecond + '}';
    }

    private static String stripSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    /**
     * The fixed texts the assistant sends itself. Every one is configurable; defaults are short
     * English sentences.
     *
     * @param greeting answer to {@code request_welcome} (a user opening the chat for the first time)
     * @param unsupportedFallback answer to a message type WhatsApp could not deliver (polls, view-once)
     * @param rateLimitNotice sent once per minute at most to a sender over the rate limit
     * @param aiFailureApology sent when the AI provider failed after its retries
     * @param outOfCredits sent instead of an AI reply when the credit gate refuses
     * @param temporarilyUnavailable sent when storage stayed down after the batch's retries
     * @param sessionReset confirmation after a reset word
     */
    public record Messages(String greeting, String unsupportedFallback, String rateLimitNotice,
                           String aiFailureApology, String outOfCredits, String temporarilyUnavailable,
                           String sessionReset) {

        public Messages {
            Objects.requireNonNull(greeting, "greeting");
            Objects.requireNonNull(unsupportedFallback, "unsupportedFallback");
            Objects.requireNonNull(rateLimitNotice, "rateLimitNotice");
            Objects.requireNonNull(aiFailureApology, "aiFailureApology");
            Objects.requireNonNull(outOfCredits, "outOfCredits");
            Objects.requireNonNull(temporarilyUnavailable, "temporarilyUnavailable");
            Objects.requireNonNull(sessionReset, "sessionReset");
        }

        /** The default English texts. */
        public static Messages defaults() {
            return new Messages(
                    "Hello! I'm the virtual assistant. Ask me anything and I'll do my best to help.",
                    "Sorry, I can't read that kind of message. Could you send it as text?",
                    "You're sending messages very quickly. Please wait a moment; I'll answer shortly.",
                    "Sorry, I can't answer right now. Please try again in a few minutes.",
                    "You have no credits left for assistant replies.",
                    "Sorry, the service is temporarily unavailable. Please try again later.",
                    "Starting a new conversation. How can I help?");
        }
    }

    /** Builds a {@link WhatsAppAiConfig}; not thread-safe. */
    public static final class Builder {
        private String appId;
        private List<String> appSecrets = new ArrayList<>();
        private String verifyToken;
        private Set<String> phoneNumberIds = new LinkedHashSet<>();
        private Set<String> businessAccountIds = new LinkedHashSet<>();
        private String accessToken;
        private String graphApiBaseUrl = DEFAULT_GRAPH_API_BASE_URL;
        private String graphApiVersion = DEFAULT_GRAPH_API_VERSION;
        private String openRouterApiKey;
        private String openRouterModel = DEFAULT_OPENROUTER_MODEL;
        private List<String> openRouterFallbackModels = new ArrayList<>(List.of(DEFAULT_OPENROUTER_FALLBACK));
        private String openRouterBaseUrl = DEFAULT_OPENROUTER_BASE_URL;
        private String openRouterAppUrl;
        private String openRouterAppTitle = "whatsapp-ai";
        private double aiTemperature = 0.3;
        private int aiMaxTokens = 1024;
        private Duration aiRequestTimeout = Duration.ofSeconds(60);
        private String systemPrompt = DEFAULT_SYSTEM_PROMPT;
        private List<String> knowledgeBaseSources = new ArrayList<>();
        private Duration knowledgeBaseRefreshInterval = Duration.ofHours(1);
        private Duration bufferWindow = Duration.ofSeconds(15);
        private Duration bufferMaxWait = Duration.ofSeconds(60);
        private int bufferMaxBatchSize = 20;
        private int rateLimitPerMinute = 20;
        private Duration sessionIdleTimeout = Duration.ofHours(24);
        private Duration maxMessageAge = Duration.ofHours(24);
        private int maxBodyBytes = 4 * 1024 * 1024;
        private int dedupCapacity = 200_000;
        private int maxMessageChars = 4096;
        private int maxBatchChars = 16_000;
        private int historyMaxTurns = 20;
        private int historyMaxChars = 8_000;
        private int outboundMessagesPerSecond = 80;
        private Set<String> sessionResetWords = new LinkedHashSet<>(List.of("/reset", "/new"));
        private Messages messages = Messages.defaults();
        private final List<String> envProblems = new ArrayList<>();

        private Builder() {
        }

        public Builder appId(String appId) {
            this.appId = appId;
            return this;
        }

        /** The app secret(s); several during a rotation, the current one first. */
        public Builder appSecrets(String... secrets) {
            this.appSecrets = new ArrayList<>(Arrays.asList(secrets));
            return this;
        }

        public Builder appSecrets(Collection<String> secrets) {
            this.appSecrets = new ArrayList<>(secrets);
            return this;
        }

        public Builder verifyToken(String verifyToken) {
            this.verifyToken = verifyToken;
            return this;
        }

        public Builder phoneNumberIds(String... ids) {
            this.phoneNumberIds = new LinkedHashSet<>(Arrays.asList(ids));
            return this;
        }

        public Builder phoneNumberIds(Collection<String> ids) {
            this.phoneNumberIds = new LinkedHashSet<>(ids);
            return this;
        }

        public Builder businessAccountIds(String... ids) {
            this.businessAccountIds = new LinkedHashSet<>(Arrays.asList(ids));
            return this;
        }

        public Builder businessAccountIds(Collection<String> ids) {
            this.businessAccountIds = new LinkedHashSet<>(ids);
            return this;
        }

        public Builder accessToken(String accessToken) {
            this.accessToken = accessToken;
            return this;
        }

        public Builder graphApiBaseUrl(String url) {
            this.graphApiBaseUrl = url;
            return this;
        }

        public Builder graphApiVersion(String version) {
            this.graphApiVersion = version;
            return this;
        }

        public Builder openRouterApiKey(String key) {
            this.openRouterApiKey = key;
            return this;
        }

        public Builder openRouterModel(String model) {
            this.openRouterModel = model;
            return this;
        }

        public Builder openRouterFallbackModels(List<String> models) {
            this.openRouterFallbackModels = new ArrayList<>(models);
            return this;
        }

        public Builder openRouterBaseUrl(String url) {
            this.openRouterBaseUrl = url;
            return this;
        }

        public Builder openRouterAppUrl(String url) {
            this.openRouterAppUrl = url;
            return this;
        }

        public Builder openRouterAppTitle(String title) {
            this.openRouterAppTitle = title;
            return this;
        }

        public Builder aiTemperature(double temperature) {
            this.aiTemperature = temperature;
            return this;
        }

        public Builder aiMaxTokens(int maxTokens) {
            this.aiMaxTokens = maxTokens;
            return this;
        }

        public Builder aiRequestTimeout(Duration timeout) {
            this.aiRequestTimeout = timeout;
            return this;
        }

        public Builder systemPrompt(String prompt) {
            this.systemPrompt = prompt;
            return this;
        }

        public Builder knowledgeBaseSources(List<String> sources) {
            this.knowledgeBaseSources = new ArrayList<>(sources);
            return this;
        }

        public Builder knowledgeBaseRefreshInterval(Duration interval) {
            this.knowledgeBaseRefreshInterval = interval;
            return this;
        }

        public Builder bufferWindow(Duration window) {
            this.bufferWindow = window;
            return this;
        }

        public Builder bufferMaxWait(Duration maxWait) {
            this.bufferMaxWait = maxWait;
            return this;
        }

        public Builder bufferMaxBatchSize(int size) {
            this.bufferMaxBatchSize = size;
            return this;
        }

        public Builder rateLimitPerMinute(int perMinute) {
            this.rateLimitPerMinute = perMinute;
            return this;
        }

        public Builder sessionIdleTimeout(Duration timeout) {
            this.sessionIdleTimeout = timeout;
            return this;
        }

        public Builder maxMessageAge(Duration age) {
            this.maxMessageAge = age;
            return this;
        }

        public Builder maxBodyBytes(int bytes) {
            this.maxBodyBytes = bytes;
            return this;
        }

        public Builder dedupCapacity(int capacity) {
            this.dedupCapacity = capacity;
            return this;
        }

        public Builder maxMessageChars(int chars) {
            this.maxMessageChars = chars;
            return this;
        }

        public Builder maxBatchChars(int chars) {
            this.maxBatchChars = chars;
            return this;
        }

        public Builder historyMaxTurns(int turns) {
            this.historyMaxTurns = turns;
            return this;
        }

        public Builder historyMaxChars(int chars) {
            this.historyMaxChars = chars;
            return this;
        }

        public Builder outboundMessagesPerSecond(int perSecond) {
            this.outboundMessagesPerSecond = perSecond;
            return this;
        }

        public Builder sessionResetWords(Collection<String> words) {
            this.sessionResetWords = new LinkedHashSet<>();
            words.forEach(w -> sessionResetWords.add(w.strip().toLowerCase(java.util.Locale.ROOT)));
            return this;
        }

        public Builder messages(Messages messages) {
            this.messages = messages;
            return this;
        }

        /**
         * Applies every variable named in the class documentation that is set and not blank.
         * Values that cannot be read are reported by {@link #build()} together with the rest.
         */
        public Builder applyEnvironment(Map<String, String> env) {
            Objects.requireNonNull(env, "env");
            str(env, "META_APP_ID", v -> appId = v);
            str(env, "META_APP_SECRET", v -> appSecrets = csv(v));
            str(env, "META_WEBHOOK_VERIFY_TOKEN", v -> verifyToken = v);
            str(env, "META_PHONE_NUMBER_ID", v -> phoneNumberIds = new LinkedHashSet<>(csv(v)));
            str(env, "META_BUSINESS_ACCOUNT_ID", v -> businessAccountIds = new LinkedHashSet<>(csv(v)));
            str(env, "META_ACCESS_TOKEN", v -> accessToken = v);
            str(env, "META_GRAPH_API_BASE_URL", v -> graphApiBaseUrl = v);
            str(env, "META_GRAPH_API_VERSION", v -> graphApiVersion = v);
            str(env, "OPENROUTER_API_KEY", v -> openRouterApiKey = v);
            str(env, "OPENROUTER_MODEL", v -> openRouterModel = v);
            str(env, "OPENROUTER_FALLBACK_MODELS", v -> openRouterFallbackModels = csv(v));
            str(env, "OPENROUTER_BASE_URL", v -> openRouterBaseUrl = v);
            str(env, "OPENROUTER_APP_URL", v -> openRouterAppUrl = v);
            str(env, "OPENROUTER_APP_TITLE", v -> openRouterAppTitle = v);
            str(env, "AI_SYSTEM_PROMPT", v -> systemPrompt = v);
            str(env, "KNOWLEDGE_BASE_URLS", v -> knowledgeBaseSources = csv(v));
            str(env, "SESSION_RESET_WORDS", v -> sessionResetWords(csv(v)));
            duration(env, "KNOWLEDGE_BASE_REFRESH_INTERVAL", v -> knowledgeBaseRefreshInterval = v);
            duration(env, "MESSAGE_BUFFER_WINDOW", v -> bufferWindow = v);
            duration(env, "MESSAGE_BUFFER_MAX_WAIT", v -> bufferMaxWait = v);
            duration(env, "SESSION_IDLE_TIMEOUT", v -> sessionIdleTimeout = v);
            duration(env, "MAX_MESSAGE_AGE", v -> maxMessageAge = v);
            duration(env, "AI_REQUEST_TIMEOUT", v -> aiRequestTimeout = v);
            integer(env, "MESSAGE_BUFFER_MAX_BATCH", v -> bufferMaxBatchSize = v);
            integer(env, "RATE_LIMIT_PER_MINUTE", v -> rateLimitPerMinute = v);
            integer(env, "WEBHOOK_MAX_BODY_BYTES", v -> maxBodyBytes = v);
            integer(env, "DEDUP_CAPACITY", v -> dedupCapacity = v);
            integer(env, "OUTBOUND_MESSAGES_PER_SECOND", v -> outboundMessagesPerSecond = v);
            integer(env, "OPENROUTER_MAX_TOKENS", v -> aiMaxTokens = v);
            str(env, "OPENROUTER_TEMPERATURE", v -> {
                try {
                    aiTemperature = Double.parseDouble(v);
                } catch (NumberFormatException e) {
                    envProblems.add("OPENROUTER_TEMPERATURE is not a number: '" + v + "'");
                }
            });
            return this;
        }

        /**
         * Checks every value and builds the configuration.
         *
         * @throws IllegalArgumentException naming every missing or invalid value in one message
         */
        public WhatsAppAiConfig build() {
            List<String> problems = new ArrayList<>(envProblems);
            appSecrets.removeIf(s -> s == null || s.isBlank());
            if (appSecrets.isEmpty()) {
                problems.add("META_APP_SECRET (appSecrets) is required: without it webhook signatures "
                        + "cannot be verified, and the SDK never skips verification");
            }
            if (verifyToken == null || verifyToken.isBlank()) {
                problems.add("META_WEBHOOK_VERIFY_TOKEN (verifyToken) is required for Meta's handshake");
            }
            if (phoneNumberIds.isEmpty()) {
                problems.add("META_PHONE_NUMBER_ID (phoneNumberIds) is required: deliveries for numbers "
                        + "that are not ours are ignored");
            }
            for (String id : phoneNumberIds) {
                if (id == null || !DIGITS.matcher(id).matches()) {
                    problems.add("META_PHONE_NUMBER_ID contains '" + id + "', which is not a numeric id");
                }
            }
            for (String id : businessAccountIds) {
                if (id == null || !DIGITS.matcher(id).matches()) {
                    problems.add("META_BUSINESS_ACCOUNT_ID contains '" + id + "', which is not a numeric id");
                }
            }
            url(problems, "META_GRAPH_API_BASE_URL", graphApiBaseUrl);
            url(problems, "OPENROUTER_BASE_URL", openRouterBaseUrl);
            if (graphApiVersion == null || !GRAPH_VERSION.matcher(graphApiVersion).matches()) {
                problems.add("META_GRAPH_API_VERSION must look like v26.0, was '" + graphApiVersion + "'");
            }
            if (openRouterModel == null || openRouterModel.isBlank()) {
                problems.add("OPENROUTER_MODEL must not be blank");
            }
            openRouterFallbackModels.removeIf(String::isBlank);
            if (systemPrompt == null || systemPrompt.isBlank()) {
                problems.add("AI_SYSTEM_PROMPT must not be blank");
            }
            if (Double.isNaN(aiTemperature) || aiTemperature < 0 || aiTemperature > 2) {
                problems.add("OPENROUTER_TEMPERATURE must be between 0 and 2, was " + aiTemperature);
            }
            positive(problems, "OPENROUTER_MAX_TOKENS", aiMaxTokens);
            positive(problems, "AI_REQUEST_TIMEOUT", aiRequestTimeout);
            positive(problems, "KNOWLEDGE_BASE_REFRESH_INTERVAL", knowledgeBaseRefreshInterval);
            positive(problems, "MESSAGE_BUFFER_WINDOW", bufferWindow);
            positive(problems, "MESSAGE_BUFFER_MAX_WAIT", bufferMaxWait);
            if (bufferWindow != null && bufferMaxWait != null && bufferMaxWait.compareTo(bufferWindow) < 0) {
                problems.add("MESSAGE_BUFFER_MAX_WAIT (" + bufferMaxWait + ") must not be shorter than "
                        + "MESSAGE_BUFFER_WINDOW (" + bufferWindow + ")");
            }
            positive(problems, "MESSAGE_BUFFER_MAX_BATCH", bufferMaxBatchSize);
            positive(problems, "RATE_LIMIT_PER_MINUTE", rateLimitPerMinute);
            positive(problems, "SESSION_IDLE_TIMEOUT", sessionIdleTimeout);
            positive(problems, "MAX_MESSAGE_AGE", maxMessageAge);
            if (maxBodyBytes < 3_000_000) {
                problems.add("WEBHOOK_MAX_BODY_BYTES must be at least 3000000 (Meta sends bodies up to 3 MB; "
                        + "a smaller cap makes Meta retry for days), was " + maxBodyBytes);
            }
            positive(problems, "DEDUP_CAPACITY", dedupCapacity);
            positive(problems, "maxMessageChars", maxMessageChars);
            positive(problems, "maxBatchChars", maxBatchChars);
            positive(problems, "historyMaxTurns", historyMaxTurns);
            positive(problems, "historyMaxChars", historyMaxChars);
            positive(problems, "OUTBOUND_MESSAGES_PER_SECOND", outboundMessagesPerSecond);
            if (messages == null) {
                problems.add("messages must not be null");
            }
            if (!problems.isEmpty()) {
                throw new IllegalArgumentException("Invalid whatsapp-ai configuration:\n - "
                        + String.join("\n - ", problems));
            }
            return new WhatsAppAiConfig(this);
        }

        private static void url(List<String> problems, String name, String value) {
            try {
                URI uri = URI.create(Objects.requireNonNull(value));
                if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
                    problems.add(name + " must be an http(s) URL, was '" + value + "'");
                }
            } catch (IllegalArgumentException | NullPointerException e) {
                problems.add(name + " must be an http(s) URL, was '" + value + "'");
            }
        }

        private static void positive(List<String> problems, String name, int value) {
            if (value <= 0) {
                problems.add(name + " must be positive, was " + value);
            }
        }

        private static void positive(List<String> problems, String name, Duration value) {
            if (value == null || value.isZero() || value.isNegative()) {
                problems.add(name + " must be a positive duration, was " + value);
            }
        }

        private static void str(Map<String, String> env, String name, Consumer<String> setter) {
            String v = env.get(name);
            if (v != null && !v.isBlank()) {
                setter.accept(v.strip());
            }
        }

        private void duration(Map<String, String> env, String name, Consumer<Duration> setter) {
            str(env, name, v -> {
                try {
                    setter.accept(Durations.parse(v));
                } catch (IllegalArgumentException e) {
                    envProblems.add(name + ": " + e.getMessage());
                }
            });
        }

        private void integer(Map<String, String> env, String name, Consumer<Integer> setter) {
            str(env, name, v -> {
                try {
                    setter.accept(Integer.parseInt(v));
                } catch (NumberFormatException e) {
                    envProblems.add(name + " is not a whole number: '" + v + "'");
                }
            });
        }

        private static List<String> csv(String v) {
            List<String> out = new ArrayList<>();
            for (String part : v.split(",")) {
                if (!part.isBlank()) {
                    out.add(part.strip());
                }
            }
            return out;
        }
    }
}
