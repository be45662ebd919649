package io.github.whatsappai.ai.knowledge;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An immutable in-memory BM25 index (k1 = 1.2, b = 0.75) over analysed terms, with a bonus for
 * adjacent term pairs: each pair of neighbouring terms of a field is indexed as one more term
 * and scored the same way with weight {@link #BIGRAM_WEIGHT}, so a passage that has the query's
 * words in the query's order beats one that only has the words. Terms are int ids; postings are
 * parallel {@code int[]} arrays; top-k uses a bounded heap. Thread-safe (immutable once built).
 */
final class Bm25Index {

    static final float K1 = 1.2f;
    static final float B = 0.75f;
    static final float BIGRAM_WEIGHT = 0.5f;

    /** A document and its score, best first in results. */
    record Hit(int doc, float score) {
    }

    private final Map<String, Integer> termIds;
    private final int[][] postingDocs;
    private final int[][] postingFreqs;
    private final float[] idf;
    private final float[] lengthNorm;

    private Bm25Index(Map<String, Integer> termIds, int[][] postingDocs, int[][] postingFreqs, float[] idf,
                      float[] lengthNorm) {
        this.termIds = termIds;
        this.postingDocs = postingDocs;
        this.postingFreqs = postingFreqs;
        this.idf = idf;
        this.lengthNorm = lengthNorm;
    }

    /** Number of documents. */
    int size() {
        return lengthNorm.length;
    }

    /**
     * The best {@code limit} documents for a query's analysed terms, best first; ties go to the
     * earlier document. Documents that share no term with the query are never returned.
     */
    List<Hit> search(List<String> queryTerms, int limit) {
        if (limit <= 0 || queryTerms.isEmpty() || size() == 0) {
            return List.of();
        }
        Map<Integer, Float> weights = new LinkedHashMap<>();
        for (int i = 0; i < queryTerms.size(); i++) {
            weights.putIfAbsent(termIds.getOrDefault(queryTerms.get(i), -1), 1f);
            if (i > 0) {
                weights.putIfAbsent(termIds.getOrDefault(bigram(queryTerms.get(i - 1), queryTerms.get(i)), -1),
                        BIGRAM_WEIGHT);
            }
        }
        weights.remove(-1);
        if (weights.isEmpty()) {
            return List.of();
        }
        float[] scores = new float[size()];
        int[] touched = new int[Math.min(size(), 1024)];
        int touchedCount = 0;
        for (Map.Entry<Integer, Float> e : weights.entrySet()) {
            int term = e.getKey();
            float w = idf[term] * e.getValue();
            int[] docs = postingDocs[term];
            int[] freqs = postingFreqs[term];
            for (int p = 0; p < docs.length; p++) {
                int d = docs[p];
                float tf = freqs[p];
                if (scores[d] == 0f) {
                    if (touchedCount == touched.length) {
                        touched = Arrays.copyOf(touched, Math.min(size(), touched.length * 2));
                    }
                    touched[touchedCount++] = d;
                }
                scores[d] += w * tf * (K1 + 1) / (tf + lengthNorm[d]);
            }
        }
        return topK(scores, touched, touchedCount, limit);
    }

    private static List<Hit> topK(float[] scores, int[] touched, int count, int limit) {
        int k = Math.min(limit, count);
        int[] heapDocs = new int[k];
        float[] heapScores = new float[k];
        int size = 0;
        for (int i = 0; i < count; i++) {
            int d = touched[i];
            float s = scores[d];
            if (size < k) {
                heapDocs[size] = d;
                heapScores[size] = s;
                siftUp(heapDocs, heapScores, size++);
            } else if (better(s, d, heapScores[0], heapDocs[0])) {
                heapDocs[0] = d;
                heapScores[0] = s;
                siftDown(heapDocs, heapScores, size);
            }
        }
        Hit[] hits = new Hit[size];
        for (int i = 0; i < size; i++) {
            hits[i] = new Hit(heapDocs[i], heapScores[i]);
        }
        Arrays.sort(hits, (a, b) -> better(a.score(), a.doc(), b.score(), b.doc()) ? -1 : 1);
        return List.of(hits);
    }

    /** Whether (s1, d1) ranks above (s2, d2): higher score, then earlier document. */
    private static boolean better(float s1, int d1, float s2, int d2) {
        return s1 > s2 || s1 == s2 && d1 < d2;
    }

    /** Min-heap on rank: the root is the worst of the kept hits. */
    private static void siftUp(int[] docs, float[] scores, int i) {
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (!better(scores[parent], docs[parent], scores[i], docs[i])) {
                break;
            }
            swap(docs, scores, i, parent);
            i = parent;
        }
    }

    private static void siftDown(int[] docs, float[] scores, int size) {
        int i = 0;
        while (true) {
            int left = 2 * i + 1;
            if (left >= size) {
                return;
            }
            int worst = left;
            int right = left + 1;
            if (right < size && better(scores[worst], docs[worst], scores[right], docs[right])) {
                worst = right;
            }
            if (!better(scores[i], docs[i], scores[worst], docs[worst])) {
                return;
            }
            swap(docs, scores, i, worst);
            i = worst;
        }
    }

    private static void swap(int[] docs, float[] scores, int a, int b) {
        int d = docs[a];
        docs[a] = docs[b];
        docs[b] = d;
        float s = scores[a];
        scores[a] = scores[b];
        scores[b] = s;
    }

    private static String bigram(String a, String b) {
        return a + ' ' + b;
    }

    /** Collects documents; {@link #build()} makes the index. Not thread-safe. */
    static final class Builder {

        private final Map<String, Integer> termIds = new HashMap<>();
        private final List<Integer> lengths = new ArrayList<>();
        private int[] postingSizes = new int[1024];
        private int[][] docsByTerm = new int[1024][];
        private int[][] freqsByTerm = new int[1024][];

        /**
         * Adds the next document (its number is the count added before it) made of {@code fields},
         * each a sequence of analysed terms; term pairs do not cross fields.
         */
        @SafeVarargs
        final Builder add(List<String>... fields) {
            int doc = lengths.size();
            Map<Integer, int[]> counts = new HashMap<>();
            int length = 0;
            for (List<String> field : fields) {
                for (int i = 0; i < field.size(); i++) {
                    counts.computeIfAbsent(id(field.get(i)), t -> new int[1])[0]++;
                    if (i > 0) {
                        counts.computeIfAbsent(id(bigram(field.get(i - 1), field.get(i))), t -> new int[1])[0]++;
                    }
                }
                length += field.size();
            }
            for (Map.Entry<Integer, int[]> e : counts.entrySet()) {
                append(e.getKey(), doc, e.getValue()[0]);
            }
            lengths.add(length);
            return this;
        }

        private int id(String term) {
            Integer id = termIds.get(term);
            if (id == null) {
                id = termIds.size();
                termIds.put(term, id);
                if (id == docsByTerm.length) {
                    docsByTerm = Arrays.copyOf(docsByTerm, id * 2);
                    freqsByTerm = Arrays.copyOf(freqsByTerm, id * 2);
                    postingSizes = Arrays.copyOf(postingSizes, id * 2);
                }
                docsByTerm[id] = new int[2];
                freqsByTerm[id] = new int[2];
            }
            return id;
        }

        private void append(int term, int doc, int freq) {
            int n = postingSizes[term];
            if (n == docsByTerm[term].length) {
                docsByTerm[term] = Arrays.copyOf(docsByTerm[term], n * 2);
                freqsByTerm[term] = Arrays.copyOf(freqsByTerm[term], n * 2);
            }
            docsByTerm[term][n] = doc;
            freqsByTerm[term][n] = freq;
            postingSizes[term] = n + 1;
        }

        Bm25Index build() {
            int terms = termIds.size();
            int docs = lengths.size();
            int[][] postingDocs = new int[terms][];
            int[][] postingFreqs = new int[terms][];
            float[] idf = new float[terms];
            for (int t = 0; t < terms; t++) {
                int df = postingSizes[t];
                postingDocs[t] = Arrays.copyOf(docsByTerm[t], df);
                postingFreqs[t] = Arrays.copyOf(freqsByTerm[t], df);
                idf[t] = (float) Math.log(1 + (docs - df + 0.5) / (df + 0.5));
            }
            double total = 0;
            for (int length : lengths) {
                total += length;
            }
            double average = docs == 0 ? 1 : Math.max(1, total / docs);
            float[] lengthNorm = new float[docs];
            for (int d = 0; d < docs; d++) {
                lengthNorm[d] = (float) (K1 * (1 - B + B * lengths.get(d) / average));
            }
            return new Bm25Index(termIds, postingDocs, postingFreqs, idf, lengthNorm);
        }
    }
}
