package io.github.whatsappai.ai.knowledge;

import io.github.whatsappai.testing.ManualClock;
import io.github.whatsappai.testing.VirtualScheduler;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.sql.DataSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Vectors cached in a real PostgreSQL (embedded) survive a restart of the knowledge base: a new
 * instance over the same table embeds nothing for text it has seen, and only the new passages of a
 * changed PDF. A cache that fails never fails a refresh. Knowledge bases sharing the table mark
 * the vectors they use once a day and delete only what nobody used within the retention (virtual
 * days: a manual clock and a virtual scheduler drive their refreshes).
 */
class PostgresVectorCacheTest {

    private static final AtomicInteger TABLES = new AtomicInteger();
    private static EmbeddedPostgres postgres;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() throws IOException {
        postgres = EmbeddedPostgres.builder().start();
    }

    @AfterAll
    static void stop() throws IOException {
        postgres.close();
    }

    private static DataSource db() {
        return postgres.getPostgresDatabase();
    }

    private static String table() {
        return "vectors_" + TABLES.incrementAndGet();
    }

    private Path pdf(List<List<String>> pages) throws IOException {
        Path pdf = dir.resolve("handbook.pdf");
        Files.write(pdf, TestPdfs.paragraphs("Handbook", pages));
        return pdf;
    }

    private static final List<String> WARRANTY = List.of("# Warranty",
            "Every product carries a warranty of two years from the date of purchase.");
    private static final List<String> RETURNS = List.of("# Returns",
            "Unused items may be returned within thirty days for a refund of the money paid.");
    private static final List<String> DELIVERY = List.of("# Delivery",
            "The courier brings orders in two to four days; shipping is free above fifty euros.");

    @Test
    void aRestartEmbedsOnlyTheTextItHasNotSeen() throws Exception {
        PostgresVectorCache cache = PostgresVectorCache.create(db(), table());
        Path pdf = pdf(List.of(WARRANTY, RETURNS));
        HybridRetrievalTest.ConceptEmbedder first = new HybridRetrievalTest.ConceptEmbedder();
        int passages;
        try (PdfKnowledgeBase kb = PdfKnowledgeBase.builder().source(pdf.toString()).embedder(first)
                .vectorCache(cache).build()) {
            passages = kb.refreshNow().passages();
        }
        assertThat(first.texts.get()).isEqualTo(passages).isPositive();
        assertThat(rows(cache)).isEqualTo(passages);

        // the restart: a new instance, a new embedder, the same table
        HybridRetrievalTest.ConceptEmbedder second = new HybridRetrievalTest.ConceptEmbedder();
        try (PdfKnowledgeBase kb = PdfKnowledgeBase.builder().source(pdf.toString()).embedder(second)
                .vectorCache(PostgresVectorCache.create(db(), cache.toString().replaceAll(".*\\[|]", "")))
                .build()) {
            kb.refreshNow();
            assertThat(second.texts.get()).as("passages embedded after the restart").isZero();
            // the cached vectors are used: "guarantee" shares no word with the warranty passage, only its vector
            assertThat(kb.searchWithinBudget("is there a guarantee", 200))
                    .anySatisfy(p -> assertThat(p.text()).contains("warranty of two years"));
            // the queries are still embedded (they are not cached)
            assertThat(second.calls.get()).isPositive();
        }

        // a new version of the PDF: only its new passage is embedded
        Files.write(pdf, TestPdfs.paragraphs("Handbook", List.of(WARRANTY, RETURNS, DELIVERY)));
        HybridRetrievalTest.ConceptEmbedder third = new HybridRetrievalTest.ConceptEmbedder();
        try (PdfKnowledgeBase kb = PdfKnowledgeBase.builder().source(pdf.toString()).embedder(third)
                .vectorCache(cache).build()) {
            int now = kb.refreshNow().passages();
            assertThat(third.texts.get()).isEqualTo(now - passages).isPositive();
            assertThat(rows(cache)).isEqualTo(now);
        }
    }

    @Test
    void vectorsRoundTripAndAKeyKeepsItsFirstVector() {
        PostgresVectorCache cache = PostgresVectorCache.create(db(), table());
        String a = "a".repeat(64);
        String b = "b".repeat(64);
        cache.putAll(Map.of(a, new float[] {0.6f, -0.8f, Float.MIN_VALUE}));
        cache.putAll(Map.of(a, new float[] {1f, 0f, 0f}, b, new float[] {0f, 1f}));
        Map<String, float[]> got = cache.getAll(List.of(a, b, "c".repeat(64)));
        assertThat(got).containsOnlyKeys(a, b);
        assertThat(got.get(a)).containsExactly(0.6f, -0.8f, Float.MIN_VALUE);
        assertThat(got.get(b)).containsExactly(0f, 1f);
        assertThat(cache.getAll(List.of())).isEmpty();
        // more keys than one statement takes
        List<String> many = new ArrayList<>();
        for (int i = 0; i < PostgresVectorCache.CHUNK * 2 + 7; i++) {
            many.add(String.format("%064x", i + 1000));
        }
        Map<String, float[]> put = new java.util.HashMap<>();
        many.forEach(k -> put.put(k, new float[] {k.hashCode()}));
        cache.putAll(put);
        assertThat(cache.getAll(many)).hasSize(many.size());
    }

