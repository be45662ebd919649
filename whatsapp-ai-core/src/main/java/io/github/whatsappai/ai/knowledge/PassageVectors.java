package io.github.whatsappai.ai.knowledge;

import io.github.whatsappai.event.Event;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Computes the vectors of an index version through an {@link Embedder}, in batches of at most
 * {@link Embedder#maxBatchSize()}, and caches them in memory by a SHA-256 of the model id and the
 * passage text: a refresh or a new version of a document embeds only passages whose text is new.
 * The cache keeps exactly the vectors of the last version built, so it never outgrows the index.
 *
 * <p>With a durable {@link VectorCache}, passages the memory does not hold are looked up there
 * before they are embedded, and new vectors are written there, so a restart embeds only new text;
 * a cache that fails is logged once and bypassed. {@link #maintain} marks the vectors of the
 * version in use in that cache and deletes the entries nobody marked within a retention.
 *
 * <p>When the embedder fails, the batches done so far are kept, the rest of the passages get no
 * vector (lexical retrieval still finds them) and {@link Event.KnowledgeBaseEmbeddingFailed} is
 * reported once; the next build tries those passages again. Progress is reported after each batch
 * when more than one batch is needed. Not thread-safe: the knowledge base calls it under its
 * refresh lock.
 */
final class PassageVectors {

    private static final Logger LOG = LoggerFactory.getLogger(PassageVectors.class);

    private final Embedder embedder;
    private final VectorCache durable;
    private boolean durableFailing;
    private final int batchSize;
    private final Consumer<Event> events;
    private Map<String, float[]> cache = new HashMap<>();
    private boolean failing;

    PassageVectors(Embedder embedder, Consumer<Event> events) {
        this(embedder, null, events);
    }

    /** With a durable cache ({@code null} for none) consulted for what the memory does not hold. */
    PassageVectors(Embedder embedder, VectorCache durable, Consumer<Event> events) {
        this.embedder = Objects.requireNonNull(embedder, "embedder");
        this.durable = durable;
        this.batchSize = Math.max(1, embedder.maxBatchSize());
        this.events = events;
    }

    /** The vectors of {@code texts}, one slot per text ({@code null} where embedding failed). */
    VectorIndex build(List<String> texts) {
        String[] keys = new String[texts.size()];
        float[][] vectors = new float[texts.size()][];
        List<Integer> todo = new ArrayList<>();
        for (int i = 0; i < keys.length; i++) {
            keys[i] = key(texts.get(i));
            vectors[i] = cache.get(keys[i]);
            if (vectors[i] == null) {
                todo.add(i);
            }
        }
        fromDurable(keys, vectors, todo);
        int reused = texts.size() - todo.size();
        int dimension = dimensionOf(vectors);
        Map<String, float[]> embedded = new HashMap<>();
        int done = 0;
        String failure = null;
        for (int from = 0; from < todo.size(); from += batchSize) {
            List<Integer> batch = todo.subList(from, Math.min(todo.size(), from + batchSize));
            List<String> batchTexts = new ArrayList<>(batch.size());
            for (int i : batch) {
                batchTexts.add(texts.get(i));
            }
            try {
                List<float[]> out = embedder.embed(batchTexts);
                if (out == null || out.size() != batch.size()) {
                    throw new EmbeddingException("the embedder returned " + (out == null ? "nothing" : out.size()
                            + " vectors") + " for " + batch.size() + " texts");
                }
                for (int j = 0; j < batch.size(); j++) {
                    float[] v = VectorIndex.normalized(Objects.requireNonNull(out.get(j), "vector"));
                    if (dimension == 0) {
                        dimension = v.length;
                    } else if (v.length != dimension) {
                        throw new EmbeddingException("the embedder returned vectors of " + v.length
                                + " dimensions where earlier ones had " + dimension
                                + "; a model change needs a new modelId so that old vectors are not mixed in");
                    }
                    vectors[batch.get(j)] = v;
                    embedded.put(keys[batch.get(j)], v);
                }
                done += batch.size();
                if (todo.size() > batchSize && done < todo.size()) {
                    events.accept(new Event.KnowledgeBaseEmbeddingProgress(reused + done, reused, texts.size()));
                }
            } catch (RuntimeException e) {
                failure = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
                for (int i : batch) {
                    vectors[i] = null;
                }
                break;
            }
        }
        toDurable(embedded);
        Map<String, float[]> next = new HashMap<>(texts.size() * 2);
        for (int i = 0; i < keys.length; i++) {
            if (vectors[i] != null) {
                next.put(keys[i], vectors[i]);
            }
        }
        cache = next;
        if (failure != null) {
            if (!failing) {
                failing = true;
                events.accept(new Event.KnowledgeBaseEmbeddingFailed(failure + "; " + (texts.size() - reused - done)
                        + " passages are searched lexically only until the embedder works again", false));
            }
        } else {
            if (failing) {
                failing = false;
                events.accept(new Event.KnowledgeBaseEmbeddingRecovered());
            }
            if (!todo.isEmpty()) {
                events.accept(new Event.KnowledgeBaseEmbeddingProgress(texts.size(), reused, texts.size()));
            }
        }
        return new VectorIndex(vectors, dimension);
    }

    /**
     * The durable cache's upkeep: marks every vector of the version in use as used at {@code now},
     * then deletes the entries nobody has used since {@code now - retention}. Logs what it deleted.
     * Marking first keeps this instance's vectors; another instance's live vectors are safe as long
     * as it runs this more often than {@code retention} (each knowledge base does, once a day).
     *
     * @return whether the cache answered (false without a durable cache or when it failed; logged once)
     */
    boolean maintain(Instant now, Duration retention) {
        if (durable == null) {
            return false;
        }
        Instant cutoff = now.minus(retention);
        int deleted;
        try {
            durable.markUsed(cache.keySet(), now);
            deleted = durable.deleteUnusedBefore(cutoff);
            durableOk();
        } catch (RuntimeException e) {
            durableFailed("clean up", e);
            return false;
        }
        if (deleted > 0) {
            LOG.info("Vector cache {}: deleted {} vectors no index has used since {} (kept the {} of this index)",
                    durable, deleted, cutoff.atZone(java.time.ZoneOffset.UTC).toLocalDate(), cache.size());
        } else {
            LOG.debug("Vector cache {}: nothing unused since {}; marked the {} vectors of this index in use",
                    durable, cutoff.atZone(java.time.ZoneOffset.UTC).toLocalDate(), cache.size());
        }
        return true;
    }

    /** Fills from the durable cache what the memory lacked, removing those from {@code todo}. */
    private void fromDurable(String[] keys, float[][] vectors, List<Integer> todo) {
        if (durable == null || todo.isEmpty()) {
            return;
        }
        List<String> wanted = new ArrayList<>(todo.size());
        for (int i : todo) {
            wanted.add(keys[i]);
        }
        Map<String, float[]> found;
        try {
            found = durable.getAll(wanted);
            durableOk();
        } catch (RuntimeException e) {
            durableFailed("read", e);
            return;
        }
        int dimension = dimensionOf(vectors);
        List<Integer> still = new ArrayList<>(todo.size());
        for (int i : todo) {
            float[] v = found.get(keys[i]);
            if (v != null && v.length > 0 && (dimension == 0 || v.length == dimension)) {
                vectors[i] = v;
                dimension = v.length;
            } else {
                still.add(i);
            }
        }
        todo.clear();
        todo.addAll(still);
    }

    private void toDurable(Map<String, float[]> embedded) {
        if (durable == null || embedded.isEmpty()) {
            return;
        }
        try {
            durable.putAll(embedded);
            durableOk();
        } catch (RuntimeException e) {
            durableFailed("write", e);
        }
    }

    private void durableOk() {
        if (durableFailing) {
            durableFailing = false;
            LOG.info("The vector cache {} works again", durable);
        }
    }

    private void durableFailed(String what, RuntimeException e) {
        if (!durableFailing) {
            durableFailing = true;
            LOG.warn("Cannot {} the vector cache {}: {}; passages are embedded and kept in memory until it works again",
                    what, durable, e.getMessage());
        }
    }

    private static int dimensionOf(float[][] vectors) {
        for (float[] v : vectors) {
            if (v != null) {
                return v.length;
            }
        }
        return 0;
    }

    private String key(String text) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(embedder.modelId().getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
            byte[] digest = sha.digest(text.getBytes(StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
