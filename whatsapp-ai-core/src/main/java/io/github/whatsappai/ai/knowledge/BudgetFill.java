package io.github.whatsappai.ai.knowledge;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * Fills a character budget with ranked passages. Passages are offered best first; one is taken
 * when its new text fits: passages that follow each other in one document are joined, and the
 * text a passage shares with a neighbour (the chunker's overlap) is written and counted once. The
 * result is one group per run of consecutive passages, ordered by the rank of its best member.
 * Not thread-safe; one per search.
 */
final class BudgetFill {

    /** A run of consecutive passages, joined. */
    record Group(int first, int last, String text, double score, int rank) {
    }

    private final int maxChars;
    private final String[] texts;
    private final int[] documents;
    /** Taken passage → its rank of offer and score. */
    private final TreeMap<Integer, double[]> taken = new TreeMap<>();
    private int used;

    BudgetFill(int maxChars, String[] texts, int[] documents) {
        this.maxChars = maxChars;
        this.texts = texts;
        this.documents = documents;
    }

    /** Takes passage {@code doc} if its new text fits; returns whether it did. */
    boolean offer(int doc, double score) {
        if (taken.containsKey(doc)) {
            return false;
        }
        int cost = texts[doc].length();
        boolean joinsPrevious = taken.containsKey(doc - 1) && sameDocument(doc - 1, doc);
        boolean joinsNext = taken.containsKey(doc + 1) && sameDocument(doc, doc + 1);
        if (joinsPrevious) {
            cost += joinCost(texts[doc - 1], texts[doc]);
        }
        if (joinsNext) {
            cost += joinCost(texts[doc], texts[doc + 1]);
        }
        if (used + cost > maxChars) {
            return false;
        }
        used += cost;
        taken.put(doc, new double[] {taken.size(), score});
        return true;
    }

    /** What joining two neighbours adds to their lengths: minus the shared text, or a paragraph break. */
    private static int joinCost(String previous, String next) {
        int shared = overlap(previous, next);
        return shared > 0 ? 1 - shared : 2;
    }

    /** Characters used so far. */
    int used() {
        return used;
    }

    /** The taken passages joined into runs, best run first. */
    List<Group> groups() {
        List<Group> out = new ArrayList<>();
        Integer start = null;
        StringBuilder text = new StringBuilder();
        double best = Double.NEGATIVE_INFINITY;
        int bestRank = Integer.MAX_VALUE;
        int previous = -2;
        for (var e : taken.entrySet()) {
            int doc = e.getKey();
            if (start != null && (doc != previous + 1 || !sameDocument(previous, doc))) {
                out.add(new Group(start, previous, text.toString(), best, bestRank));
                start = null;
            }
            if (start == null) {
                start = doc;
                text.setLength(0);
                text.append(texts[doc]);
                best = Double.NEGATIVE_INFINITY;
                bestRank = Integer.MAX_VALUE;
            } else {
                int shared = overlap(texts[previous], texts[doc]);
                text.append(shared > 0 ? " " : "\n\n").append(texts[doc], shared, texts[doc].length());
            }
            best = Math.max(best, e.getValue()[1]);
            bestRank = Math.min(bestRank, (int) e.getValue()[0]);
            previous = doc;
        }
        if (start != null) {
            out.add(new Group(start, previous, text.toString(), best, bestRank));
        }
        out.sort((a, b) -> Integer.compare(a.rank(), b.rank()));
        return out;
    }

    private boolean sameDocument(int a, int b) {
        return a >= 0 && b < documents.length && documents[a] == documents[b];
    }

    /**
     * Length of the longest start of {@code next} that {@code previous} ends with (the chunk
     * overlap, whole words on both sides), plus the space after it in {@code next}; 0 when none.
     */
    static int overlap(String previous, String next) {
        int max = Math.min(previous.length(), next.length());
        for (int len = max; len > 0; len--) {
            int from = previous.length() - len;
            if ((len == next.length() || next.charAt(len) == ' ') && (from == 0 || previous.charAt(from - 1) == ' ')
                    && previous.regionMatches(previous.length() - len, next, 0, len)) {
                return len == next.length() ? len : len + 1;
            }
        }
        return 0;
    }
}
