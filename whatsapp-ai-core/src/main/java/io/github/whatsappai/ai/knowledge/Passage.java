package io.github.whatsappai.ai.knowledge;

import java.util.Objects;

/**
 * A retrieved piece of the knowledge base.
 *
 * @param source the document it came from (URL or path)
 * @param page 1-based page number where the passage starts, or 0 when unknown
 * @param text the passage text
 * @param score relevance; higher is better, comparable within one search only
 */
public record Passage(String source, int page, String text, double score) {

    public Passage {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(text, "text");
    }
}
