package io.github.whatsappai.internal.conversation;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.github.whatsappai.ai.OpenRouterResponder;
import io.github.whatsappai.ai.OpenRouterSettings;
import io.github.whatsappai.conversation.ConversationSettings;
import io.github.whatsappai.event.Event;
import io.github.whatsappai.store.BufferPolicy;
import io.github.whatsappai.testing.DirectExecutor;
import io.github.whatsappai.testing.Inbound;
import io.github.whatsappai.testing.RecordingWhatsAppClient;
import io.github.whatsappai.testing.VirtualScheduler;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.stream.Collectors;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The AI outage fault run, end to end on virtual time: OpenRouter (a real HTTP stub) answers 503 for
 * five minutes while 100 users each send a burst; the engine with the default-wired responder and
 * its circuit breaker answers every one of them with the apology at a flat cost in provider calls,
 * and answers normally again soon after the provider is back.
 */
class AiOutageTest {

    private static final String PATH = "/api/v1/chat/completions";
    private static final String OK = "{\"model\":\"m\",\"choices\":[{\"finish_reason\":\"stop\","
            + "\"message\":{\"content\":\"We open at nine.\"}}]}";
    private static final String DOWN = "{\"error\":{\"code\":503,\"message\":\"No instances available\"}}";
    private static WireMockServer wireMock;

    @BeforeAll
    static void startWireMock() {
        wireMock = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"));
        wireMock.start();
    }

    @AfterAll
    static void stopWireMock() {
        wireMock.stop();
    }

    private static int calls() {
        return wireMock.findAll(postRequestedFor(urlEqualTo(PATH))).size();
    }

    @Test
    void fiveMinutesOfOutageCostAboutOneCallPerOpenPeriodAndEveryUserIsAnswered() {
        wireMock.resetAll();
        wireMock.stubFor(post(urlEqualTo(PATH)).willReturn(aResponse().withStatus(503).withBody(DOWN)));
        VirtualScheduler scheduler = new VirtualScheduler();
        List<Event> events = new CopyOnWriteArrayList<>();
        OpenRouterResponder responder = OpenRouterResponder.builder()
                .settings(OpenRouterSettings.builder().apiKey("sk-or-v1-test-key")
                        .baseUrl("http://127.0.0.1:" + wireMock.port() + "/api/v1")
                        .requestTimeout(Duration.ofSeconds(5)).build())
                // one attempt per burst: a retry would wait on the virtual scheduler this test drives
                .maxAttempts(1)
                .circuitBreaker(5, Duration.ofSeconds(5), Duration.ofSeconds(30))
                .scheduler(scheduler).clock(scheduler.clock())
                .eventListener(events::add)
                .build();
        RecordingWhatsAppClient whatsApp = new RecordingWhatsAppClient();
        ConversationEngine engine = ConversationEngine.builder()
                .bufferPolicy(BufferPolicy.builder().window(Duration.ofSeconds(2)).maxWait(Duration.ofSeconds(10))
                        .build())
                .aiResponder(responder).whatsAppClient(whatsApp).eventListener(events::add)
                .clock(scheduler.clock()).scheduler(scheduler).workerExecutor(DirectExecutor.INSTANCE)
                .build();
        String apology = ConversationSettings.defaults().messages().aiFailureApology();

        // 100 users, one burst every 3 seconds, for five minutes of outage
        for (int user = 0; user < 100; user++) {
            engine.onMessage(Inbound.text(waId(user), "When do you open?", scheduler.clock().instant()));
            scheduler.advance(Duration.ofSeconds(3));
        }
        scheduler.advance(Duration.ofSeconds(15));
        int outageCalls = calls();
        Map<String, Long> repliesPerUser = whatsApp.texts().stream()
                .collect(Collectors.groupingBy(t -> t.to().waId(), Collectors.counting()));
        assertThat(repliesPerUser).as("every user answered exactly once").hasSize(100)
                .allSatisfy((user, count) -> assertThat(count).isEqualTo(1));
        assertThat(whatsApp.textBodies()).as("with the apology").containsOnly(apology);
        // 5 calls open the circuit; then one probe per open period (5, 10, 20, 30, 30, ... s)
        assertThat(outageCalls).as("provider calls in 315 s").isLessThanOrEqualTo(5 + 14);
        assertThat(events).filteredOn(Event.CircuitOpened.class::isInstance).isNotEmpty();

        // the provider is back: the next burst is answered normally within 30 s
        wireMock.resetAll();
        wireMock.stubFor(post(urlEqualTo(PATH)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(OK)));
        whatsApp.clear();
        Function<Integer, Boolean> answered = s -> whatsApp.textBodies().contains("We open at nine.");
        int waited = 0;
        while (!answered.apply(waited) && waited < 60) {
            engine.onMessage(Inbound.text(waId(1000 + waited), "When do you open?", scheduler.clock().instant()));
            scheduler.advance(Duration.ofSeconds(3));
            waited += 3;
        }
        assertThat(waited).as("seconds until the first normal reply after recovery").isLessThanOrEqualTo(30);
        assertThat(events).filteredOn(Event.CircuitClosed.class::isInstance).hasSize(1);
        engine.close();
    }

    private static String waId(int user) {
        return "1555" + String.format("%07d", user);
    }
}
