package io.github.whatsappai.ai.knowledge;

import java.time.Instant;
import java.util.Collection;
import java.util.Map;

/**
 * A durable cache of passage vectors beside the in-memory one, so that a restart, or a second
 * instance, embeds only passages whose text is new. Keys are the hex SHA-256 of the embedder's
 * {@link Embedder#modelId()} and the passage text (64 characters), so vectors of another model
 * never match. Values are the normalised vectors. {@link PostgresVectorCache} keeps them in
 * PostgreSQL; give one to {@link PdfKnowledgeBase.Builder#vectorCache(VectorCache)}.
 *
 * <p>Entries no index uses any more are removed by date: each running knowledge base marks the
 * vectors of its index in use ({@link #markUsed}) at most once a day, then deletes what no one has
 * marked within its retention ({@link #deleteUnusedBefore}). A cache that cleans itself by other
 * means keeps the default methods, which do nothing.
 *
 * <p>Implementations are thread-safe. A failure is thrown as a {@link RuntimeException}; the
 * knowledge base then embeds what it could not read, keeps in memory what it could not write,
 * logs one warning per run of failures, and never fails a refresh because of the cache.
 */
public interface VectorCache {

    /** The vectors held for those of {@code keys} that are cached; keys not cached are absent. */
    Map<String, float[]> getAll(Collection<String> keys);

    /** Stores {@code vectors} by key; a key already held keeps its vector (same model, same text). */
    void putAll(Map<String, float[]> vectors);

    /**
     * Records that {@code keys} were in use at {@code when}, so that {@link #deleteUnusedBefore}
     * with an earlier cutoff keeps them. Keys not cached are ignored. The default does nothing.
     */
    default void markUsed(Collection<String> keys, Instant when) {
    }

    /**
     * Deletes the entries neither stored, read nor {@linkplain #markUsed marked} since
     * {@code cutoff} and returns how many. The default deletes nothing and returns 0.
     */
    default int deleteUnusedBefore(Instant cutoff) {
        return 0;
    }
}
