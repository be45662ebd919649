package io.github.whatsappai.ai.knowledge;

import io.github.whatsappai.event.Event;
import io.github.whatsappai.testing.ManualClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class HybridRetrievalTest {

    /**
     * A small embedder that knows synonyms: each concept is one dimension, so "guarantee" and
     * "warranty" get the same direction while they share no letters. Counts what it embeds and can
     * be switched off.
     */
    static final class ConceptEmbedder implements Embedder {
        private static final Map<String, Integer> CONCEPTS = Map.ofEntries(
                Map.entry("warranty", 0), Map.entry("guarantee", 0), Map.entry("guaranteed", 0),
                Map.entry("refund", 1), Map.entry("money", 1),
                Map.entry("ship", 2), Map.entry("shipping", 2), Map.entry("delivery", 2), Map.entry("courier", 2),
                Map.entry("password", 3), Map.entry("login", 3), Map.entry("sign", 3));
        final AtomicInteger texts = new AtomicInteger();
        final AtomicInteger calls = new AtomicInteger();
        final AtomicBoolean down = new AtomicBoolean();
        volatile int dimension = 8;

        @Override
        public List<float[]> embed(List<String> batch) {
            calls.incrementAndGet();
            if (down.get()) {
                throw new EmbeddingException("connection refused by the test embedder");
            }
            texts.addAndGet(batch.size());
            List<float[]> out = new ArrayList<>();
            for (String t : batch) {
                float[] v = new float[dimension];
                v[dimension - 1] = 0.05f;
                for (String w : t.toLowerCase(Locale.ROOT).split("[^a-z]+")) {
                    Integer c = CONCEPTS.get(w);
                    if (c != null && c < dimension) {
                        v[c] += 1;
                    }
                }
                out.add(v);
            }
            return out;
        }

        @Override
        public int maxBatchSize() {
            return 4;
        }
    }

    @TempDir
    Path dir;

    private final List<Event> events = new CopyOnWriteArrayList<>();
    private final ConceptEmbedder embedder = new ConceptEmbedder();
    private final ManualClock clock = ManualClock.atDefaultStart();

    private static final List<List<String>> PAGES = List.of(
            List.of("# Warranty", "Every product carries a warranty of two years from the date of purchase. "
                    + "Repairs under warranty are free of charge at any service centre."),
            List.of("# Returns", "Unused items may be returned within thirty days for a refund to the original "
                    + "payment method."),
            List.of("# Delivery", "Orders leave our warehouse within one working day and the courier brings "
                    + "them in two to four days."),
            List.of("# Accounts", "Forgot your password? Use the reset link on the sign in page."));

    private Path write(List<List<String>> pages, long mtime) throws IOException {
        Path pdf = dir.resolve("shop.pdf");
        Files.write(pdf, TestPdfs.paragraphs("Shop handbook", pages));
        Files.setLastModifiedTime(pdf, FileTime.from(Instant.ofEpochSecond(mtime)));
        return pdf;
    }

    private PdfKnowledgeBase kb(Path pdf, Embedder e) {
        PdfKnowledgeBase.Builder b = PdfKnowledgeBase.builder().source(pdf.toString()).eventListener(events::add)
                .clock(clock);
        return (e == null ? b : b.embedder(e)).build();
    }

    @Test
    void vectorsFindAPassageThatSharesNoWordWithTheQuestion() throws IOException {
        Path pdf = write(PAGES, 1000);
        try (PdfKnowledgeBase lexical = kb(pdf, null); PdfKnowledgeBase hybrid = kb(pdf, embedder)) {
            lexical.refreshNow();
            hybrid.refreshNow();
            String question = "how long is the guarantee?";
            assertThat(lexical.search(question, 3)).noneMatch(p -> p.text().contains("two years"));
            assertThat(hybrid.search(question, 1)).singleElement()
                    .satisfies(p -> assertThat(p.text()).contains("two years"));
            // a word both halves know still wins
            assertThat(hybrid.search("reset my password", 1).get(0).text()).contains("reset link");
        }
    }

    @Test
    void aRefreshWithNothingChangedEmbedsNothingAndAChangedPageOnlyItsPassages() throws IOException {
        Path pdf = write(PAGES, 1000);
        try (PdfKnowledgeBase kb = kb(pdf, embedder)) {
            kb.refreshNow();
            int first = embedder.texts.get();
            assertThat(first).isEqualTo(kb.stats().passages());
            assertThat(events).filteredOn(Event.KnowledgeBaseEmbeddingProgress.class::isInstance).last()
                    .isEqualTo(new Event.KnowledgeBaseEmbeddingProgress(first, 0, first));

            kb.refreshNow();
            assertThat(embedder.texts.get()).isEqualTo(first);

            List<List<String>> changed = new ArrayList<>(PAGES);
            changed.set(3, List.of("# Accounts", "Lost your password? Ask the shop for a new login code."));
            write(changed, 2000);
            kb.refreshNow();
            assertThat(first).isGreaterThan(1);
            assertThat(embedder.texts.get() - first).isEqualTo(1); // only the changed page's passage
            assertThat(kb.search("guarantee", 1).get(0).text()).contains("two years");
        }
    }

    @Test
    void longDocumentsReportProgressPerBatch() throws IOException {
        List<List<String>> many = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            many.add(List.of("# Section " + i, "Paragraph number " + i + " says something about shipping."));
        }
        try (PdfKnowledgeBase kb = kb(write(many, 1000), embedder)) {
            kb.refreshNow();
            List<Event> progress = events.stream().filter(Event.KnowledgeBaseEmbeddingProgress.class::isInstance).toList();
            int total = kb.stats().passages();
            assertThat(progress).hasSize((total + 3) / 4);
            assertThat(progress.get(0)).isEqualTo(new Event.KnowledgeBaseEmbeddingProgress(4, 0, total));
        }
    }

    @Test
    void anEmbedderThatIsDownAtIndexingLeavesLexicalSearchAndIsTriedAgainOnTheNextRefresh() throws IOException {
        Path pdf = write(PAGES, 1000);
        try (PdfKnowledgeBase kb = kb(pdf, embedder)) {
            embedder.down.set(true);
            kb.refreshNow();
            assertThat(events).filteredOn(Event.KnowledgeBaseEmbeddingFailed.class::isInstance).singleElement()
                    .satisfies(e -> assertThat(((Event.KnowledgeBaseEmbeddingFailed) e).reason())
                            .contains("connection refused").contains("lexically"));
            assertThat(kb.search("reset link password", 1).get(0).text()).contains("reset link");
            kb.refreshNow(); // still down: reported once
            assertThat(events).filteredOn(Event.KnowledgeBaseEmbeddingFailed.class::isInstance).hasSize(1);

            embedder.down.set(false);
            kb.refreshNow(); // nothing changed in the file, but the missing vectors are computed now
            assertThat(events).filteredOn(Event.KnowledgeBaseEmbeddingRecovered.class::isInstance).hasSize(1);
            assertThat(kb.search("how long is the guarantee?", 1).get(0).text()).contains("two years");
        }
    }

    @Test
    void anEmbedderThatGoesDownKeepsTheLastGoodVectorsAndQueriesFallBackToLexical() throws IOException {
        Path pdf = write(PAGES, 1000);
        try (PdfKnowledgeBase kb = kb(pdf, embedder)) {
            kb.refreshNow();
            embedder.down.set(true);
            List<List<String>> changed = new ArrayList<>(PAGES);
            changed.set(1, List.of("# Returns", "Unused items may be returned within sixty days."));
            write(changed, 2000);
            kb.refreshNow();
            // the query cannot be embedded: lexical results, reported once
            assertThat(kb.search("sixty days returned", 1).get(0).text()).contains("sixty days");
            assertThat(kb.search("returned items", 1)).isNotEmpty();
            assertThat(events).filteredOn(e -> e instanceof Event.KnowledgeBaseEmbeddingFailed f && f.duringSearch())
                    .hasSize(1);
            embedder.down.set(false);
            clock.advance(PdfKnowledgeBase.QUERY_EMBEDDING_PAUSE);
            // unchanged passages kept their vectors; the new ones get theirs on the next refresh
            assertThat(kb.search("how long is the guarantee?", 1).get(0).text()).contains("two years");
            assertThat(events).filteredOn(Event.KnowledgeBaseEmbeddingRecovered.class::isInstance).hasSize(1);
        }
    }

    @Test
    void afterAQueryCouldNotBeEmbeddedSearchesStayLexicalForAPauseThenOneTriesAgain() throws IOException {
        Path pdf = write(PAGES, 1000);
        try (PdfKnowledgeBase kb = kb(pdf, embedder)) {
            kb.refreshNow();
            embedder.down.set(true);
            int before = embedder.calls.get();
            assertThat(kb.search("reset password", 1).get(0).text()).contains("reset link");
            assertThat(embedder.calls.get()).isEqualTo(before + 1);

            // within the pause: lexical at once, the embedder is not asked (a hanging one would hold every reply)
            clock.advance(PdfKnowledgeBase.QUERY_EMBEDDING_PAUSE.minusSeconds(1));
            embedder.down.set(false);
            assertThat(kb.search("how long is the guarantee?", 1)).allSatisfy(p -> assertThat(p.text())
                    .doesNotContain("two years"));
            assertThat(kb.search("reset password", 1)).isNotEmpty();
            assertThat(embedder.calls.get()).isEqualTo(before + 1);
            assertThat(events).filteredOn(Event.KnowledgeBaseEmbeddingRecovered.class::isInstance).isEmpty();

            // the pause is over: this search tries again, finds the embedder back and ranks by meaning
            clock.advance(java.time.Duration.ofSeconds(1));
            assertThat(kb.search("how long is the guarantee?", 1).get(0).text()).contains("two years");
            assertThat(embedder.calls.get()).isEqualTo(before + 2);
            assertThat(events).filteredOn(Event.KnowledgeBaseEmbeddingRecovered.class::isInstance).hasSize(1);
            assertThat(events).filteredOn(e -> e instanceof Event.KnowledgeBaseEmbeddingFailed f && f.duringSearch())
                    .singleElement().satisfies(e -> assertThat(((Event.KnowledgeBaseEmbeddingFailed) e).reason())
                            .contains("lexical").contains("30 s"));
        }
    }

    @Test
    void aFailedRetryStartsAnotherPause() throws IOException {
        Path pdf = write(PAGES, 1000);
        try (PdfKnowledgeBase kb = kb(pdf, embedder)) {
            kb.refreshNow();
            embedder.down.set(true);
            int before = embedder.calls.get();
            kb.search("reset password", 1);
            clock.advance(PdfKnowledgeBase.QUERY_EMBEDDING_PAUSE);
            kb.search("reset password", 1); // tries, fails again
            kb.search("reset password", 1); // paused again
            assertThat(embedder.calls.get()).isEqualTo(before + 2);
            assertThat(events).filteredOn(e -> e instanceof Event.KnowledgeBaseEmbeddingFailed f && f.duringSearch())
                    .hasSize(1);
        }
    }

    @Test
    void aQueryVectorOfAnotherDimensionIsRefusedWithAClearEventAndLexicalResults() throws IOException {
        Path pdf = write(PAGES, 1000);
        try (PdfKnowledgeBase kb = kb(pdf, embedder)) {
            kb.refreshNow();
            embedder.dimension = 16;
            assertThat(kb.search("reset password", 1).get(0).text()).contains("reset link");
            assertThat(events).filteredOn(Event.KnowledgeBaseEmbeddingFailed.class::isInstance).singleElement()
                    .satisfies(e -> assertThat(((Event.KnowledgeBaseEmbeddingFailed) e).reason())
                            .contains("16 dimensions").contains("8").contains("same model"));
        }
    }
}
