package io.github.whatsappai.examples.onnx;

import io.github.whatsappai.ai.knowledge.PdfKnowledgeBase;
import io.github.whatsappai.ai.knowledge.TestPdfs;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;

/** The real model, on a few texts: it loads from the jar, and ranks by meaning. */
class InProcessEmbedderTest {

    private static ExecutorService pool;
    private static InProcessEmbedder embedder;

    @BeforeAll
    static void load() {
        pool = Executors.newFixedThreadPool(2);
        embedder = InProcessEmbedder.create(pool);
    }

    @AfterAll
    static void stop() {
        pool.shutdownNow();
    }

    private static double cosine(float[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }
        return dot / Math.sqrt(na * nb);
    }

    @Test
    void embedsEachTextInOrderWith384Dimensions() {
        List<float[]> v = embedder.embed(List.of("How long is the guarantee?",
                "Every product carries a warranty of two years.", "The courier delivers on Saturdays.", ""));
        assertThat(v).hasSize(4).allSatisfy(x -> assertThat(x).hasSize(384));
        assertThat(cosine(v.get(0), v.get(1))).isGreaterThan(cosine(v.get(0), v.get(2)));
    }

    @Test
    void aKnowledgeBaseWithTheModelFindsAPassageThatSharesNoWordWithTheQuestion(@TempDir Path dir) throws IOException {
        Path pdf = dir.resolve("shop.pdf");
        Files.write(pdf, TestPdfs.paragraphs("Shop handbook", List.of(
                List.of("# Warranty", "Every product carries a warranty of two years from the date of purchase."),
                List.of("# Returns", "Unused items may be sent back within thirty days for a refund."),
                List.of("# Delivery", "Orders leave the warehouse within one working day."),
                List.of("# Accounts", "Forgot your password? Use the reset link on the sign in page."))));
        try (PdfKnowledgeBase kb = PdfKnowledgeBase.builder().source(pdf.toString()).embedder(embedder).build()) {
            kb.refreshNow();
            assertThat(kb.search("how long is my guarantee valid", 1).get(0).text()).contains("two years");
            assertThat(kb.search("when will my parcel ship", 1).get(0).text()).contains("warehouse");
        }
    }
}