    @Test
    void rowsNoIndexAskedForSinceTheCutoffAreDeleted() throws Exception {
        PostgresVectorCache cache = PostgresVectorCache.create(db(), table());
        cache.putAll(Map.of("d".repeat(64), new float[] {1f}));
        assertThat(cache.deleteUnusedBefore(Instant.now().minus(1, ChronoUnit.DAYS))).isZero();
        assertThat(cache.deleteUnusedBefore(Instant.now().plus(2, ChronoUnit.DAYS))).isEqualTo(1);
        assertThat(rows(cache)).isZero();
    }

    private static final List<String> SIZES = List.of("# Sizes",
            "Shirts come in sizes small to extra large; the size chart is printed on every label.");
    private static final List<String> PICKUP = List.of("# Pickup",
            "Orders can be collected at the counter of the shop from the next morning on.");

    @Test
    void knowledgeBasesSharingTheTableKeepEachOthersVectorsAndDeleteOnlyUnusedOnes() throws Exception {
        ManualClock clock = new ManualClock(Instant.parse("2026-12-01T03:00:00Z"));
        VirtualScheduler scheduler = new VirtualScheduler(clock);
        String table = table();
        Path first = dir.resolve("handbook.pdf");
        Path second = dir.resolve("shipping.pdf");
        Files.write(first, TestPdfs.paragraphs("Handbook", List.of(WARRANTY, RETURNS)));
        Files.write(second, TestPdfs.paragraphs("Shipping", List.of(DELIVERY, PICKUP)));
        try (PdfKnowledgeBase a = scheduled(first, table, clock, scheduler);
             PdfKnowledgeBase b = scheduled(second, table, clock, scheduler)) {
            a.start();
            b.start();
            scheduler.runDueTasks();
            assertThat(rows(table)).isEqualTo(4);

            // the first document drops its returns page: that vector is now used by nobody
            Files.write(first, TestPdfs.paragraphs("Handbook", List.of(WARRANTY, SIZES)));
            scheduler.advance(Duration.ofHours(1));
            assertThat(rows(table)).isEqualTo(5);

            scheduler.advance(Duration.ofDays(30));
            assertThat(rows(table)).as("unused for 30 days, not yet longer").isEqualTo(5);
            scheduler.advance(Duration.ofDays(2));
            assertThat(rows(table)).as("the returns vector is gone; both indexes keep theirs").isEqualTo(4);
        }
        // what is left: each current document embeds nothing, the old version only its returns page
        assertThat(embeddedBy(first, table)).isZero();
        assertThat(embeddedBy(second, table)).isZero();
        Files.write(first, TestPdfs.paragraphs("Handbook", List.of(WARRANTY, RETURNS)));
        assertThat(embeddedBy(first, table)).isEqualTo(1);
    }

    @Test
    void theUpkeepRunsOnceADayAfterARefreshAndNeverBeforeTheFirstLoad() throws Exception {
        ManualClock clock = new ManualClock(Instant.parse("2026-12-01T03:00:00Z"));
        VirtualScheduler scheduler = new VirtualScheduler(clock);
        List<Instant> cutoffs = new ArrayList<>();
        PostgresVectorCache postgresCache = PostgresVectorCache.create(db(), table(), clock);
        VectorCache counting = new VectorCache() {
            @Override
            public Map<String, float[]> getAll(Collection<String> keys) {
                return postgresCache.getAll(keys);
            }

            @Override
            public void putAll(Map<String, float[]> vectors) {
                postgresCache.putAll(vectors);
            }

            @Override
            public void markUsed(Collection<String> keys, Instant when) {
                postgresCache.markUsed(keys, when);
            }

            @Override
            public int deleteUnusedBefore(Instant cutoff) {
                cutoffs.add(cutoff);
                return postgresCache.deleteUnusedBefore(cutoff);
            }
        };
        Path missing = dir.resolve("later.pdf");
        try (PdfKnowledgeBase kb = PdfKnowledgeBase.builder().source(missing.toString())
                .embedder(new HybridRetrievalTest.ConceptEmbedder()).vectorCache(counting)
                .vectorRetention(Duration.ofDays(10)).clock(clock).scheduler(scheduler).build()) {
            kb.start();
            scheduler.advance(Duration.ofHours(3));
            assertThat(cutoffs).as("nothing loaded, nothing it could vouch for").isEmpty();

            Files.write(missing, TestPdfs.paragraphs("Handbook", List.of(WARRANTY)));
            scheduler.advance(Duration.ofHours(1));
            assertThat(kb.isReady()).isTrue();
            assertThat(cutoffs).as("right after the refresh that loaded it").hasSize(1);
            Instant loaded = cutoffs.get(0).plus(Duration.ofDays(10));
            assertThat(loaded).isAfter(clock.instant().minus(Duration.ofHours(1))).isBeforeOrEqualTo(clock.instant());
            scheduler.advance(Duration.ofDays(3));
            assertThat(cutoffs).as("then once a day, though it refreshes every hour").containsExactly(
                    loaded.minus(Duration.ofDays(10)), loaded.minus(Duration.ofDays(9)),
                    loaded.minus(Duration.ofDays(8)), loaded.minus(Duration.ofDays(7)));
        }
    }

