package io.github.whatsappai;

import io.github.whatsappai.EnvironmentVariable.Section;
import io.github.whatsappai.conversation.MediaSettings;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** Holds the table of environment variables, the code that reads them and docs/configuration.md together. */
class EnvironmentVariableTest {

    private static final Path DOC = Path.of("..", "docs", "configuration.md");
    private static final String BEGIN = "<!-- environment-variables:begin -->\n";
    private static final String END = "<!-- environment-variables:end -->";
    private static final Pattern ROW = Pattern.compile("^\\| `([A-Z][A-Z0-9_]*)` \\| ([^|]*) \\|", Pattern.MULTILINE);

    /** The variables every configuration needs, so that one more variable can be tried at a time. */
    private static final Map<String, String> REQUIRED = Map.of(
            "META_APP_SECRET", Fixtures.SECRET,
            "META_WEBHOOK_VERIFY_TOKEN", Fixtures.VERIFY_TOKEN,
            "META_PHONE_NUMBER_ID", Fixtures.PHONE_NUMBER_ID);

    /** A valid value unlike the default, per variable. */
    private static final Map<EnvironmentVariable, String> SAMPLES = new EnumMap<>(Map.ofEntries(
            Map.entry(EnvironmentVariable.META_APP_SECRET, "another-secret"),
            Map.entry(EnvironmentVariable.META_WEBHOOK_VERIFY_TOKEN, "another-token"),
            Map.entry(EnvironmentVariable.META_PHONE_NUMBER_ID, "555"),
            Map.entry(EnvironmentVariable.META_BUSINESS_ACCOUNT_ID, "777"),
            Map.entry(EnvironmentVariable.META_APP_ID, "1234"),
            Map.entry(EnvironmentVariable.WEBHOOK_MAX_BODY_BYTES, "5000000"),
            Map.entry(EnvironmentVariable.RATE_LIMIT_PER_MINUTE, "7"),
            Map.entry(EnvironmentVariable.MAX_MESSAGE_AGE, "2h"),
            Map.entry(EnvironmentVariable.DEDUP_CAPACITY, "99"),
            Map.entry(EnvironmentVariable.META_ACCESS_TOKEN, "EAAG-token"),
            Map.entry(EnvironmentVariable.META_GRAPH_API_BASE_URL, "http://127.0.0.1:9/graph"),
            Map.entry(EnvironmentVariable.META_GRAPH_API_VERSION, "v25.0"),
            Map.entry(EnvironmentVariable.OUTBOUND_MESSAGES_PER_SECOND, "12"),
            Map.entry(EnvironmentVariable.OPENROUTER_API_KEY, "sk-or-key"),
            Map.entry(EnvironmentVariable.OPENROUTER_MODEL, "openai/gpt-4o-mini"),
            Map.entry(EnvironmentVariable.OPENROUTER_FALLBACK_MODELS, "a/b,c/d"),
            Map.entry(EnvironmentVariable.OPENROUTER_MEDIA_MODEL, "google/gemini-2.5-flash"),
            Map.entry(EnvironmentVariable.OPENROUTER_MEDIA_FALLBACK_MODELS, "e/f,g/h"),
            Map.entry(EnvironmentVariable.OPENROUTER_BASE_URL, "http://127.0.0.1:9/api"),
            Map.entry(EnvironmentVariable.OPENROUTER_APP_URL, "https://shop.example.com"),
            Map.entry(EnvironmentVariable.OPENROUTER_APP_TITLE, "Shop"),
            Map.entry(EnvironmentVariable.OPENROUTER_TEMPERATURE, "1.5"),
            Map.entry(EnvironmentVariable.OPENROUTER_MAX_TOKENS, "77"),
            Map.entry(EnvironmentVariable.AI_REQUEST_TIMEOUT, "5s"),
            Map.entry(EnvironmentVariable.AI_SYSTEM_PROMPT, "Be brief."),
            Map.entry(EnvironmentVariable.KNOWLEDGE_BASE_URLS, "/srv/kb/faq.pdf"),
            Map.entry(EnvironmentVariable.KNOWLEDGE_BASE_REFRESH_INTERVAL, "10m"),
            Map.entry(EnvironmentVariable.EMBEDDINGS_BASE_URL, "http://127.0.0.1:9/v1"),
            Map.entry(EnvironmentVariable.EMBEDDINGS_MODEL, "text-embedding-3-small"),
            Map.entry(EnvironmentVariable.EMBEDDINGS_API_KEY, "sk-embeddings-key"),
            Map.entry(EnvironmentVariable.MESSAGE_BUFFER_WINDOW, "3s"),
            Map.entry(EnvironmentVariable.MESSAGE_BUFFER_MAX_WAIT, "90s"),
            Map.entry(EnvironmentVariable.MESSAGE_BUFFER_MAX_BATCH, "3"),
            Map.entry(EnvironmentVariable.SESSION_IDLE_TIMEOUT, "1h"),
            Map.entry(EnvironmentVariable.SESSION_RESET_WORDS, "/restart"),
            Map.entry(EnvironmentVariable.WHATSAPP_EXPIRED_REPLY_TEMPLATE, "reply_expired:id"),
            Map.entry(EnvironmentVariable.WHATSAPP_MEDIA_MAX_ITEM_BYTES, "1048576"),
            Map.entry(EnvironmentVariable.WHATSAPP_MEDIA_MAX_BURST_BYTES, "20MiB"),
            Map.entry(EnvironmentVariable.WHATSAPP_MEDIA_MAX_ITEMS_PER_USER_PER_DAY, "0"),
            Map.entry(EnvironmentVariable.WHATSAPP_MEDIA_DOWNLOAD_TIMEOUT, "90s")));

