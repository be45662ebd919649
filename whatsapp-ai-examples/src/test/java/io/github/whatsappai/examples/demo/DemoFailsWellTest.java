package io.github.whatsappai.examples.demo;

import io.github.whatsappai.ai.AiReply;
import io.github.whatsappai.testing.ManualClock;
import io.github.whatsappai.testing.ScriptedAiResponder;
import io.github.whatsappai.testing.VirtualScheduler;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The demo stops and fails the way a person at the terminal needs: Ctrl+C sends what is buffered
 * (the local Graph API stand-in lives in the same Jetty, so the SDK closes first), a taken port
 * names the variable to set, and the simulator explains an absent server in one line.
 */
class DemoFailsWellTest {

    private final ManualClock clock = new ManualClock(Instant.parse("2026-11-25T10:00:00Z"));
    private final VirtualScheduler scheduler = new VirtualScheduler(clock);
    private final ScriptedAiResponder ai = new ScriptedAiResponder()
            .otherwise(request -> AiReply.of("You said: " + request.userTurn(), "echo"));
    private final ByteArrayOutputStream console = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(console, true, StandardCharsets.UTF_8);

    @Test
    void ctrlCAnswersAndSendsWhatIsBufferedBeforeJettyStops() throws Exception {
        DemoServer demo = DemoServer.start(Map.of("PORT", "0"), out,
                builder -> builder.clock(clock).scheduler(scheduler).aiResponder(ai));
        SimulatorClient user = new SimulatorClient(demo.baseUri(), DemoServer.DEMO_APP_SECRET,
                DemoServer.DEMO_PHONE_NUMBER_ID, "6281234567890", "Budi", clock);
        assertThat(user.send("Are you open on Sunday?").status()).isEqualTo(200);
        assertThat(demo.whatsAppAi().pendingConversations()).as("inside the quiet window").isEqualTo(1);

        demo.shutdown(out);

        assertThat(demo.outbox().after(0, "+6281234567890")).singleElement()
                .satisfies(m -> assertThat(m.text()).contains("Are you open on Sunday?"));
        assertThat(console.toString(StandardCharsets.UTF_8))
                .contains("stopping: answering 1 buffered conversation first", "stopped (the buffered replies were sent).");
    }

    @Test
    void aTakenPortSaysWhichVariableToSet() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            String port = Integer.toString(taken.getLocalPort());
            assertThatThrownBy(() -> DemoServer.start(Map.of("PORT", port), out, builder -> builder))
                    .isInstanceOf(DemoServer.DemoStartException.class)
                    .hasMessageContaining("port " + port + " on 127.0.0.1 is taken")
                    .hasMessageContaining("set PORT to a free port");
        }
    }

    @Test
    void aBadPortValueIsExplained() {
        assertThatThrownBy(() -> DemoServer.start(Map.of("PORT", "80a"), out, builder -> builder))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("PORT must be a port number from 0 to 65535 (0 picks a free one), was '80a'");
    }

    @Test
    void theDemoPrintsItsReadiness() throws Exception {
        DemoServer demo = DemoServer.start(Map.of("PORT", "0"), out,
                builder -> builder.clock(clock).scheduler(scheduler).aiResponder(ai));
        try {
            assertThat(console.toString(StandardCharsets.UTF_8)).contains("readiness: ");
            assertThat(demo.health().readiness().results()).extracting(r -> r.name())
                    .containsExactly("knowledgeBase", "store", "pendingConversations");
        } finally {
            demo.close();
        }
    }

    @Test
    void theSimulatorExplainsAnAbsentServerInOneLine() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            port = free.getLocalPort();
        }
        URI url = URI.create("http://127.0.0.1:" + port);
        SimulatorClient user = new SimulatorClient(url, DemoServer.DEMO_APP_SECRET,
                DemoServer.DEMO_PHONE_NUMBER_ID, "6281234567890", "Budi", clock);

        IOException failure = null;
        try {
            user.send("hello?");
        } catch (IOException e) {
            failure = e;
        }

        assertThat(failure).isNotNull();
        assertThat(ChatSimulator.unreachable(url, failure))
                .isEqualTo("the demo at " + url + " is not answering (nothing listens there): is it running? Start it "
                        + "with java -jar whatsapp-ai-examples/target/whatsapp-ai-demo.jar, or point --url (or PORT) at it")
                .doesNotContain("\n");
    }
}
