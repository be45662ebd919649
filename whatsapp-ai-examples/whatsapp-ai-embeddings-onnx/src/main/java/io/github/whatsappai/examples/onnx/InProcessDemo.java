package io.github.whatsappai.examples.onnx;

import io.github.whatsappai.examples.demo.DemoServer;
import io.github.whatsappai.examples.demo.Main;

/**
 * Entry point of the opt-in {@code whatsapp-ai-demo-onnx.jar}: the regular demo
 * ({@link DemoServer}, every environment variable as documented) with hybrid retrieval by the
 * in-process model ({@link InProcessEmbedder}) instead of an embeddings server. With
 * {@code DATABASE_URL} the passage vectors are cached in PostgreSQL. {@code chat …} starts the chat
 * simulator, as in the default jar.
 *
 * <p>Built only on request, because the model and ONNX Runtime add about 130 MB:
 * {@code ./mvnw -B -q -Pdemo-onnx -DskipTests package}, then
 * {@code java -Xmx512m -jar whatsapp-ai-examples/whatsapp-ai-embeddings-onnx/target/whatsapp-ai-demo-onnx.jar}.
 * Needs the demo classes at run time ({@code whatsapp-ai-examples}), which that jar holds.
 */
public final class InProcessDemo {

    private InProcessDemo() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && !args[0].equals("server")) {
            Main.main(args); // the chat simulator, or the usage line
            return;
        }
        InProcessEmbedder embedder;
        try {
            embedder = InProcessEmbedder.create();
        } catch (RuntimeException | LinkageError e) {
            System.err.println("whatsapp-ai demo did not start: the in-process model could not be loaded ("
                    + e + "); ONNX Runtime ships native libraries for Linux and macOS on x64 and arm64 and for "
                    + "Windows on x64 only. Use the default demo jar, with EMBEDDINGS_BASE_URL for an embeddings server.");
            System.exit(1);
            return;
        }
        DemoServer.run(embedder);
    }
}