    /**
     * Variables that are only valid together (an embeddings base URL needs its model): set in both
     * configurations compared, so that the sample of one of them changes only its own field.
     */
    private static final Map<String, String> EMBEDDINGS = Map.of(
            "EMBEDDINGS_BASE_URL", "http://127.0.0.1:11434/v1",
            "EMBEDDINGS_MODEL", "nomic-embed-text");

    @Test
    void theDocsListExactlyTheVariablesOfTheTableWithTheirDefaults() throws IOException {
        String doc = Files.readString(DOC);
        assertThat(doc).as("%s marks its generated tables", DOC).contains(BEGIN, END);
        String block = doc.substring(doc.indexOf(BEGIN) + BEGIN.length(), doc.indexOf(END));

        Map<String, String> documented = new LinkedHashMap<>();
        Matcher m = ROW.matcher(block);
        while (m.find()) {
            documented.put(m.group(1), m.group(2).strip());
        }
        Map<String, String> table = new LinkedHashMap<>();
        for (EnvironmentVariable v : EnvironmentVariable.values()) {
            table.put(v.name(), v.defaultValue.markdown());
        }
        Set<String> undocumented = new TreeSet<>(table.keySet());
        undocumented.removeAll(documented.keySet());
        Set<String> notRead = new TreeSet<>(documented.keySet());
        notRead.removeAll(table.keySet());
        assertThat(undocumented).as("variables read but not documented in %s", DOC).isEmpty();
        assertThat(notRead).as("variables documented in %s but never read", DOC).isEmpty();
        assertThat(documented).as("defaults documented in %s", DOC).isEqualTo(table);
        assertThat(block).as("the tables of %s; replace them with EnvironmentVariable.markdown():%n%s", DOC,
                EnvironmentVariable.markdown()).isEqualTo(EnvironmentVariable.markdown());
    }

    @Test
    void fromEnvironmentReadsExactlyTheVariablesOfTheTable() {
        Set<Object> asked = new LinkedHashSet<>();
        Map<String, String> env = new HashMap<>(REQUIRED) {
            @Override
            public String get(Object key) {
                asked.add(key);
                return super.get(key);
            }
        };
        WhatsAppAiConfig.fromEnvironment(env);
        Set<Object> names = new LinkedHashSet<>();
        Arrays.stream(EnvironmentVariable.values()).forEach(v -> names.add(v.name()));
        assertThat(asked).containsExactlyInAnyOrderElementsOf(names);
    }

    @Test
    void everyLiteralDefaultIsTheDefault() {
        WhatsAppAiConfig defaults = WhatsAppAiConfig.fromEnvironment(REQUIRED);
        for (EnvironmentVariable v : EnvironmentVariable.values()) {
            if (v.defaultValue.value() != null) {
                Map<String, String> env = new HashMap<>(REQUIRED);
                env.put(v.name(), v.defaultValue.value());
                assertThat(WhatsAppAiConfig.fromEnvironment(env)).as("%s=%s", v, v.defaultValue.value())
                        .isEqualTo(defaults);
            }
        }
    }