    @Test
    void aRetentionShorterThanTheMarkingIntervalIsRefused() {
        assertThatThrownBy(() -> PdfKnowledgeBase.builder().source("kb.pdf")
                .embedder(new HybridRetrievalTest.ConceptEmbedder()).vectorCache(PostgresVectorCache.create(db(), table()))
                .refreshInterval(Duration.ofHours(12)).vectorRetention(Duration.ofHours(36)).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("vectorRetention")
                .hasMessageContaining("must be longer than the refresh interval plus a day (PT36H), was PT36H");
    }

    private PdfKnowledgeBase scheduled(Path pdf, String table, ManualClock clock, VirtualScheduler scheduler) {
        return PdfKnowledgeBase.builder().source(pdf.toString()).embedder(new HybridRetrievalTest.ConceptEmbedder())
                .vectorCache(PostgresVectorCache.create(db(), table, clock)).clock(clock).scheduler(scheduler).build();
    }

    /** Passages a new knowledge base over {@code pdf} embeds with the cache in {@code table}. */
    private static int embeddedBy(Path pdf, String table) {
        HybridRetrievalTest.ConceptEmbedder embedder = new HybridRetrievalTest.ConceptEmbedder();
        try (PdfKnowledgeBase kb = PdfKnowledgeBase.builder().source(pdf.toString()).embedder(embedder)
                .vectorCache(PostgresVectorCache.create(db(), table)).build()) {
            kb.refreshNow();
        }
        return embedder.texts.get();
    }

    @Test
    void aFailingCacheNeverFailsARefreshOrASearch() throws Exception {
        VectorCache broken = new VectorCache() {
            @Override
            public Map<String, float[]> getAll(Collection<String> keys) {
                throw new IllegalStateException("cannot read cached vectors (SQL state 08001)");
            }

            @Override
            public void putAll(Map<String, float[]> vectors) {
                throw new IllegalStateException("cannot write vectors (SQL state 08001)");
            }
        };
        HybridRetrievalTest.ConceptEmbedder embedder = new HybridRetrievalTest.ConceptEmbedder();
        try (PdfKnowledgeBase kb = PdfKnowledgeBase.builder().source(pdf(List.of(WARRANTY, RETURNS)).toString())
                .embedder(embedder).vectorCache(broken).build()) {
            int passages = kb.refreshNow().passages();
            assertThat(embedder.texts.get()).isEqualTo(passages);
            assertThat(kb.searchWithinBudget("is there a guarantee", 200))
                    .anySatisfy(p -> assertThat(p.text()).contains("warranty of two years"));
        }
    }

    @Test
    void theTableNameIsCheckedAndAnUnreachableDatabaseIsNamed() {
        assertThatThrownBy(() -> PostgresVectorCache.create(db(), "vectors; drop table x"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("lower-case SQL name");
        assertThat(PostgresVectorCache.create(db(), "public." + table())).isNotNull();
        org.postgresql.ds.PGSimpleDataSource nowhere = new org.postgresql.ds.PGSimpleDataSource();
        nowhere.setURL("jdbc:postgresql://127.0.0.1:1/none?connectTimeout=2");
        assertThatThrownBy(() -> PostgresVectorCache.create(nowhere))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("cannot create the vector cache table");
    }

    private static int rows(PostgresVectorCache cache) throws Exception {
        return rows(cache.toString().replaceAll(".*\\[|]", ""));
    }

    private static int rows(String table) throws Exception {
        try (Connection c = db().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select count(*) from " + table)) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
