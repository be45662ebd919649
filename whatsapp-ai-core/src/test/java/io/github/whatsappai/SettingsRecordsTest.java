package io.github.whatsappai;

import io.github.whatsappai.ai.OpenRouterSettings;
import io.github.whatsappai.ai.knowledge.KnowledgeBaseSettings;
import io.github.whatsappai.store.BufferPolicy;
import io.github.whatsappai.client.GraphSettings;
import io.github.whatsappai.conversation.ConversationSettings;
import io.github.whatsappai.webhook.GuardSettings;
import io.github.whatsappai.webhook.WebhookSettings;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The feature settings records: each checks itself, lists every problem the same way and hides secrets. */
class SettingsRecordsTest {

    @Test
    void everyRecordListsAllItsProblemsOnePerLine() {
        assertThatThrownBy(() -> new GraphSettings(null, URI.create("ftp://x"), "26", 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Invalid GraphSettings:"
                        + "\n - baseUrl must be an http(s) URL, was 'ftp://x'"
                        + "\n - version must look like v26.0, was '26'"
                        + "\n - outboundMessagesPerSecond must be positive, was 0");
        assertThatThrownBy(() -> WebhookSettings.builder().phoneNumberIds("12a").maxBodyBytes(10).build())
                .hasMessage("Invalid WebhookSettings:"
                        + "\n - appSecrets is required: without it webhook signatures cannot be verified, and the "
                        + "SDK never skips verification"
                        + "\n - verifyToken is required for Meta's handshake"
                        + "\n - phoneNumberIds contains '12a', which is not a numeric id"
                        + "\n - phoneNumberIds is required: deliveries for numbers that are not ours are ignored"
                        + "\n - maxBodyBytes must be at least 3000000 (Meta sends bodies up to 3 MB; a smaller cap "
                        + "makes Meta retry for days), was 10");
        assertThatThrownBy(() -> new BufferPolicy(Duration.ofSeconds(15), Duration.ofSeconds(10), 0))
                .hasMessage("Invalid BufferPolicy:"
                        + "\n - maxWait (PT10S) must not be shorter than window (PT15S)"
                        + "\n - maxBatchSize must be positive, was 0");
        assertThatThrownBy(() -> GuardSettings.builder().maxMessageAge(Duration.ZERO).dedupCapacity(0).build())
                .hasMessage("Invalid GuardSettings:"
                        + "\n - maxMessageAge must be a positive duration, was PT0S"
                        + "\n - dedupCapacity must be positive, was 0");
        assertThatThrownBy(() -> ConversationSettings.builder().historyMaxTurns(0).messages(null).build())
                .hasMessage("Invalid ConversationSettings:"
                        + "\n - historyMaxTurns must be positive, was 0"
                        + "\n - messages is required");
        assertThatThrownBy(() -> KnowledgeBaseSettings.builder().refreshInterval(Duration.ofSeconds(-1)).build())
                .hasMessage("Invalid KnowledgeBaseSettings:\n - refreshInterval must be a positive duration, was PT-1S");
        assertThatThrownBy(() -> OpenRouterSettings.builder().baseUrl("not a url").model(" ").temperature(2.5)
                .maxTokens(0).requestTimeout(null).systemPrompt("").build())
                .hasMessage("Invalid OpenRouterSettings:"
                        + "\n - baseUrl must be an http(s) URL, was 'not a url'"
                        + "\n - model must not be blank"
                        + "\n - temperature must be between 0 and 2, was 2.5"
                        + "\n - maxTokens must be positive, was 0"
                        + "\n - requestTimeout must be a positive duration, was null"
                        + "\n - systemPrompt must not be blank");
    }

    @Test
    void anOpenRouterOrGraphSettingNeedsNoWebhookSecrets() {
        OpenRouterSettings ai = OpenRouterSettings.builder().apiKey("sk-or-v1-secret").baseUrl("http://127.0.0.1:9/v1/")
                .fallbackModels(List.of("a/b", " ")).build();
        assertThat(ai.baseUrl()).hasToString("http://127.0.0.1:9/v1");
        assertThat(ai.fallbackModels()).containsExactly("a/b");
        assertThat(GraphSettings.defaults().accessToken()).isNull();
        assertThat(GraphSettings.defaults().baseUrl()).hasToString(GraphSettings.DEFAULT_BASE_URL);
    }

    @Test
    void toStringNeverShowsASecret() {
        WebhookSettings webhook = WebhookSettings.builder().appSecrets("app-secret-1", "app-secret-2")
                .verifyToken("verify-token-1").phoneNumberIds("123").build();
        GraphSettings graph = GraphSettings.builder().accessToken("EAAG-token-1").build();
        OpenRouterSettings ai = OpenRouterSettings.builder().apiKey("sk-or-v1-key-1").build();
        String all = webhook + " " + graph + " " + ai + " " + Fixtures.config().accessToken("EAAG-token-1")
                .openRouterApiKey("sk-or-v1-key-1").build();
        assertThat(all).doesNotContain("app-secret-1", "app-secret-2", "verify-token-1", "EAAG-token-1",
                "sk-or-v1-key-1", Fixtures.SECRET, Fixtures.VERIFY_TOKEN).contains("appSecrets=2", "123");
    }

    @Test
    void buildersCopyWhatTheyAreGivenAndRecordsAreImmutable() {
        List<String> secrets = new ArrayList<>(List.of("s1", " ", "s2"));
        WebhookSettings.Builder builder = WebhookSettings.builder().appSecrets(secrets).verifyToken("t")
                .phoneNumberIds("1");
        WebhookSettings first = builder.build();
        secrets.clear();
        assertThat(first.appSecrets()).containsExactly("s1", "s2");
        assertThat(builder.build()).isEqualTo(first);
        assertThat(first.toBuilder().build()).isEqualTo(first);
        assertThatThrownBy(() -> first.appSecrets().add("x")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> first.phoneNumberIds().add("2")).isInstanceOf(UnsupportedOperationException.class);

        ConversationSettings conversation = ConversationSettings.builder().sessionResetWords(Set.of(" /Restart ", ""))
                .build();
        assertThat(conversation.sessionResetWords()).containsExactly("/restart");
    }

    @Test
    void theRootBuilderTakesWholeRecordsAndItsShortcutsSetTheSameFields() {
        GraphSettings graph = GraphSettings.builder().accessToken("t").version("v25.0").build();
        WhatsAppAiConfig viaRecord = Fixtures.config().graph(graph).build();
        WhatsAppAiConfig viaShortcuts = Fixtures.config().accessToken("t").graphApiVersion("v25.0").build();
        assertThat(viaRecord).isEqualTo(viaShortcuts);
        assertThat(viaRecord.graph()).isEqualTo(graph);
        assertThat(viaRecord.toBuilder().build()).isEqualTo(viaRecord);
    }
}