    @Test
    void everyVariableSetsExactlyItsSettingsField() throws ReflectiveOperationException {
        assertThat(SAMPLES.keySet()).as("a sample value per variable")
                .containsExactlyInAnyOrder(EnvironmentVariable.values());
        for (EnvironmentVariable v : EnvironmentVariable.values()) {
            Map<String, String> base = new HashMap<>(REQUIRED);
            if (v.name().startsWith("EMBEDDINGS_")) {
                base.putAll(EMBEDDINGS);
            }
            Map<String, Object> defaults = fields(WhatsAppAiConfig.fromEnvironment(base));
            Map<String, String> env = new HashMap<>(base);
            env.put(v.name(), SAMPLES.get(v));
            Map<String, Object> changed = fields(WhatsAppAiConfig.fromEnvironment(env));
            List<String> differing = new ArrayList<>();
            for (String field : defaults.keySet()) {
                if (!Objects.equals(defaults.get(field), changed.get(field))) {
                    differing.add(field);
                }
            }
            assertThat(differing).as("fields %s=%s changes", v, SAMPLES.get(v)).containsExactly(v.settingsField());
        }
    }

    @Test
    void everyShortcutIsAPublicBuilderMethodAndEverySectionIsAComponent() {
        Set<String> methods = new LinkedHashSet<>();
        for (Method method : WhatsAppAiConfig.Builder.class.getMethods()) {
            if (Modifier.isPublic(method.getModifiers())) {
                methods.add(method.getName());
            }
        }
        for (EnvironmentVariable v : EnvironmentVariable.values()) {
            assertThat(methods).as("shortcut of %s", v).contains(v.shortcut);
        }
        assertThat(Arrays.stream(Section.values()).map(s -> s.accessor))
                .containsExactly(Arrays.stream(WhatsAppAiConfig.class.getRecordComponents())
                        .map(RecordComponent::getName).toArray(String[]::new));
    }

