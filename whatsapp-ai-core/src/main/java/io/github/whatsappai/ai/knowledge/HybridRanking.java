package io.github.whatsappai.ai.knowledge;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reciprocal-rank fusion of a lexical and a vector ranking: a passage scores
 * {@code 1/(K + rank)} in each list it appears in (rank from 1), summed. A passage ranked well by
 * either kind of retrieval rises, one ranked well by both rises most; scores of different scales
 * (BM25, cosine) never have to be compared. Stateless.
 */
final class HybridRanking {

    /** The usual damping constant of reciprocal-rank fusion: 60. */
    static final int K = 60;
    /** How deep each ranking is read before fusing: 100 passages. */
    static final int DEFAULT_DEPTH = 100;

    /** A passage and its fused score. */
    record Fused(int doc, double score) {
    }

    private HybridRanking() {
    }

    /** The best {@code limit} passages of the two rankings (passage numbers, best first), best first; ties go to the earlier passage. */
    static List<Fused> fuse(int[] lexical, int[] dense, int limit) {
        Map<Integer, Double> scores = new HashMap<>();
        for (int r = 0; r < lexical.length; r++) {
            scores.merge(lexical[r], 1.0 / (K + r + 1), Double::sum);
        }
        for (int r = 0; r < dense.length; r++) {
            scores.merge(dense[r], 1.0 / (K + r + 1), Double::sum);
        }
        List<Fused> all = new ArrayList<>(scores.size());
        for (Map.Entry<Integer, Double> e : scores.entrySet()) {
            all.add(new Fused(e.getKey(), e.getValue()));
        }
        all.sort((a, b) -> a.score() != b.score() ? Double.compare(b.score(), a.score()) : Integer.compare(a.doc(), b.doc()));
        return all.size() > limit ? List.copyOf(all.subList(0, limit)) : all;
    }
}
