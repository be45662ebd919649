package io.github.whatsappai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
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

import static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder.responseDefinition;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code WhatsAppAi} on the PostgreSQL state store with an embeddings endpoint keeps the passage
 * vectors of the knowledge base it builds in the same database: a second instance (a replica, or
 * the same application restarted) embeds nothing the first one embedded. Real PostgreSQL
 * (embedded), a real PDF, and a WireMock stand-in for the {@code /embeddings} endpoint.
 */
class WhatsAppAiVectorCacheTest {

    private static EmbeddedPostgres postgres;

    @TempDir
    Path dir;

    private final CountingEmbeddings embeddings = new CountingEmbeddings();
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
        server = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort().extensions(embeddings));
        server.start();
        server.stubFor(post("/v1/embeddings").willReturn(aResponse().withTransformers(CountingEmbeddings.NAME)));
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
        assertThat(embeddings.texts.get()).as("the first instance embeds every passage").isEqualTo(passages);
        assertThat(rows(db)).isEqualTo(passages);

        embeddings.texts.set(0);
        assertThat(runUntilLoaded(config, db)).isEqualTo(passages);
        assertThat(embeddings.texts.get()).as("the second instance reads the vectors from PostgreSQL").isZero();
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

    /** An OpenAI-compatible {@code /embeddings} stand-in: a vector per text from its length, counting the texts. */
    static final class CountingEmbeddings implements ResponseDefinitionTransformerV2 {
        static final String NAME = "counting-embeddings";
        private static final ObjectMapper JSON = new ObjectMapper();
        final AtomicInteger texts = new AtomicInteger();

        @Override
        public ResponseDefinition transform(ServeEvent serveEvent) {
            try {
                JsonNode input = JSON.readTree(serveEvent.getRequest().getBodyAsString()).get("input");
                texts.addAndGet(input.size());
                ObjectNode body = JSON.createObjectNode();
                ArrayNode data = body.putArray("data");
                for (int i = 0; i < input.size(); i++) {
                    String text = input.get(i).asText();
                    data.addObject().put("index", i).putArray("embedding")
                            .add(1 + text.length() % 7).add(1 + text.length() % 5).add(1);
                }
                return responseDefinition().withStatus(200).withHeader("Content-Type", "application/json")
                        .withBody(JSON.writeValueAsString(body)).build();
            } catch (IOException e) {
                return responseDefinition().withStatus(400).withBody(e.getMessage()).build();
            }
        }

        @Override
        public boolean applyGlobally() {
            return false;
        }

        @Override
        public String getName() {
            return NAME;
        }
    }
}
