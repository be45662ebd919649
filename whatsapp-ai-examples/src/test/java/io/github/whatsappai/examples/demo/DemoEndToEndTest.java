package io.github.whatsappai.examples.demo;

import io.github.whatsappai.ai.AiReply;
import io.github.whatsappai.testing.ManualClock;
import io.github.whatsappai.testing.ScriptedAiResponder;
import io.github.whatsappai.testing.VirtualScheduler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Starts the demo as a user would (no credentials, no database) and drives it over HTTP through the
 * chat simulator's client: the real servlet in Jetty, the real ingress, buffer and engine, the real
 * Graph API client talking to the demo's local stand-in. Time is virtual: the test moves the buffer's
 * clock instead of waiting 15 seconds; the AI is scripted to echo the merged burst so the test can
 * see what it was asked.
 */
class DemoEndToEndTest {

    private final ManualClock clock = new ManualClock(Instant.parse("2026-11-25T10:00:00Z"));
    private final VirtualScheduler scheduler = new VirtualScheduler(clock);
    private final ScriptedAiResponder ai = new ScriptedAiResponder()
            .otherwise(request -> AiReply.of("You said: " + request.userTurn(), "echo"));
    private final ByteArrayOutputStream console = new ByteArrayOutputStream();
    private DemoServer demo;
    private SimulatorClient user;

    @BeforeEach
    void start() throws Exception {
        demo = DemoServer.start(Map.of("PORT", "0"), new PrintStream(console, true, StandardCharsets.UTF_8),
                builder -> builder.clock(clock).scheduler(scheduler).aiResponder(ai));
        user = new SimulatorClient(demo.baseUri(), DemoServer.DEMO_APP_SECRET, DemoServer.DEMO_PHONE_NUMBER_ID,
                "6281234567890", "Budi", clock);
    }

    @AfterEach
    void stop() {
        if (demo != null) {
            demo.close();
        }
    }

    @Test
    void aBurstOfThreeGetsExactlyOneReplyCoveringAllThree() throws Exception {
        List<SimulatorClient.Delivery> sent = user.sendBurst(List.of(
                "Hi!", "Do you deliver on Sundays?", "And how much is delivery in Bandung?"));
        assertThat(sent).extracting(SimulatorClient.Delivery::status).containsOnly(200);

        scheduler.advance(Duration.ofSeconds(14));
        assertThat(ai.callCount()).as("still inside the quiet window").isZero();
        scheduler.advance(Duration.ofSeconds(2));

        List<SimulatorClient.Reply> replies = user.replies(0, Duration.ofSeconds(20));
        assertThat(replies).singleElement().satisfies(reply -> assertThat(reply.text())
                .contains("Hi!", "Do you deliver on Sundays?", "And how much is delivery in Bandung?"));
        assertThat(ai.callCount()).isEqualTo(1);
        assertThat(ai.lastRequest().messages()).hasSize(3);
        assertThat(console.toString(StandardCharsets.UTF_8)).contains("to +6281234567890");
    }

    @Test
    void aRedeliveredMessageIsNotAnsweredTwice() throws Exception {
        SimulatorClient.Delivery first = user.send("Are you open on public holidays?");
        scheduler.advance(Duration.ofSeconds(16));
        List<SimulatorClient.Reply> firstReplies = user.replies(0, Duration.ofSeconds(20));
        assertThat(firstReplies).hasSize(1);

        assertThat(user.redeliver(first)).as("Meta's retry is acknowledged").isEqualTo(200);
        scheduler.advance(Duration.ofSeconds(16));
        user.send("Thanks!");
        scheduler.advance(Duration.ofSeconds(16));

        List<SimulatorClient.Reply> next = user.replies(firstReplies.get(0).seq(), Duration.ofSeconds(20));
        assertThat(next).singleElement().satisfies(reply -> assertThat(reply.text())
                .contains("Thanks!").doesNotContain("public holidays"));
        assertThat(ai.callCount()).isEqualTo(2);
        assertThat(user.replies(0, Duration.ZERO)).hasSize(2);
    }

    @Test
    void answersMetasHandshakeWithTheDemoVerifyToken() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        URI ok = URI.create(demo.webhookUri() + "?hub.mode=subscribe&hub.verify_token=" + DemoServer.DEMO_VERIFY_TOKEN
                + "&hub.challenge=1158201444");
        HttpResponse<String> accepted = http.send(HttpRequest.newBuilder(ok).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(accepted.statusCode()).isEqualTo(200);
        assertThat(accepted.body()).isEqualTo("1158201444");

        URI wrong = URI.create(demo.webhookUri() + "?hub.mode=subscribe&hub.verify_token=nope&hub.challenge=1");
        assertThat(http.send(HttpRequest.newBuilder(wrong).build(), HttpResponse.BodyHandlers.ofString()).statusCode())
                .isEqualTo(403);
        assertThat(console.toString(StandardCharsets.UTF_8))
                .contains(DemoServer.DEMO_APP_SECRET, DemoServer.DEMO_VERIFY_TOKEN);
    }

    @Test
    void aForgedDeliveryIsRejected() throws Exception {
        SimulatorClient forger = new SimulatorClient(demo.baseUri(), "not-the-secret", DemoServer.DEMO_PHONE_NUMBER_ID,
                "6281234567890", "Mallory", clock);
        assertThat(forger.send("hello").status()).isEqualTo(401);
        scheduler.advance(Duration.ofSeconds(16));
        assertThat(ai.callCount()).isZero();
    }
}
