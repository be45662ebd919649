package io.github.whatsappai.examples.demo;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.github.whatsappai.ai.knowledge.EmbeddingsStub;
import io.github.whatsappai.ai.knowledge.Passage;
import io.github.whatsappai.ai.knowledge.PdfKnowledgeBase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The demo with {@code DATABASE_URL} and an embeddings endpoint ({@code EMBEDDINGS_BASE_URL}, here a
 * WireMock stand-in that computes vectors) keeps its passage vectors in PostgreSQL (embedded): the
 * first demo embeds the bundled PDF once, and a second demo on the same database, started beside
 * it, and a restart after both stopped, embed nothing and still answer by meaning.
 */
class DemoVectorCacheTest {

    private static DemoPostgres postgres;

    /**
     * Each text's vector counts the words of a few concepts (delivery, payment, opening hours,
     * storage), plus a small constant so that no vector is zero.
     */
    private static final Map<String, Integer> CONCEPTS = Map.ofEntries(
            Map.entry("deliver", 0), Map.entry("delivery", 0), Map.entry("parcel", 0), Map.entry("dispatch", 0),
            Map.entry("shipping", 0), Map.entry("ship", 0),
            Map.entry("pay", 1), Map.entry("payment", 1), Map.entry("transfer", 1), Map.entry("cash", 1),
            Map.entry("open", 2), Map.entry("hours", 2), Map.entry("close", 2),
            Map.entry("store", 3), Map.entry("airtight", 3), Map.entry("refrigerator", 3));

    private final EmbeddingsStub embeddings = new EmbeddingsStub(text -> {
        float[] v = new float[5];
        v[4] = 0.05f;
        for (String w : text.toLowerCase(Locale.ROOT).split("[^a-z]+")) {
            Integer c = CONCEPTS.get(w);
            if (c != null) {
                v[c] += 1;
            }
        }
        return v;
    });
    private WireMockServer server;
    private String jdbcUrl;
    private String database;

    @BeforeAll
    static void startPostgres() throws Exception {
        postgres = DemoPostgres.start();
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        postgres.close();
    }

    @BeforeEach
    void start() throws Exception {
        database = postgres.newDatabase("vectors");
        jdbcUrl = postgres.jdbcUrl(database);
        server = embeddings.startServer();
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    @Test
    void aSecondDemoAndARestartOnTheSameDatabaseEmbedNothing() throws Exception {
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        int passages;
        try (DemoServer first = start(console)) {
            passages = awaitIndexed(first).passages();
            assertThat(embeddings.passageTexts.get()).as("the first demo embeds every passage once").isEqualTo(passages);
            assertThat(rows()).isEqualTo(passages);
            assertThat(console.toString(StandardCharsets.UTF_8))
                    .contains("using hybrid retrieval with concept-test at http://127.0.0.1:" + server.port()
                            + "/v1, vectors cached in PostgreSQL");

            embeddings.passageTexts.set(0);
            try (DemoServer second = start(new ByteArrayOutputStream())) {
                assertThat(awaitIndexed(second).passages()).isEqualTo(passages);
                assertThat(embeddings.passageTexts.get()).as("a second demo on the same database").isZero();
                assertRanksByMeaning(second.knowledgeBase());
            }
        }
        try (DemoServer restarted = start(new ByteArrayOutputStream())) {
            awaitIndexed(restarted);
            assertThat(embeddings.passageTexts.get()).as("a restart").isZero();
            assertRanksByMeaning(restarted.knowledgeBase());
        }
        assertThat(rows()).isEqualTo(passages);
    }

    /**
     * "parcel" and "dispatch" are in no passage of the sample PDF: only the cached vector of the
     * delivery passage can rank it first, and the query's own embedding reaches the stand-in.
     */
    private void assertRanksByMeaning(PdfKnowledgeBase kb) {
        int before = embeddings.queryTexts.get();
        List<Passage> found = kb.search("parcel dispatch", 1);
        assertThat(found).singleElement().satisfies(p -> assertThat(p.text()).containsIgnoringCase("deliver"));
        assertThat(embeddings.queryTexts.get()).isEqualTo(before + 1);
    }

    private DemoServer start(ByteArrayOutputStream console) throws Exception {
        return DemoServer.start(Map.of("PORT", "0", "DATABASE_URL", jdbcUrl,
                        "EMBEDDINGS_BASE_URL", "http://127.0.0.1:" + server.port() + "/v1",
                        "EMBEDDINGS_MODEL", "concept-test"),
                new PrintStream(console, true, StandardCharsets.UTF_8), builder -> builder);
    }

    /** The demo loads its knowledge base on its own thread: waits (real time, bounded) for its first index. */
    private static PdfKnowledgeBase.Stats awaitIndexed(DemoServer demo) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (demo.knowledgeBase().stats().passages() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(demo.knowledgeBase().stats().passages()).as("indexed within 30 s").isPositive();
        return demo.knowledgeBase().stats();
    }

    private long rows() throws SQLException {
        try (Connection c = postgres.dataSource(database).getConnection();
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select count(*) from whatsapp_ai_passage_vectors")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
