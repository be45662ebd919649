package io.github.whatsappai.ai;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.github.whatsappai.event.Event;
import io.github.whatsappai.testing.VirtualScheduler;
import io.github.whatsappai.webhook.model.ConversationKey;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * The responder's circuit breaker against a real HTTP stub, on virtual time: an outage costs a
 * bounded number of provider calls, however many bursts arrive.
 */
class OpenRouterCircuitBreakerTest {

    private static final String PATH = "/api/v1/chat/completions";
    private static final String OK = "{\"model\":\"m\",\"choices\":[{\"finish_reason\":\"stop\","
            + "\"message\":{\"content\":\"We open at nine.\"}}]}";
    private static final String DOWN = "{\"error\":{\"code\":503,\"message\":\"No instances available\"}}";

    private static WireMockServer wireMock;

    private final VirtualScheduler scheduler = new VirtualScheduler();
    private final List<Event> events = new CopyOnWriteArrayList<>();
    private OpenRouterResponder responder;

    @BeforeAll
    static void startWireMock() {
        wireMock = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"));
        wireMock.start();
    }

    @AfterAll
    static void stopWireMock() {
        wireMock.stop();
    }

    @BeforeEach
    void setUp() {
        wireMock.resetAll();
        OpenRouterSettings settings = OpenRouterSettings.builder()
                .apiKey("sk-or-v1-test-key")
                .baseUrl("http://127.0.0.1:" + wireMock.port() + "/api/v1")
                .requestTimeout(Duration.ofSeconds(5))
                .build();
        responder = OpenRouterResponder.builder().settings(settings)
                .maxAttempts(2)
                .circuitBreaker(3, Duration.ofSeconds(5), Duration.ofSeconds(30))
                .scheduler(scheduler).clock(scheduler.clock())
                .eventListener(events::add)
                .build();
    }

    private static AiRequest burst(int n) {
        return new AiRequest(new ConversationKey("123456789", "1555555" + String.format("%04d", n)), "user-" + n,
                "session-" + n, List.of(), List.of(), "When do you open?");
    }

    private AiReply respond(int n) throws Exception {
        return scheduler.runBlocking(() -> responder.respond(burst(n)), wait -> { }, Duration.ofSeconds(20));
    }

    private AiResponderException failure(int n) {
        Throwable t = catchThrowable(() -> respond(n));
        assertThat(t).as("burst %d fails", n).isInstanceOf(AiResponderException.class);
        return (AiResponderException) t;
    }

    private static int calls() {
        return wireMock.findAll(postRequestedFor(urlEqualTo(PATH))).size();
    }

    private List<Class<?>> circuitEvents() {
        return events.stream().<Class<?>>map(Object::getClass).toList();
    }

    @Test
    void closedOpensAfterThreeFailuresAndShortCircuitsEveryLaterBurstWithoutACall() {
        wireMock.stubFor(post(urlEqualTo(PATH)).willReturn(aResponse().withStatus(503).withBody(DOWN)));

        assertThat(failure(1).attempts()).isEqualTo(2);
        assertThat(calls()).isEqualTo(2);
        // the third failure opens the circuit; this burst's own retry is refused: one budget
        AiResponderException opened = failure(2);
        assertThat(opened.attempts()).isEqualTo(1);
        assertThat(opened.getMessage()).contains("circuit breaker is open");
        assertThat(calls()).isEqualTo(3);

        for (int n = 3; n < 53; n++) {
            AiResponderException e = failure(n);
            assertThat(e.attempts()).isZero();
            assertThat(e.isRetryable()).isTrue();
        }
        wireMock.verify(3, postRequestedFor(urlEqualTo(PATH)));
        assertThat(events).containsExactly(new Event.CircuitOpened(OpenRouterResponder.CIRCUIT_NAME, 3,
                Duration.ofSeconds(5)));
    }

    @Test
    void anOutageCostsOneProbePerOpenPeriodNotOneCallPerBurst() {
        wireMock.stubFor(post(urlEqualTo(PATH)).willReturn(aResponse().withStatus(503).withBody(DOWN)));
        failure(1);
        failure(2);
        int burst = 3;
        // five minutes of outage, a burst every second
        for (int second = 0; second < 300; second++) {
            scheduler.advance(Duration.ofSeconds(1));
            failure(burst++);
        }
        // after opening: probes at 5, 15, 35, 65 s and then every 30 s up to 275 s: 11 calls for 300 bursts
        assertThat(calls() - 3).isEqualTo(11);
        assertThat(events).filteredOn(Event.CircuitHalfOpened.class::isInstance).hasSize(calls() - 3);
    }

    @Test
    void halfOpenLetsOneProbeThroughAndItsSuccessClosesTheCircuit() throws Exception {
        wireMock.stubFor(post(urlEqualTo(PATH)).willReturn(aResponse().withStatus(503).withBody(DOWN)));
        failure(1);
        failure(2);
        assertThat(calls()).isEqualTo(3);

        wireMock.resetRequests();
        wireMock.stubFor(post(urlEqualTo(PATH)).willReturn(okJson(OK).withFixedDelay(700)));
        scheduler.advance(Duration.ofSeconds(5));
        CompletableFuture<AiReply> probe = CompletableFuture.supplyAsync(() -> responder.respond(burst(10)));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (calls() == 0 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(calls()).as("the probe reached the provider").isEqualTo(1);

        for (int n = 11; n < 16; n++) {
            assertThat(failure(n).getMessage()).as("while the probe runs").contains("circuit breaker is open");
        }
        assertThat(calls()).as("no call besides the probe").isEqualTo(1);

        assertThat(probe.get(10, TimeUnit.SECONDS).text()).isEqualTo("We open at nine.");
        assertThat(respond(20).text()).isEqualTo("We open at nine.");
        assertThat(respond(21).text()).isEqualTo("We open at nine.");
        assertThat(calls()).isEqualTo(3);
        assertThat(circuitEvents()).containsExactly(Event.CircuitOpened.class, Event.CircuitHalfOpened.class,
                Event.CircuitClosed.class);
    }

    @Test
    void aFailedProbeOpensTheCircuitForLonger() {
        wireMock.stubFor(post(urlEqualTo(PATH)).willReturn(aResponse().withStatus(503).withBody(DOWN)));
        failure(1);
        failure(2);
        scheduler.advance(Duration.ofSeconds(5));
        assertThat(failure(3).attempts()).as("the probe, not retried once it reopens the circuit").isEqualTo(1);
        assertThat(calls()).isEqualTo(4);
        assertThat(events).last().isEqualTo(new Event.CircuitOpened(OpenRouterResponder.CIRCUIT_NAME, 1,
                Duration.ofSeconds(10)));
        scheduler.advance(Duration.ofSeconds(9));
        failure(4);
        assertThat(calls()).isEqualTo(4);
    }

    @Test
    void refusalsShowTheProviderUpAndNeverOpenTheCircuit() {
        wireMock.stubFor(post(urlEqualTo(PATH)).willReturn(aResponse().withStatus(401)
                .withBody("{\"error\":{\"code\":401,\"message\":\"No auth credentials found\"}}")));
        for (int n = 0; n < 10; n++) {
            assertThat(failure(n).isRetryable()).isFalse();
        }
        assertThat(calls()).isEqualTo(10);
        assertThat(events).isEmpty();
    }
}
