package io.github.whatsappai.examples.onnx;

import io.github.whatsappai.ai.knowledge.Embedder;
import io.github.whatsappai.examples.demo.DemoServer;
import io.github.whatsappai.examples.demo.SimulatorClient;
import io.github.whatsappai.testing.ManualClock;
import io.github.whatsappai.testing.VirtualScheduler;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The opt-in demo's wiring ({@link InProcessDemo}: the regular demo with {@link InProcessEmbedder})
 * started in process, as a user would chat with it: a signed message through the real servlet, the
 * offline knowledge-base responder over the bundled PDF, the reply read from the local Graph API
 * stand-in. The question shares no content word with the returns section ("broken", "money back"
 * against "damaged", "refund"); with the model the reply quotes it first, without it the delivery
 * times come first. The buffer's time is virtual; the knowledge base loads on its own thread.
 */
class InProcessDemoTest {

    private static final String QUESTION = "My order arrived broken, can I get my money back?";

    private static ExecutorService pool;
    private static InProcessEmbedder embedder;

    private final ManualClock clock = new ManualClock(Instant.parse("2026-12-05T01:00:00Z"));
    private final VirtualScheduler scheduler = new VirtualScheduler(clock);

    @BeforeAll
    static void load() {
        pool = Executors.newFixedThreadPool(2);
        embedder = InProcessEmbedder.create(pool);
    }

    @AfterAll
    static void stop() {
        pool.shutdownNow();
    }

    @Test
    void theDemoWithTheInProcessModelAnswersAParaphraseFromTheRightSection() throws Exception {
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        String reply = ask(embedder, console);
        assertThat(console.toString(StandardCharsets.UTF_8))
                .contains("using hybrid retrieval with InProcessEmbedder[all-MiniLM-L6-v2 quantised, 384 dimensions]");
        assertThat(reply).startsWith("If your beans arrive damaged or you received the wrong product")
                .contains("refund it in full. (p. 1)");

        String lexical = ask(null, new ByteArrayOutputStream());
        assertThat(lexical).as("the same demo without the model").doesNotStartWith("If your beans arrive damaged");
    }

    /** Starts the demo with {@code embedder}, waits for its index, asks {@link #QUESTION} and returns the reply. */
    private String ask(Embedder embedder, ByteArrayOutputStream console) throws Exception {
        try (DemoServer demo = DemoServer.start(Map.of("PORT", "0"), new PrintStream(console, true, StandardCharsets.UTF_8),
                builder -> builder.clock(clock).scheduler(scheduler), embedder)) {
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (demo.knowledgeBase().stats().passages() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(20); // the knowledge base loads (and embeds) on its own thread
            }
            assertThat(demo.knowledgeBase().stats().passages()).as("indexed within 60 s").isPositive();
            SimulatorClient user = new SimulatorClient(demo.baseUri(), DemoServer.DEMO_APP_SECRET,
                    DemoServer.DEMO_PHONE_NUMBER_ID, "6281234567890", "Budi", clock);
            assertThat(user.send(QUESTION).status()).isEqualTo(200);
            scheduler.advance(Duration.ofSeconds(16));
            List<SimulatorClient.Reply> replies = user.replies(0, Duration.ofSeconds(20));
            assertThat(replies).hasSize(1);
            return replies.get(0).text();
        }
    }
}
