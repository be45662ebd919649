package io.github.whatsappai;

import io.github.whatsappai.internal.Durations;
import io.github.whatsappai.internal.SettingsCheck;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.function.BiConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one table of the environment variables {@link WhatsAppAiConfig#fromEnvironment(Map)} reads:
 * each variable's name, the settings field it sets, its builder method, its default and meaning, and
 * how its text is read. It drives the parsing, names the variables in the configuration's error
 * messages, and is the source of the table in {@code docs/configuration.md} (a test holds the two
 * equal).
 */
enum EnvironmentVariable {

    META_APP_SECRET(Section.WEBHOOK, "appSecrets", "appSecrets", Default.note("**required**"),
            "app secret(s) that sign webhooks, comma-separated; several, current first, during a rotation. There is "
                    + "no \"skip verification\": without a secret the SDK refuses to start.",
            list(WhatsAppAiConfig.Builder::appSecrets)),
    META_WEBHOOK_VERIFY_TOKEN(Section.WEBHOOK, "verifyToken", "verifyToken", Default.note("**required**"),
            "the verify token typed into Meta's dashboard", text(WhatsAppAiConfig.Builder::verifyToken)),
    META_PHONE_NUMBER_ID(Section.WEBHOOK, "phoneNumberIds", "phoneNumberIds", Default.note("**required**"),
            "the business phone number id(s) served, comma-separated; deliveries for other numbers are "
                    + "acknowledged and ignored; replies go out from the delivery's own number",
            list(WhatsAppAiConfig.Builder::phoneNumberIds)),
    META_BUSINESS_ACCOUNT_ID(Section.WEBHOOK, "businessAccountIds", "businessAccountIds", Default.note("any"),
            "WABA id(s), comma-separated; when set, deliveries whose `entry[].id` is another WABA are ignored",
            list(WhatsAppAiConfig.Builder::businessAccountIds)),
    META_APP_ID(Section.WEBHOOK, "appId", "appId", Default.note("none"), "labels logs and metrics",
            text(WhatsAppAiConfig.Builder::appId)),
    WEBHOOK_MAX_BODY_BYTES(Section.WEBHOOK, "maxBodyBytes", "maxBodyBytes", Default.value("4194304"),
            "larger bodies get 413; at least 3000000 (Meta sends up to 3 MB)",
            integer(WhatsAppAiConfig.Builder::maxBodyBytes)),

    RATE_LIMIT_PER_MINUTE(Section.GUARDS, "rateLimitPerMinute", "rateLimitPerMinute", Default.value("20"),
            "messages per sender per minute (token bucket)", integer(WhatsAppAiConfig.Builder::rateLimitPerMinute)),
    MAX_MESSAGE_AGE(Section.GUARDS, "maxMessageAge", "maxMessageAge", Default.value("24h"),
            "older messages are ignored instead of answered (backlogs after an outage)",
            duration(WhatsAppAiConfig.Builder::maxMessageAge)),
    DEDUP_CAPACITY(Section.GUARDS, "dedupCapacity", "dedupCapacity", Default.value("200000"),
            "message ids remembered; the window is `MAX_MESSAGE_AGE` plus a margin",
            integer(WhatsAppAiConfig.Builder::dedupCapacity)),

    MESSAGE_BUFFER_WINDOW(Section.BUFFER, "window", "bufferWindow", Default.value("15s"),
            "quiet time, restarted by every message, before a burst is answered (the seed's 15 seconds)",
            duration(WhatsAppAiConfig.Builder::bufferWindow)),
    MESSAGE_BUFFER_MAX_WAIT(Section.BUFFER, "maxWait", "bufferMaxWait", Default.value("60s"),
            "a burst is answered at the latest this long after its first message",
            duration(WhatsAppAiConfig.Builder::bufferMaxWait)),
    MESSAGE_BUFFER_MAX_BATCH(Section.BUFFER, "maxBatchSize", "bufferMaxBatchSize", Default.value("20"),
            "a burst of this many messages is answered at once", integer(WhatsAppAiConfig.Builder::bufferMaxBatchSize)),

    SESSION_IDLE_TIMEOUT(Section.CONVERSATION, "sessionIdleTimeout", "sessionIdleTimeout", Default.value("24h"),
            "inactivity after which a new session starts (WhatsApp's service window)",
            duration(WhatsAppAiConfig.Builder::sessionIdleTimeout)),
    SESSION_RESET_WORDS(Section.CONVERSATION, "sessionResetWords", "sessionResetWords", Default.value("/reset,/new"),
            "comma-separated; a message consisting of one of these starts a new session",
            list(WhatsAppAiConfig.Builder::sessionResetWords)),
    WHATSAPP_EXPIRED_REPLY_TEMPLATE(Section.CONVERSATION, "expiredReplyTemplate", "expiredReplyTemplate",
            Default.note("none"), "approved template sent once instead of a reply that could not be sent before "
            + "WhatsApp's 24-hour window closed: `name` or `name:language` (language default `en_US`)",
            text(WhatsAppAiConfig.Builder::expiredReplyTemplate)),

    WHATSAPP_MEDIA_MAX_ITEM_BYTES(Section.MEDIA, "maxItemBytes", "mediaMaxItemBytes", Default.value("5MiB"),
            "largest voice note, image or document read; larger ones are refused while they stream. Bytes, or a "
                    + "number with `KiB`, `MiB` or `GiB`", bytes(WhatsAppAiConfig.Builder::mediaMaxItemBytes)),
    WHATSAPP_MEDIA_MAX_BURST_BYTES(Section.MEDIA, "maxBurstBytes", "mediaMaxBurstBytes", Default.value("10MiB"),
            "most media read for one burst (bounds the memory a burst holds); at least "
                    + "`WHATSAPP_MEDIA_MAX_ITEM_BYTES`", bytes(WhatsAppAiConfig.Builder::mediaMaxBurstBytes)),
    WHATSAPP_MEDIA_MAX_ITEMS_PER_USER_PER_DAY(Section.MEDIA, "maxItemsPerUserPerDay", "mediaMaxItemsPerUserPerDay",
            Default.value("50"), "files read per user per UTC day, shared by all instances on the PostgreSQL state "
            + "store; 0 reads none", integer(WhatsAppAiConfig.Builder::mediaMaxItemsPerUserPerDay)),
    WHATSAPP_MEDIA_DOWNLOAD_TIMEOUT(Section.MEDIA, "downloadTimeout", "mediaDownloadTimeout", Default.value("60s"),
            "the longest one file's lookup and download may take, retries included",
            duration(WhatsAppAiConfig.Builder::mediaDownloadTimeout)),

    KNOWLEDGE_BASE_URLS(Section.KNOWLEDGE_BASE, "sources", "knowledgeBaseSources", Default.note("none"),
            "PDF sources, comma-separated: `http(s)` URLs or file paths",
            list(WhatsAppAiConfig.Builder::knowledgeBaseSources)),
    KNOWLEDGE_BASE_REFRESH_INTERVAL(Section.KNOWLEDGE_BASE, "refreshInterval", "knowledgeBaseRefreshInterval", Default.value("1h"),
            "conditional re-fetch interval (ETag / Last-Modified)",
            duration(WhatsAppAiConfig.Builder::knowledgeBaseRefreshInterval)),
    EMBEDDINGS_BASE_URL(Section.KNOWLEDGE_BASE, "embeddingsBaseUrl", "embeddingsBaseUrl", Default.note("none"),
            "an OpenAI-compatible `/embeddings` endpoint (OpenAI, Ollama `http://localhost:11434/v1`, LM Studio); "
                    + "makes retrieval hybrid (BM25 + vectors); without it retrieval is lexical",
            text(WhatsAppAiConfig.Builder::embeddingsBaseUrl)),
    EMBEDDINGS_MODEL(Section.KNOWLEDGE_BASE, "embeddingsModel", "embeddingsModel", Default.note("none"),
            "the embedding model at that endpoint; required with `EMBEDDINGS_BASE_URL`",
            text(WhatsAppAiConfig.Builder::embeddingsModel)),
    EMBEDDINGS_API_KEY(Section.KNOWLEDGE_BASE, "embeddingsApiKey", "embeddingsApiKey", Default.note("none"),
            "the endpoint's key; none for a local server", text(WhatsAppAiConfig.Builder::embeddingsApiKey)),

    OPENROUTER_API_KEY(Section.OPEN_ROUTER, "apiKey", "openRouterApiKey", Default.note("none"),
            "OpenRouter key; without it `WhatsAppAi` answers from the knowledge base alone",
            text(WhatsAppAiConfig.Builder::openRouterApiKey)),
    OPENROUTER_MODEL(Section.OPEN_ROUTER, "model", "openRouterModel", Default.value("google/gemini-2.0-flash-exp:free"),
            "the seed's model. OpenRouter no longer serves it, so the default fallback list takes over: set a "
                    + "current model in production", text(WhatsAppAiConfig.Builder::openRouterModel)),
    OPENROUTER_FALLBACK_MODELS(Section.OPEN_ROUTER, "fallbackModels", "openRouterFallbackModels", Default.value("openrouter/free"),
            "comma-separated; tried in order when the model fails (OpenRouter's `models` list)",
            list(WhatsAppAiConfig.Builder::openRouterFallbackModels)),
    OPENROUTER_MEDIA_MODEL(Section.OPEN_ROUTER, "mediaModel", "openRouterMediaModel", Default.note("none"),
            "the model for bursts with voice notes, images or documents, one that reads audio, images and PDFs (e.g. "
                    + "`google/gemini-2.5-flash`); without it media is not read and the user is asked to send text. "
                    + "See [media](media.md)", text(WhatsAppAiConfig.Builder::openRouterMediaModel)),
    OPENROUTER_MEDIA_FALLBACK_MODELS(Section.OPEN_ROUTER, "mediaFallbackModels", "openRouterMediaFallbackModels",
            Default.note("none"), "comma-separated; tried in order when the media model fails",
            list(WhatsAppAiConfig.Builder::openRouterMediaFallbackModels)),
    OPENROUTER_BASE_URL(Section.OPEN_ROUTER, "baseUrl", "openRouterBaseUrl", Default.value("https://openrouter.ai/api/v1"),
            "override for tests and proxies", text(WhatsAppAiConfig.Builder::openRouterBaseUrl)),
    OPENROUTER_APP_URL(Section.OPEN_ROUTER, "appUrl", "openRouterAppUrl", Default.note("none"),
            "sent as `HTTP-Referer` for app attribution", text(WhatsAppAiConfig.Builder::openRouterAppUrl)),
    OPENROUTER_APP_TITLE(Section.OPEN_ROUTER, "appTitle", "openRouterAppTitle", Default.value("whatsapp-ai"),
            "sent as `X-OpenRouter-Title`", text(WhatsAppAiConfig.Builder::openRouterAppTitle)),
    OPENROUTER_TEMPERATURE(Section.OPEN_ROUTER, "temperature", "aiTemperature", Default.value("0.3"), "0 to 2",
            decimal(WhatsAppAiConfig.Builder::aiTemperature)),
    OPENROUTER_MAX_TOKENS(Section.OPEN_ROUTER, "maxTokens", "aiMaxTokens", Default.value("1024"), "reply length limit",
            integer(WhatsAppAiConfig.Builder::aiMaxTokens)),
    AI_REQUEST_TIMEOUT(Section.OPEN_ROUTER, "requestTimeout", "aiRequestTimeout", Default.value("60s"),
            "one AI request; a timeout is retried", duration(WhatsAppAiConfig.Builder::aiRequestTimeout)),
    AI_SYSTEM_PROMPT(Section.OPEN_ROUTER, "systemPrompt", "systemPrompt", Default.note("a short assistant prompt"),
            "the system prompt; user text never goes into it", text(WhatsAppAiConfig.Builder::systemPrompt)),

    META_ACCESS_TOKEN(Section.GRAPH, "accessToken", "accessToken", Default.note("none"),
            "Graph API token (system user); required unless you supply your own `WhatsAppClient`",
            text(WhatsAppAiConfig.Builder::accessToken)),
    META_GRAPH_API_BASE_URL(Section.GRAPH, "baseUrl", "graphApiBaseUrl", Default.value("https://graph.facebook.com"),
            "override for tests and local stand-ins", text(WhatsAppAiConfig.Builder::graphApiBaseUrl)),
    META_GRAPH_API_VERSION(Section.GRAPH, "version", "graphApiVersion", Default.value("v26.0"), "Graph API version (`vNN.N`)",
            text(WhatsAppAiConfig.Builder::graphApiVersion)),
    OUTBOUND_MESSAGES_PER_SECOND(Section.GRAPH, "outboundMessagesPerSecond", "outboundMessagesPerSecond", Default.value("80"),
            "send pace per phone number id (Meta's default throughput; up to 1000 when Meta upgrades the number)",
            integer(WhatsAppAiConfig.Builder::outboundMessagesPerSecond));

    /** The settings records of {@link WhatsAppAiConfig}, in the order of its components. */
    enum Section {
        WEBHOOK("webhook", "Receiving", "WebhookSettings"),
        GUARDS("guards", "Guards", "GuardSettings"),
        BUFFER("buffer", "Buffer", "BufferPolicy"),
        CONVERSATION("conversation", "Conversation", "ConversationSettings"),
        MEDIA("media", "Media", "MediaSettings"),
        KNOWLEDGE_BASE("knowledgeBase", "Knowledge base", "KnowledgeBaseSettings"),
        OPEN_ROUTER("openRouter", "AI", "OpenRouterSettings"),
        GRAPH("graph", "Sending", "GraphSettings");

        /** The accessor of {@link WhatsAppAiConfig} that returns the record. */
        final String accessor;
        final String title;
        final String type;

        Section(String accessor, String title, String type) {
            this.accessor = accessor;
            this.title = title;
            this.type = type;
        }
    }

    /**
     * A variable's default: a {@code value} the variable could be set to, or a {@code note} in words.
     */
    record Default(String value, String note) {
        static Default value(String value) {
            return new Default(value, null);
        }

        static Default note(String note) {
            return new Default(null, note);
        }

        String markdown() {
            return value != null ? "`" + value + "`" : note;
        }
    }

    /** Applies a variable's stripped, non-blank text to the builder; throws when it cannot be read. */
    @FunctionalInterface
    interface Setter {
        void apply(WhatsAppAiConfig.Builder builder, String text);
    }

    final Section section;
    /** The record component of the section's settings that the variable sets. */
    final String field;
    /** The {@link WhatsAppAiConfig.Builder} method that sets the field; the setter calls it. */
    final String shortcut;
    final Default defaultValue;
    final String meaning;
    private final Setter setter;

    EnvironmentVariable(Section section, String field, String shortcut, Default defaultValue, String meaning,
                        Setter setter) {
        this.section = section;
        this.field = field;
        this.shortcut = shortcut;
        this.defaultValue = defaultValue;
        this.meaning = meaning;
        this.setter = setter;
    }

    /** The settings field in the docs' notation, e.g. {@code graph.baseUrl}. */
    String settingsField() {
        return section.accessor + "." + field;
    }

    /**
     * Applies every variable that is set and not blank; what cannot be read is added to
     * {@code problems} ({@code NAME: reason}) and keeps the default.
     */
    static void applyAll(Map<String, String> env, WhatsAppAiConfig.Builder builder, List<String> problems) {
        for (EnvironmentVariable variable : values()) {
            String text = env.get(variable.name());
            if (text == null || text.isBlank()) {
                continue;
            }
            try {
                variable.setter.apply(builder, text.strip());
            } catch (IllegalArgumentException e) {
                problems.add(variable.name() + ": " + e.getMessage());
            }
        }
    }

    /** The variable that sets {@code field} of {@code section}'s settings, or {@code null}. */
    static EnvironmentVariable of(Section section, String field) {
        for (EnvironmentVariable variable : values()) {
            if (variable.section == section && variable.field.equals(field)) {
                return variable;
            }
        }
        return null;
    }

    /**
     * A problem of {@code section}'s settings in the configuration's words: fields are called by
     * their variables, and the settings field follows in brackets, e.g.
     * {@code RATE_LIMIT_PER_MINUTE must be positive, was 0 (guards.rateLimitPerMinute)}; a field no
     * variable sets is called by its settings field.
     */
    static String describe(Section section, SettingsCheck.Problem problem) {
        EnvironmentVariable variable = of(section, problem.field());
        String sentence = problem.describe(field -> {
            EnvironmentVariable v = of(section, field);
            return v != null ? v.name() : section.accessor + "." + field;
        });
        return variable != null ? sentence + " (" + variable.settingsField() + ")" : sentence;
    }

    /** The Markdown of {@code docs/configuration.md}'s variable tables, one per section. */
    static String markdown() {
        StringBuilder md = new StringBuilder();
        for (Section section : Section.values()) {
            md.append("### ").append(section.title).append(": `").append(section.type).append("`, `config.")
                    .append(section.accessor).append("()`\n\n")
                    .append("| variable | default | settings field | builder shortcut | meaning |\n")
                    .append("|---|---|---|---|---|\n");
            for (EnvironmentVariable v : values()) {
                if (v.section == section) {
                    md.append("| `").append(v.name()).append("` | ").append(v.defaultValue.markdown()).append(" | `")
                            .append(v.field).append("` | `").append(v.shortcut).append("` | ").append(v.meaning)
                            .append(" |\n");
                }
            }
            md.append('\n');
        }
        return md.toString().stripTrailing() + "\n";
    }

    private static Setter text(BiConsumer<WhatsAppAiConfig.Builder, String> setter) {
        return setter::accept;
    }

    private static Setter list(BiConsumer<WhatsAppAiConfig.Builder, List<String>> setter) {
        return (builder, text) -> {
            List<String> items = new ArrayList<>();
            for (String part : text.split(",")) {
                if (!part.isBlank()) {
                    items.add(part.strip());
                }
            }
            setter.accept(builder, items);
        };
    }

    private static Setter duration(BiConsumer<WhatsAppAiConfig.Builder, Duration> setter) {
        return (builder, text) -> setter.accept(builder, Durations.parse(text));
    }

    private static final Pattern SIZE = Pattern.compile("(\\d{1,19})\\s*(|B|KiB|MiB|GiB)", Pattern.CASE_INSENSITIVE);

    private static Setter bytes(BiConsumer<WhatsAppAiConfig.Builder, Long> setter) {
        return (builder, text) -> setter.accept(builder, parseBytes(text));
    }

    /** {@code 5242880}, {@code 5MiB}, {@code 512 KiB}, {@code 1GiB}: a size in bytes. */
    static long parseBytes(String text) {
        Matcher m = SIZE.matcher(text.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException("not a size: '" + text + "'; write a number of bytes, or a number "
                    + "with KiB, MiB or GiB (e.g. 5MiB)");
        }
        int shift = switch (m.group(2).toLowerCase(Locale.ROOT)) {
            case "kib" -> 10;
            case "mib" -> 20;
            case "gib" -> 30;
            default -> 0;
        };
        try {
            long number = Long.parseLong(m.group(1));
            if (number > Long.MAX_VALUE >> shift) {
                throw new NumberFormatException();
            }
            return number << shift;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("size too large: '" + text + "'");
        }
    }

    private static Setter integer(BiConsumer<WhatsAppAiConfig.Builder, Integer> setter) {
        return (builder, text) -> {
            try {
                setter.accept(builder, Integer.parseInt(text));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not a whole number: '" + text + "'");
            }
        };
    }

    private static Setter decimal(BiConsumer<WhatsAppAiConfig.Builder, Double> setter) {
        return (builder, text) -> {
            try {
                setter.accept(builder, Double.parseDouble(text));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not a number: '" + text + "'");
            }
        };
    }
}
