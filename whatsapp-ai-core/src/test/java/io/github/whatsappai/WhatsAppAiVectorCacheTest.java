package io.github.whatsappai;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.github.whatsappai.ai.knowledge.EmbeddingsStub;
import io.github.whatsappai.ai.knowledge.PostgresVectorCache;
import io.github.whatsappai.ai.knowledge.TestPdfs;
import io.github.whatsappai.event.Event;
import io.github.whatsappai.store.postgres.PostgresStateStore;
import io.github.whatsappai.testing.VirtualScheduler;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.sql.DataSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code WhatsAppAi} on the PostgreSQL state store with an embeddings endpoint keeps the passage
 * vectors of the knowledge base it builds in the same database: a second instance (a replica, or
 * the same application restarted) embeds nothing the first one embedded. Real PostgreSQL
 * (embedded), a real PDF, and a WireMock stand-in ({@link EmbeddingsStub}) for the {@code /embeddings} endpoint.
 */
class WhatsAppAiVectorCacheTest {

    private static EmbeddedPostgres postgres;

    @TempDir
    Path dir;

    /** A vector per text from its length. */
    private final EmbeddingsStub embeddings = new EmbeddingsStub(text -> new float[] {
            1 + text.length() % 7, 1 + text.length() % 5, 1});
    private WireMockServer server;

    @BeforeAll
    static void startDatabase() throws IOException {
        postgres = EmbeddedPostgres.builder().start();
    }

    @AfterAll
    static void stopDatabase() throws IOException {
        postgres.close();
    }

    @BeforeEach
    void startServer() {
        server = embeddings.startServer();
    }

    @AfterEach
    void stopServer() {
        server.stop();
    }

    @Test
    void aSecondInstanceOnTheSameDatabaseEmbedsNothingTheFirstOneEmbedded() throws Exception {
        Path pdf = dir.resolve("handbook.pdf");
        Files.write(pdf, TestPdfs.paragraphs("Handbook", List.of(
                List.of("# Warranty", "Every product carries a warranty of two years from the date of purchase."),
                List.of("# Returns", "Unused items may be returned within thirty days for a refund."),
                List.of("# Delivery", "The courier brings orders in two to four days."))));
        DataSource db = postgres.getPostgresDatabase();
        WhatsAppAiConfig config = Fixtures.config()
                .accessToken("token-for-tests").graphApiBaseUrl(server.baseUrl())
                .knowledgeBaseSources(List.of(pdf.toString()))
                .embeddingsBaseUrl(server.baseUrl() + "/v1").embeddingsModel("test-embed")
                .build();

        int passages = runUntilLoaded(config, db);
        assertThat(passages).isPositive();
        assertThat(embeddings.passageTexts.get()).as("the first instance embeds every passage").isEqualTo(passages);
        assertThat(rows(db)).isEqualTo(passages);

        embeddings.passageTexts.set(0);
        assertThat(runUntilLoaded(config, db)).isEqualTo(passages);
        assertThat(embeddings.passageTexts.get()).as("the second instance reads the vectors from PostgreSQL").isZero();
    }

    /**
     * Runs a {@code WhatsAppAi} on a PostgreSQL store over {@code db} until its knowledge base is
     * indexed (the first refresh runs on the virtual scheduler, on this thread); its passages.
     */
    private static int runUntilLoaded(WhatsAppAiConfig config, DataSource db) {
        VirtualScheduler scheduler = new VirtualScheduler();
        AtomicInteger passages = new AtomicInteger();
        try (PostgresStateStore store = PostgresStateStore.builder(db).policy(config.buffer()).build()) {
            WhatsAppAi ai = WhatsAppAi.builder().config(config).stateStore(store)
                    .clock(scheduler.clock()).scheduler(scheduler).eventListener(e -> {
                        if (e instanceof Event.KnowledgeBaseLoaded loaded) {
                            passages.addAndGet(loaded.passages());
                        }
                    }).build();
            try {
                scheduler.runDueTasks();
            } finally {
                ai.close();
            }
        }
        return passages.get();
    }

    private static long rows(DataSource db) throws SQLException {
        try (Connection c = db.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select count(*) from " + PostgresVectorCache.DEFAULT_TABLE)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
