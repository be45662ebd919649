package io.github.whatsappai.bench;

import io.github.whatsappai.ai.knowledge.Passage;
import io.github.whatsappai.ai.knowledge.PdfKnowledgeBase;
import io.github.whatsappai.ai.knowledge.TestPdfs;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.BreakIterator;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Knowledge-base figures on a 500-page text PDF made with PDFBox from shuffled sentences of the
 * evaluation license texts (a realistic vocabulary with many near-duplicates):
 * <ul>
 *   <li>{@code extractChunkIndex}: one full load of the PDF from a file (PDFBox extraction,
 *       chunking, BM25 index build); target ≤ 5 s in a warm JVM;</li>
 *   <li>{@code top5Query}: one top-5 search over that index, cycling through the evaluation
 *       questions; sample mode reports p99; target ≤ 2 ms.</li>
 * </ul>
 * Run: {@code ./mvnw -B -Pbench -pl whatsapp-ai-core test-compile exec:exec -Dbench.args="KnowledgeBaseBench"}
 */
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgs = {"-Xmx1g"})
public class KnowledgeBaseBench {

    private static final String[] DOCUMENTS = {"GPL-2", "GPL-3", "LGPL-2.1", "LGPL-3", "MPL-2.0", "Apache-2.0",
        "GFDL-1.3", "Artistic"};
    private static final int PAGES = 500;
    private static final int LINES_PER_PAGE = 55;

    private Path pdf;
    private PdfKnowledgeBase loaded;
    private List<String> questions;
    private int next;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        List<String> sentences = new ArrayList<>();
        for (String doc : DOCUMENTS) {
            String text = TestPdfs.resource("/kb-eval/" + doc + ".txt").replaceAll("\\s+", " ");
            BreakIterator it = BreakIterator.getSentenceInstance(Locale.ROOT);
            it.setText(text);
            int start = it.first();
            for (int end = it.next(); end != BreakIterator.DONE; start = end, end = it.next()) {
                String s = text.substring(start, end).strip();
                if (s.length() > 20) {
                    sentences.add(s);
                }
            }
        }
        Random random = new Random(42);
        StringBuilder text = new StringBuilder();
        int lines = 0;
        while (lines < PAGES * LINES_PER_PAGE) {
            StringBuilder paragraph = new StringBuilder();
            for (int i = 0, n = 2 + random.nextInt(4); i < n; i++) {
                paragraph.append(sentences.get(random.nextInt(sentences.size()))).append(' ');
            }
            for (String line : hardWrap(paragraph.toString().strip(), 85)) {
                text.append(line).append('\n');
                lines++;
            }
            text.append('\n');
            lines++;
        }
        pdf = Files.createTempFile("kb-bench-", ".pdf");
        Files.write(pdf, TestPdfs.preformatted("Benchmark document", text.toString(), LINES_PER_PAGE));
        loaded = PdfKnowledgeBase.builder().source(pdf.toString()).build();
        PdfKnowledgeBase.Stats stats = loaded.refreshNow();
        if (stats.pages() < PAGES) {
            throw new IllegalStateException("expected at least " + PAGES + " pages, got " + stats);
        }
        System.out.println("\nbenchmark document: " + stats + ", " + Files.size(pdf) + " bytes");
        questions = new ArrayList<>();
        for (String line : TestPdfs.resource("/kb-eval/questions.tsv").split("\n")) {
            if (!line.isBlank()) {
                questions.add(line.split("\t")[1]);
            }
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        loaded.close();
        Files.deleteIfExists(pdf);
    }

    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @Warmup(iterations = 3)
    @Measurement(iterations = 5)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public PdfKnowledgeBase.Stats extractChunkIndex() {
        try (PdfKnowledgeBase kb = PdfKnowledgeBase.builder().source(pdf.toString()).build()) {
            return kb.refreshNow();
        }
    }

    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @Warmup(iterations = 3, time = 2)
    @Measurement(iterations = 5, time = 2)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public List<Passage> top5Query() {
        String q = questions.get(next++ % questions.size());
        return loaded.search(q, 5);
    }

    private static List<String> hardWrap(String paragraph, int width) {
        List<String> out = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String word : paragraph.split(" ")) {
            if (line.length() > 0 && line.length() + 1 + word.length() > width) {
                out.add(line.toString());
                line.setLength(0);
            }
            if (line.length() > 0) {
                line.append(' ');
            }
            line.append(word);
        }
        if (line.length() > 0) {
            out.add(line.toString());
        }
        return out;
    }
}