    @Test
    void problemsAreNamedByTheirVariableWithTheSettingsField() {
        String message = org.assertj.core.api.Assertions.catchThrowable(() -> WhatsAppAiConfig.fromEnvironment(Map.of(
                "META_APP_SECRET", "s", "META_WEBHOOK_VERIFY_TOKEN", "t", "META_PHONE_NUMBER_ID", "1",
                "MESSAGE_BUFFER_WINDOW", "30s", "MESSAGE_BUFFER_MAX_WAIT", "10s", "RATE_LIMIT_PER_MINUTE", "0")))
                .getMessage();
        assertThat(message).isEqualTo("Invalid whatsapp-ai configuration:"
                + "\n - RATE_LIMIT_PER_MINUTE must be positive, was 0 (guards.rateLimitPerMinute)"
                + "\n - MESSAGE_BUFFER_MAX_WAIT (PT10S) must not be shorter than MESSAGE_BUFFER_WINDOW (PT30S)"
                + " (buffer.maxWait)");
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> Fixtures.config().maxBatchChars(0).build()))
                .hasMessageContaining("conversation.maxBatchChars must be positive, was 0");
    }

    @Test
    void mediaSizesAreBytesOrBinaryUnitsAndTheirLimitsAreRead() {
        Map<String, String> env = new HashMap<>(REQUIRED);
        env.put("WHATSAPP_MEDIA_MAX_ITEM_BYTES", "512 KiB");
        env.put("WHATSAPP_MEDIA_MAX_BURST_BYTES", "2mib");
        env.put("WHATSAPP_MEDIA_MAX_ITEMS_PER_USER_PER_DAY", "12");
        env.put("WHATSAPP_MEDIA_DOWNLOAD_TIMEOUT", "PT45S");
        MediaSettings media = WhatsAppAiConfig.fromEnvironment(env).media();
        assertThat(media.maxItemBytes()).isEqualTo(512L * 1024);
        assertThat(media.maxBurstBytes()).isEqualTo(2L * 1024 * 1024);
        assertThat(media.maxItemsPerUserPerDay()).isEqualTo(12);
        assertThat(media.downloadTimeout()).isEqualTo(Duration.ofSeconds(45));
        assertThat(media.unreadNotice()).isEqualTo(MediaSettings.DEFAULT_UNREAD_NOTICE);
        assertThat(WhatsAppAiConfig.fromEnvironment(REQUIRED).media()).isEqualTo(MediaSettings.defaults());
        assertThat(EnvironmentVariable.parseBytes("1GiB")).isEqualTo(1L << 30);
        assertThat(EnvironmentVariable.parseBytes("7B")).isEqualTo(7);
    }

    @Test
    void everyMediaProblemIsListedByItsVariable() {
        Map<String, String> env = new HashMap<>(REQUIRED);
        env.put("WHATSAPP_MEDIA_MAX_ITEM_BYTES", "5 MB");
        env.put("WHATSAPP_MEDIA_MAX_BURST_BYTES", "99999999999GiB");
        env.put("WHATSAPP_MEDIA_MAX_ITEMS_PER_USER_PER_DAY", "-1");
        env.put("WHATSAPP_MEDIA_DOWNLOAD_TIMEOUT", "soon");
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> WhatsAppAiConfig.fromEnvironment(env)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("Invalid whatsapp-ai configuration:")
                .hasMessageContaining("\n - WHATSAPP_MEDIA_MAX_ITEM_BYTES: not a size: '5 MB'; write a number of "
                        + "bytes, or a number with KiB, MiB or GiB (e.g. 5MiB)")
                .hasMessageContaining("\n - WHATSAPP_MEDIA_MAX_BURST_BYTES: size too large: '99999999999GiB'")
                .hasMessageContaining("\n - WHATSAPP_MEDIA_DOWNLOAD_TIMEOUT: ")
                .hasMessageContaining("\n - WHATSAPP_MEDIA_MAX_ITEMS_PER_USER_PER_DAY must not be negative, was -1"
                        + " (media.maxItemsPerUserPerDay)");

        Map<String, String> inverted = new HashMap<>(REQUIRED);
        inverted.put("WHATSAPP_MEDIA_MAX_ITEM_BYTES", "8MiB");
        inverted.put("WHATSAPP_MEDIA_MAX_BURST_BYTES", "4MiB");
        inverted.put("WHATSAPP_MEDIA_DOWNLOAD_TIMEOUT", "0s");
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> WhatsAppAiConfig.fromEnvironment(inverted)))
                .hasMessage("Invalid whatsapp-ai configuration:"
                        + "\n - WHATSAPP_MEDIA_MAX_BURST_BYTES (4194304) must be at least WHATSAPP_MEDIA_MAX_ITEM_BYTES"
                        + " (8388608) (media.maxBurstBytes)"
                        + "\n - WHATSAPP_MEDIA_DOWNLOAD_TIMEOUT must be a positive duration, was PT0S"
                        + " (media.downloadTimeout)");
    }

    @Test
    void anEmbeddingsEndpointNeedsBothItsUrlAndItsModel() {
        Map<String, String> urlOnly = new HashMap<>(REQUIRED);
        urlOnly.put("EMBEDDINGS_BASE_URL", "http://127.0.0.1:11434/v1");
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> WhatsAppAiConfig.fromEnvironment(urlOnly)))
                .hasMessageContaining("EMBEDDINGS_MODEL is required with an embeddings base URL")
                .hasMessageContaining("(knowledgeBase.embeddingsModel)");
        Map<String, String> modelOnly = new HashMap<>(REQUIRED);
        modelOnly.put("EMBEDDINGS_MODEL", "nomic-embed-text");
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> WhatsAppAiConfig.fromEnvironment(modelOnly)))
                .hasMessageContaining("EMBEDDINGS_BASE_URL is required with an embeddings model");
        Map<String, String> notAUrl = new HashMap<>(REQUIRED);
        notAUrl.putAll(EMBEDDINGS);
        notAUrl.put("EMBEDDINGS_BASE_URL", "localhost:11434");
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> WhatsAppAiConfig.fromEnvironment(notAUrl)))
                .hasMessageContaining("EMBEDDINGS_BASE_URL must be an http(s) URL, was 'localhost:11434'");
        Map<String, String> both = new HashMap<>(REQUIRED);
        both.putAll(EMBEDDINGS);
        both.put("EMBEDDINGS_API_KEY", "sk-embeddings-secret");
        WhatsAppAiConfig config = WhatsAppAiConfig.fromEnvironment(both);
        assertThat(config.knowledgeBase().hybrid()).isTrue();
        assertThat(config.knowledgeBase().embedderBuilder().build().modelId()).contains("nomic-embed-text");
        assertThat(config.toString()).doesNotContain("sk-embeddings-secret");
    }

    /** Every settings field of {@code config}, as {@code section.field}. */
    private static Map<String, Object> fields(WhatsAppAiConfig config) throws ReflectiveOperationException {
        Map<String, Object> fields = new LinkedHashMap<>();
        for (RecordComponent section : WhatsAppAiConfig.class.getRecordComponents()) {
            Object settings = section.getAccessor().invoke(config);
            for (RecordComponent field : settings.getClass().getRecordComponents()) {
                fields.put(section.getName() + "." + field.getName(), field.getAccessor().invoke(settings));
            }
        }
        return fields;
    }
}
