package io.github.whatsappai.examples.supabase;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.github.whatsappai.examples.testing.ChatLogRows;
import io.github.whatsappai.examples.testing.PostgresExtension;
import io.github.whatsappai.spi.ChatLogEntry;
import io.github.whatsappai.spi.ChatLogger;
import io.github.whatsappai.spi.ChatLoggerContract;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The chat logger contract over HTTP: WireMock stands in for PostgREST and, through
 * {@link PostgrestEmulator}, stores what it receives in a real PostgreSQL with the V1 schema, so
 * read-back, idempotency and column types are checked end to end.
 */
class SupabaseChatLoggerContractTest extends ChatLoggerContract {

    @RegisterExtension
    final PostgresExtension db = PostgresExtension.migrated();

    private WireMockServer server;

    @Override
    protected ChatLogger createChatLogger() {
        server = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1")
                .extensions(new PostgrestEmulator(db.dataSource())));
        server.start();
        server.stubFor(post(urlPathEqualTo("/rest/v1/chat_logs"))
                .willReturn(aResponse().withTransformers(PostgrestEmulator.NAME)));
        return new SupabaseChatLogger(SupabaseClient.builder(server.baseUrl(), SupabaseChatLoggerTest.SECRET_KEY)
                .build());
    }

    @Override
    protected List<ChatLogEntry> readBack(ChatLogger logger, String sessionId) {
        return ChatLogRows.read(db.dataSource(), sessionId);
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop();
        }
    }

    @Test
    void everyFieldSurvivesTheTripThroughPostgrest() {
        ChatLogger logger = createChatLogger();
        List<ChatLogEntry> entries = List.of(SupabaseChatLoggerTest.inbound("wamid.A"),
                SupabaseChatLoggerTest.reply("reply:wamid.A"));
        logger.log(entries);
        logger.log(entries);

        assertThat(readBack(logger, "s1")).containsExactlyElementsOf(entries);
    }

    @Test
    void aSchemaMismatchIsAClearNonRetryableError() {
        ChatLogger logger = createChatLogger();
        try (var c = db.dataSource().getConnection(); var s = c.createStatement()) {
            s.execute("alter table chat_logs drop column cost_usd");
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> logger.log(List.of(SupabaseChatLoggerTest.inbound("wamid.A"))))
                .isInstanceOfSatisfying(SupabaseException.class, e -> {
                    assertThat(e.isRetryable()).isFalse();
                    assertThat(e.code()).isEqualTo("42703");
                    assertThat(e.getMessage()).contains("42703: a statement does not fit the schema");
                    assertThat(e.serverMessage()).contains("cost_usd");
                });
    }
}
