package io.github.whatsappai.ai.knowledge;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Dense vectors of the passages, unit length, searched by cosine similarity (a dot product) over
 * all of them: a few thousand passages of a few hundred dimensions take well under a millisecond,
 * so no approximate index is needed. A passage without a vector (its embedding failed) is never
 * returned. Immutable and thread-safe.
 */
final class VectorIndex {

    /** A passage and its cosine similarity, best first in results. */
    record Hit(int doc, float similarity) {
    }

    static final VectorIndex EMPTY = new VectorIndex(new float[0][], 0);

    private final float[][] vectors;
    private final int dimension;
    private final int present;

    /**
     * @param vectors one per passage, each already unit length, or {@code null} where missing
     * @param dimension the length of every present vector
     */
    VectorIndex(float[][] vectors, int dimension) {
        this.vectors = vectors;
        this.dimension = dimension;
        int n = 0;
        for (float[] v : vectors) {
            if (v != null) {
                n++;
            }
        }
        this.present = n;
    }

    /** Passages that have a vector. */
    int present() {
        return present;
    }

    /** Passages that have none. */
    int missing() {
        return vectors.length - present;
    }

    /** Length of the vectors; 0 when there are none. */
    int dimension() {
        return dimension;
    }

    /** The best {@code limit} passages for a unit-length query vector, best first; ties go to the earlier passage. */
    List<Hit> search(float[] query, int limit) {
        if (present == 0 || limit <= 0) {
            return List.of();
        }
        if (query.length != dimension) {
            throw new EmbeddingException("the query vector has " + query.length + " dimensions but the index has "
                    + dimension + "; the embedder must use the same model for passages and queries");
        }
        int k = Math.min(limit, present);
        int[] docs = new int[k];
        float[] sims = new float[k];
        int size = 0;
        for (int d = 0; d < vectors.length; d++) {
            float[] v = vectors[d];
            if (v == null) {
                continue;
            }
            float s = dot(query, v);
            if (size < k) {
                int i = size++;
                while (i > 0 && sims[i - 1] < s) {
                    docs[i] = docs[i - 1];
                    sims[i] = sims[i - 1];
                    i--;
                }
                docs[i] = d;
                sims[i] = s;
            } else if (s > sims[k - 1]) {
                int i = k - 1;
                while (i > 0 && sims[i - 1] < s) {
                    docs[i] = docs[i - 1];
                    sims[i] = sims[i - 1];
                    i--;
                }
                docs[i] = d;
                sims[i] = s;
            }
        }
        List<Hit> out = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            out.add(new Hit(docs[i], sims[i]));
        }
        return out;
    }

    private static float dot(float[] a, float[] b) {
        float s0 = 0;
        float s1 = 0;
        float s2 = 0;
        float s3 = 0;
        int i = 0;
        int n = a.length;
        for (; i + 3 < n; i += 4) {
            s0 += a[i] * b[i];
            s1 += a[i + 1] * b[i + 1];
            s2 += a[i + 2] * b[i + 2];
            s3 += a[i + 3] * b[i + 3];
        }
        for (; i < n; i++) {
            s0 += a[i] * b[i];
        }
        return s0 + s1 + s2 + s3;
    }

    /**
     * A unit-length copy of {@code v}.
     *
     * @throws EmbeddingException when {@code v} is empty, all zeros or not finite
     */
    static float[] normalized(float[] v) {
        double sum = 0;
        for (float x : v) {
            sum += (double) x * x;
        }
        if (v.length == 0 || sum == 0 || !Double.isFinite(sum)) {
            throw new EmbeddingException("the embedder returned an unusable vector (" + (v.length == 0 ? "empty"
                    : Double.isFinite(sum) ? "all zeros" : "not finite") + "); check the embedding model");
        }
        float scale = (float) (1 / Math.sqrt(sum));
        float[] out = Arrays.copyOf(v, v.length);
        for (int i = 0; i < out.length; i++) {
            out[i] *= scale;
        }
        return out;
    }
}
