package io.github.whatsappai.ai.knowledge;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class Bm25IndexTest {

    private static List<String> words(String text) {
        return List.of(text.split(" "));
    }

    @Test
    void ranksRareTermsAndShortDocumentsHigherAndWordOrderBreaksTies() {
        Bm25Index index = new Bm25Index.Builder()
                .add(words("refund policy for shoes"))
                .add(words("shoes shoes shoes and more shoes in the shop window today"))
                .add(words("policy refund for shoes"))
                .add(words("opening hours"))
                .build();

        assertThat(index.size()).isEqualTo(4);
        assertThat(index.search(words("refund policy"), 10)).extracting(Bm25Index.Hit::doc).containsExactly(0, 2);
        assertThat(index.search(words("policy refund"), 10)).extracting(Bm25Index.Hit::doc).containsExactly(2, 0);
        assertThat(index.search(words("shoes"), 10).get(0).doc()).isEqualTo(1);
        assertThat(index.search(words("unknown"), 10)).isEmpty();
        assertThat(index.search(List.of(), 10)).isEmpty();
        assertThat(index.search(words("shoes"), 0)).isEmpty();
    }

    @Test
    void fieldsDoNotFormPairsAcrossTheirBoundary() {
        Bm25Index index = new Bm25Index.Builder()
                .add(List.of("title"), List.of("body"))
                .add(List.of("title", "body"))
                .build();
        List<Bm25Index.Hit> hits = index.search(words("title body"), 2);
        assertThat(hits.get(0).doc()).isEqualTo(1);
        assertThat(hits.get(0).score()).isGreaterThan(hits.get(1).score());
    }

    @Test
    void topKMatchesAFullSortOnRandomData() {
        Random random = new Random(7);
        Bm25Index.Builder builder = new Bm25Index.Builder();
        for (int d = 0; d < 2000; d++) {
            List<String> doc = new ArrayList<>();
            for (int i = 0, n = 5 + random.nextInt(60); i < n; i++) {
                doc.add("w" + (int) Math.abs(random.nextGaussian() * 150));
            }
            builder.add(doc);
        }
        Bm25Index index = builder.build();
        for (int q = 0; q < 50; q++) {
            List<String> query = List.of("w" + random.nextInt(300), "w" + random.nextInt(300), "w" + random.nextInt(30));
            List<Bm25Index.Hit> all = new ArrayList<>(index.search(query, Integer.MAX_VALUE));
            all.sort(Comparator.comparingDouble((Bm25Index.Hit h) -> -h.score()).thenComparingInt(Bm25Index.Hit::doc));
            int k = 1 + random.nextInt(10);
            assertThat(index.search(query, k)).containsExactlyElementsOf(all.subList(0, Math.min(k, all.size())));
        }
    }
}
