package io.github.whatsappai.ai.knowledge;

import java.util.Collection;
import java.util.Map;

/**
 * A durable cache of passage vectors beside the in-memory one, so that a restart, or a second
 * instance, embeds only passages whose text is new. Keys are the hex SHA-256 of the embedder's
 * {@link Embedder#modelId()} and the passage text (64 characters), so vectors of another model
 * never match. Values are the normalised vectors. {@link PostgresVectorCache} keeps them in
 * PostgreSQL; give one to {@link PdfKnowledgeBase.Builder#vectorCache(VectorCache)}.
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
}
