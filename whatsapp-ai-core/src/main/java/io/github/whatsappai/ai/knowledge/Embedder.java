package io.github.whatsappai.ai.knowledge;

import java.util.List;

/**
 * Turns texts into dense vectors for the vector half of hybrid retrieval. Plug in an HTTP model
 * ({@link OpenAiCompatibleEmbedder}), an in-process model, or your own. {@link PdfKnowledgeBase}
 * calls it with batches of passages while indexing and with one query per search; without an
 * embedder, retrieval is lexical only.
 *
 * <p>Implementations must be thread-safe, return one vector per text in the order given, all of
 * the same length, and throw {@link EmbeddingException} (or any runtime exception) when they
 * cannot: the knowledge base then keeps its last good vectors and falls back to lexical
 * retrieval, reporting an event.
 */
@FunctionalInterface
public interface Embedder {

    /**
     * One vector per text, in order.
     *
     * @throws EmbeddingException when the texts cannot be embedded now
     */
    List<float[]> embed(List<String> texts);

    /**
     * The vector of one search query. Searches run on the way to a reply, so an implementation that
     * can should fail fast here (one attempt, a short deadline) rather than retry: the knowledge base
     * answers lexically when the query cannot be embedded. Default: {@link #embed} of the one text.
     *
     * @throws EmbeddingException when the query cannot be embedded now
     */
    default float[] embedQuery(String query) {
        List<float[]> out = embed(List.of(query));
        if (out == null || out.size() != 1 || out.get(0) == null) {
            throw new EmbeddingException("the embedder returned " + (out == null ? "nothing" : out.size() + " vectors")
                    + " for one query");
        }
        return out.get(0);
    }

    /**
     * Names the model: vectors are cached under this name and a passage's text, so a different
     * model never reuses another's vectors. Default: the class name.
     */
    default String modelId() {
        return getClass().getName();
    }

    /** The most texts sent in one {@link #embed} call. Default 32. */
    default int maxBatchSize() {
        return 32;
    }
}
