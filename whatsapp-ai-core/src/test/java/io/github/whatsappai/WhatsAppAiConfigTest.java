package io.github.whatsappai;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WhatsAppAiConfigTest {

    @Test
    void defaults() {
        WhatsAppAiConfig c = Fixtures.config().build();
        assertThat(c.webhook().appSecrets()).containsExactly(Fixtures.SECRET, Fixtures.OLD_SECRET);
        assertThat(c.guards().rateLimitPerMinute()).isEqualTo(20);
        assertThat(c.guards().maxMessageAge()).isEqualTo(Duration.ofHours(24));
        assertThat(c.webhook().maxBodyBytes()).isEqualTo(4 * 1024 * 1024);
        assertThat(c.buffer().window()).isEqualTo(Duration.ofSeconds(15));
        assertThat(c.buffer().maxWait()).isEqualTo(Duration.ofSeconds(60));
        assertThat(c.webhook().businessAccountIds()).isEmpty();
        assertThat(c.graph().version()).isEqualTo("v26.0");
        assertThat(c.openRouter().model()).isEqualTo("google/gemini-2.0-flash-exp:free");
        assertThat(c.openRouter().fallbackModels()).containsExactly("openrouter/free");
        assertThat(c.conversation().sessionResetWords()).containsExactlyInAnyOrder("/reset", "/new");
    }

    @Test
    void buildListsEveryProblemAtOnce() {
        assertThatThrownBy(() -> WhatsAppAiConfig.builder()
                .phoneNumberIds("abc")
                .businessAccountIds("x1")
                .graphApiBaseUrl("ftp://nope")
                .graphApiVersion("26")
                .rateLimitPerMinute(0)
                .maxBodyBytes(1024)
                .bufferWindow(Duration.ofSeconds(30))
                .bufferMaxWait(Duration.ofSeconds(10))
                .maxMessageAge(Duration.ZERO)
                .aiTemperature(3)
                .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContainingAll("META_APP_SECRET", "META_WEBHOOK_VERIFY_TOKEN",
                        "META_PHONE_NUMBER_ID contains 'abc'", "META_BUSINESS_ACCOUNT_ID contains 'x1'",
                        "META_GRAPH_API_BASE_URL", "META_GRAPH_API_VERSION", "RATE_LIMIT_PER_MINUTE",
                        "WEBHOOK_MAX_BODY_BYTES", "MESSAGE_BUFFER_MAX_WAIT", "MAX_MESSAGE_AGE",
                        "OPENROUTER_TEMPERATURE");
    }

    @Test
    void blankSecretsDoNotCount() {
        assertThatThrownBy(() -> WhatsAppAiConfig.builder().appSecrets(" ", "").verifyToken("t")
                .phoneNumberIds("1").build())
                .hasMessageContaining("META_APP_SECRET");
    }

    @Test
    void toStringNeverShowsSecrets() {
        WhatsAppAiConfig c = Fixtures.config().accessToken("EAAG-access-token-value")
                .openRouterApiKey("sk-or-v1-secret-key").build();
        String s = c.toString();
        assertThat(s).doesNotContain(Fixtures.SECRET, Fixtures.OLD_SECRET, Fixtures.VERIFY_TOKEN,
                "EAAG-access-token-value", "sk-or-v1-secret-key");
        assertThat(s).contains(Fixtures.PHONE_NUMBER_ID, "appSecrets=2");
    }

    @Test
    void fromEnvironmentParsesDurationsListsAndNumbers() {
        WhatsAppAiConfig c = WhatsAppAiConfig.fromEnvironment(Map.ofEntries(
                Map.entry("META_APP_SECRET", " new_secret , old_secret ,"),
                Map.entry("META_WEBHOOK_VERIFY_TOKEN", "tok"),
                Map.entry("META_PHONE_NUMBER_ID", "111,222"),
                Map.entry("META_BUSINESS_ACCOUNT_ID", "333"),
                Map.entry("META_GRAPH_API_BASE_URL", "http://127.0.0.1:8089/"),
                Map.entry("OPENROUTER_FALLBACK_MODELS", "a/b, c/d"),
                Map.entry("KNOWLEDGE_BASE_URLS", "https://example.com/a.pdf,/tmp/b.pdf"),
                Map.entry("MESSAGE_BUFFER_WINDOW", "500ms"),
                Map.entry("MESSAGE_BUFFER_MAX_WAIT", "2m"),
                Map.entry("SESSION_IDLE_TIMEOUT", "PT12H"),
                Map.entry("MAX_MESSAGE_AGE", "2d"),
                Map.entry("RATE_LIMIT_PER_MINUTE", "7"),
                Map.entry("DEDUP_CAPACITY", "1000"),
                Map.entry("SESSION_RESET_WORDS", "/Reset, start over"),
                Map.entry("META_ACCESS_TOKEN", "   ")));
        assertThat(c.webhook().appSecrets()).containsExactly("new_secret", "old_secret");
        assertThat(c.webhook().phoneNumberIds()).containsExactlyInAnyOrder("111", "222");
        assertThat(c.webhook().businessAccountIds()).containsExactly("333");
        assertThat(c.graph().baseUrl().toString()).isEqualTo("http://127.0.0.1:8089");
        assertThat(c.openRouter().fallbackModels()).containsExactly("a/b", "c/d");
        assertThat(c.knowledgeBase().sources()).containsExactly("https://example.com/a.pdf", "/tmp/b.pdf");
        assertThat(c.buffer().window()).isEqualTo(Duration.ofMillis(500));
        assertThat(c.buffer().maxWait()).isEqualTo(Duration.ofMinutes(2));
        assertThat(c.conversation().sessionIdleTimeout()).isEqualTo(Duration.ofHours(12));
        assertThat(c.guards().maxMessageAge()).isEqualTo(Duration.ofDays(2));
        assertThat(c.guards().rateLimitPerMinute()).isEqualTo(7);
        assertThat(c.guards().dedupCapacity()).isEqualTo(1000);
        assertThat(c.conversation().sessionResetWords()).containsExactlyInAnyOrder("/reset", "start over");
        assertThat(c.graph().accessToken()).as("blank variables keep the default").isNull();
    }

    @Test
    void fromEnvironmentReportsUnreadableValuesTogetherWithMissingOnes() {
        assertThatThrownBy(() -> WhatsAppAiConfig.fromEnvironment(Map.of(
                "MESSAGE_BUFFER_WINDOW", "soon",
                "RATE_LIMIT_PER_MINUTE", "lots",
                "OPENROUTER_TEMPERATURE", "warm")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContainingAll("MESSAGE_BUFFER_WINDOW", "not a duration", "RATE_LIMIT_PER_MINUTE",
                        "not a whole number", "OPENROUTER_TEMPERATURE", "META_APP_SECRET", "META_PHONE_NUMBER_ID");
    }

    @Test
    void toBuilderCopiesEveryValue() {
        WhatsAppAiConfig c = Fixtures.config().businessAccountIds("9").rateLimitPerMinute(3)
                .maxMessageAge(Duration.ofHours(2)).build();
        WhatsAppAiConfig copy = c.toBuilder().build();
        assertThat(copy.toString()).isEqualTo(c.toString());
        assertThat(copy.webhook().appSecrets()).isEqualTo(c.webhook().appSecrets());
        assertThat(copy.webhook().verifyToken()).isEqualTo(c.webhook().verifyToken());
        assertThat(c.toBuilder().rateLimitPerMinute(9).build().guards().rateLimitPerMinute()).isEqualTo(9);
        assertThat(c.guards().rateLimitPerMinute()).isEqualTo(3);
    }

    @Test
    void collectionsAreImmutable() {
        WhatsAppAiConfig c = Fixtures.config().build();
        assertThatThrownBy(() -> c.webhook().appSecrets().add("x")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> c.webhook().phoneNumberIds().add("x")).isInstanceOf(UnsupportedOperationException.class);
        assertThat(List.copyOf(c.webhook().phoneNumberIds())).containsExactly(Fixtures.PHONE_NUMBER_ID);
    }
}
