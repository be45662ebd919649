package io.github.whatsappai.ai.knowledge;

import java.util.List;

/**
 * Answers "which passages are relevant to this text?". Plug your own implementation (a vector
 * store, Lucene) into the responders in place of the built-in PDF index. Thread-safe.
 */
@FunctionalInterface
public interface KnowledgeBase {

    /**
     * The best passages for {@code query}, best first, at most {@code limit}; empty when nothing
     * matches or the knowledge base is not loaded yet. Never throws for a missing document.
     */
    List<Passage> search(String query, int limit);

    /** A knowledge base with nothing in it. */
    static KnowledgeBase empty() {
        return (query, limit) -> List.of();
    }
}
