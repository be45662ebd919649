package io.github.whatsappai.ai.knowledge;

import java.util.ArrayList;
import java.util.List;

/**
 * Answers "which passages are relevant to this text?". Plug your own implementation (a vector
 * store, Lucene) into the responders in place of the built-in PDF index. Thread-safe.
 */
@FunctionalInterface
public interface KnowledgeBase {

    /**
     * Characters of passage text a responder puts into one prompt unless configured otherwise: 8000.
     * Chosen on the development questions of the recall evaluation (docs/performance/retrieval-recall.md):
     * the smallest budget at which recall stopped rising in both languages, lexical and hybrid
     * (4000 missed one English question in ten lexically and one Indonesian in ten with vectors),
     * about 4 % of that 102-page knowledge base and some 2,000 tokens.
     */
    int DEFAULT_PROMPT_CHARS = 8000;

    /**
     * The best passages for {@code query}, best first, at most {@code limit}; empty when nothing
     * matches or the knowledge base is not loaded yet. Never throws for a missing document.
     */
    List<Passage> search(String query, int limit);

    /**
     * The best passages for {@code query} whose texts together fit in {@code maxChars}, best first:
     * candidates are taken in rank order, and one that no longer fits is skipped so a shorter one
     * after it may still fill the budget. This is what a responder puts into a prompt instead of
     * the whole document. Considers at most {@code maxChars / 100 + 5} candidates (at most 50).
     */
    default List<Passage> searchWithinBudget(String query, int maxChars) {
        if (maxChars <= 0) {
            return List.of();
        }
        List<Passage> candidates = search(query, Math.min(50, maxChars / 100 + 5));
        List<Passage> out = new ArrayList<>();
        int used = 0;
        for (Passage p : candidates) {
            if (used + p.text().length() <= maxChars) {
                out.add(p);
                used += p.text().length();
            }
        }
        return out;
    }

    /**
     * Whether a search is sure to find nothing now (nothing is loaded), so a responder can skip work
     * done only for retrieval. Default {@code false}: the knowledge base may find something.
     */
    default boolean isEmpty() {
        return false;
    }

    /** A knowledge base with nothing in it; {@link #isEmpty()} is {@code true}. */
    static KnowledgeBase empty() {
        return new KnowledgeBase() {
            @Override
            public List<Passage> search(String query, int limit) {
                return List.of();
            }

            @Override
            public boolean isEmpty() {
                return true;
            }

            @Override
            public String toString() {
                return "KnowledgeBase.empty()";
            }
        };
    }
}
