package io.github.whatsappai.examples.onnx;

import io.github.whatsappai.ai.knowledge.PdfKnowledgeBase;
import io.github.whatsappai.ai.knowledge.TestPdfs;
import io.github.whatsappai.event.Event;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Figures for docs/knowledge-base.md, run on demand only:
 * {@code ./mvnw -B -q -o -pl whatsapp-ai-examples/whatsapp-ai-embeddings-onnx -am test
 * -Dtest=InProcessIndexFigures -Dsurefire.failIfNoSpecifiedTests=false -Dfigures=true}.
 * Builds a 500-page PDF of the licence texts Debian ships under {@code /usr/share/common-licenses}
 * (each paragraph numbered, so no two passages are alike), indexes it with the in-process model,
 * then refreshes it twice (file untouched; file re-read with every passage already embedded) and
 * times 200 queries. Also times loading the model (with its first embedding) and 200 query
 * embeddings alone. Prints the figures; asserts nothing about time.
 */
@EnabledIfSystemProperty(named = "figures", matches = "true")
class InProcessIndexFigures {

    @Test
    void indexAndQueryA500PagePdf(@TempDir Path dir) throws IOException {
        List<String> paragraphs = new ArrayList<>();
        for (String name : List.of("GPL-3", "Apache-2.0", "MPL-2.0", "LGPL-2.1", "GFDL-1.3", "Artistic")) {
            String text = Files.readString(Path.of("/usr/share/common-licenses", name), StandardCharsets.UTF_8);
            for (String p : text.split("\\n\\s*\\n")) {
                String flat = p.replaceAll("\\s+", " ").strip();
                if (flat.length() > 40) {
                    paragraphs.add(flat);
                }
            }
        }
        List<List<String>> pages = new ArrayList<>();
        int n = 0;
        for (int page = 0; page < 500; page++) {
            List<String> onPage = new ArrayList<>();
            int chars = 0;
            while (chars < 2_400) {
                String p = "Clause " + (page + 1) + "." + (onPage.size() + 1) + ". " + paragraphs.get(n++ % paragraphs.size());
                if (p.length() > 1_200) {
                    p = p.substring(0, 1_200);
                }
                onPage.add(p);
                chars += p.length();
            }
            pages.add(onPage);
        }
        Path pdf = dir.resolve("licences-500.pdf");
        Files.write(pdf, TestPdfs.paragraphs("Licences", pages));
        AtomicInteger progress = new AtomicInteger();
        long load0 = System.nanoTime();
        InProcessEmbedder embedder = InProcessEmbedder.create();
        embedder.embed(List.of("warm up the model"));
        long modelStart = System.nanoTime() - load0;
        long[] embedOnly = new long[200];
        for (int i = 0; i < embedOnly.length; i++) {
            long e0 = System.nanoTime();
            embedder.embed(List.of("is there any guarantee that the program works " + i));
            embedOnly[i] = System.nanoTime() - e0;
        }
        Arrays.sort(embedOnly);
        try (PdfKnowledgeBase kb = PdfKnowledgeBase.builder().source(pdf.toString())
                .eventListener(e -> {
                    if (e instanceof Event.KnowledgeBaseEmbeddingProgress) {
                        progress.incrementAndGet();
                    }
                }).embedder(embedder).build()) {
            long t0 = System.nanoTime();
            PdfKnowledgeBase.Stats stats = kb.refreshNow();
            long cold = System.nanoTime() - t0;
            t0 = System.nanoTime();
            kb.refreshNow();
            long unchanged = System.nanoTime() - t0;
            Files.setLastModifiedTime(pdf, FileTime.from(Instant.now().plusSeconds(60)));
            t0 = System.nanoTime();
            kb.refreshNow();
            long reread = System.nanoTime() - t0;
            String[] queries = {"can I charge a fee for copies", "what happens if I break the licence terms",
                    "is there any guarantee that the program works", "may I use the patents of contributors",
                    "how do I apply these terms to my own program", "do I have to publish my changes",
                    "what counts as the source code", "can I combine it with a proprietary library"};
            long[] times = new long[200];
            for (int i = 0; i < times.length; i++) {
                long q0 = System.nanoTime();
                kb.searchWithinBudget(queries[i % queries.length] + " " + i, 4_000);
                times[i] = System.nanoTime() - q0;
            }
            Arrays.sort(times);
            System.out.printf("pages=%d passages=%d modelLoadAndFirstEmbedding=%.2fs queryEmbeddingOnly p50=%.1fms "
                            + "p99=%.1fms cold=%.1fs progressEvents=%d refreshUnchanged=%.3fs "
                            + "refreshRereadAllCached=%.2fs query p50=%.1fms p99=%.1fms load=%s%n",
                    stats.pages(), stats.passages(), modelStart / 1e9, embedOnly[100] / 1e6, embedOnly[197] / 1e6,
                    cold / 1e9, progress.get(), unchanged / 1e9, reread / 1e9,
                    times[100] / 1e6, times[197] / 1e6,
                    Files.readString(Path.of("/proc/loadavg")).strip());
        }
    }
}
