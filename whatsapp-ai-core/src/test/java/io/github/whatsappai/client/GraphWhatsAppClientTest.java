package io.github.whatsappai.client;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.github.whatsappai.event.Event;
import io.github.whatsappai.testing.VirtualScheduler;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.random.RandomGenerator;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GraphWhatsAppClientTest {

    /** The jitter source used in tests: always the low end. */
    private static final RandomGenerator ZERO = new RandomGenerator() {
        @Override
        public long nextLong() {
            return 0;
        }

        @Override
        public double nextDouble() {
            return 0.0;
        }
    };

    private static final String PNID = "106540352242922";
    private static final String PATH = "/v26.0/" + PNID + "/messages";
    private static final String TOKEN = "EAAG-test-token-secret";
    private static final String OK = "{\"messaging_product\":\"whatsapp\",\"contacts\":[{\"input\":\"+6281234567890\","
            + "\"wa_id\":\"6281234567890\"}],\"messages\":[{\"id\":\"wamid.OUT1\"}]}";

    private static WireMockServer wm;
    private VirtualScheduler scheduler;
    private Instant start;
    private final List<Event> events = new CopyOnWriteArrayList<>();
    private GraphWhatsAppClient client;

    @BeforeAll
    static void startWireMock() {
        wm = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"));
        wm.start();
    }

    @AfterAll
    static void stopWireMock() {
        wm.stop();
    }

    @BeforeEach
    void setUp() {
        wm.resetAll();
        scheduler = new VirtualScheduler();
        start = scheduler.clock().instant();
        client = clientBuilder().build();
    }

    @AfterEach
    void tearDown() {
        client.close();
        assertThat(scheduler.failures()).as("scheduled tasks threw").isEmpty();
    }

    private GraphWhatsAppClient.Builder clientBuilder() {
        return GraphWhatsAppClient.builder()
                .accessToken(TOKEN)
                .graphApiBaseUrl(wm.baseUrl())
                .scheduler(scheduler)
                .clock(scheduler.clock())
                .random(ZERO)
                .pacingBurst(1)   // every request spaced evenly: the tests below count the pacer's tasks
                .eventListener(events::add);
    }

    /** Waits (real time, up to 10 s) until the HTTP client's threads have scheduled {@code n} tasks. */
    private void awaitTasks(int n) throws InterruptedException, TimeoutException {
        scheduler.awaitPendingTasks(n, Duration.ofSeconds(10));
    }

    private static Recipient waId(String id) {
        return new Recipient(id, null);
    }

    /** Completes a future, running scheduled tasks (pacing) as they come; real-time safety limit 10 s. */
    /**
     * The request timeout of the tests where the stub answers too late: long enough that a request
     * always reaches the stub before it, on a loaded machine too.
     */
    private static final Duration SLOW_TIMEOUT = Duration.ofSeconds(1);
    /** The stub's delay in those tests: far past {@link #SLOW_TIMEOUT}. */
    private static final int SLOWER_THAN_TIMEOUT_MILLIS = 6_000;

    private <T> T drive(CompletableFuture<T> f) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            Optional<Duration> next = scheduler.nextTaskDelay();
            if (next.isPresent()) {
                scheduler.advance(next.get());
                continue;
            }
            try {
                return f.get(20, TimeUnit.MILLISECONDS);
            } catch (TimeoutException stillRunning) {
                // the HTTP exchange has not finished yet
            }
        }
        throw new TimeoutException("future did not complete");
    }

    /**
     * Waits until the stub has recorded {@code n} POSTs: a request the client gave up on may still be
     * on its way to the stub when the failure is reported.
     */
    private void awaitPosts(int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (wm.countRequestsMatching(postRequestedFor(urlEqualTo(PATH)).build()).getCount() < n
                && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
    }

    private static Throwable failure(CompletableFuture<?> f) throws InterruptedException, TimeoutException {
        try {
            f.get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return e.getCause();
        }
        throw new AssertionError("expected a failure, got success");
    }

    private static String payload(String name) throws IOException {
        try (InputStream in = GraphWhatsAppClientTest.class.getResourceAsStream("/payloads/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static String graphError(int code, String message) {
        return "{\"error\":{\"message\":\"(#" + code + ") " + message + "\",\"type\":\"OAuthException\",\"code\":"
                + code + ",\"error_data\":{\"messaging_product\":\"whatsapp\",\"details\":\"" + message
                + " details\"},\"fbtrace_id\":\"Trace" + code + "\"}}";
    }

    private void stubErrorThenOk(int status, String errorBody) {
        wm.stubFor(post(PATH).inScenario("retry").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(status).withHeader("Content-Type", "application/json").withBody(errorBody))
                .willSetStateTo("second"));
        wm.stubFor(post(PATH).inScenario("retry").whenScenarioStateIs("second").willReturn(okJson(OK)));
    }

    // ---- exact request bodies (docs/whatsapp-protocol-notes.md, "Sending") ------------------------

    @Test
    void textWithReplyContextAndPreview() throws Exception {
        wm.stubFor(post(PATH).willReturn(okJson(OK)));
        SendResult r = drive(client.send(PNID, waId("6281234567890"),
                new TextMessage("See https://example.com", true, "wamid.IN1")));
        assertThat(r.messageIds()).containsExactly("wamid.OUT1");
        wm.verify(postRequestedFor(urlEqualTo(PATH))
                .withHeader("Authorization", equalTo("Bearer " + TOKEN))
                .withHeader("Content-Type", equalTo("application/json"))
                .withRequestBody(equalToJson("{\"messaging_product\":\"whatsapp\",\"recipient_type\":\"individual\","
                        + "\"to\":\"+6281234567890\",\"type\":\"text\",\"context\":{\"message_id\":\"wamid.IN1\"},"
                        + "\"text\":{\"preview_url\":true,\"body\":\"See https://example.com\"}}")));
    }

    @Test
    void waIdDigitsAreNeverRewritten() throws Exception {
        wm.stubFor(post(PATH).willReturn(okJson(OK)));
        drive(client.send(PNID, waId("5491123456789"), TextMessage.of("hola")));
        drive(client.send(PNID, waId("5215512345678"), TextMessage.of("hola")));
        wm.verify(postRequestedFor(urlEqualTo(PATH)).withRequestBody(matchingJsonPath("$.to", equalTo("+5491123456789"))));
        wm.verify(postRequestedFor(urlEqualTo(PATH)).withRequestBody(matchingJsonPath("$.to", equalTo("+5215512345678"))));
    }

    @Test
    void bsuidRecipientUsesRecipientInsteadOfTo() throws Exception {
        wm.stubFor(post(PATH).willReturn(okJson(OK)));
        drive(client.send(PNID, new Recipient(null, "ID.1349120865ABC"), TextMessage.of("Halo")));
        wm.verify(postRequestedFor(urlEqualTo(PATH)).withRequestBody(equalToJson(
                "{\"messaging_product\":\"whatsapp\",\"recipient_type\":\"individual\",\"recipient\":\"ID.1349120865ABC\","
                        + "\"type\":\"text\",\"text\":{\"preview_url\":false,\"body\":\"Halo\"}}")));
    }

    @Test
    void markReadWithAndWithoutTypingIndicator() throws Exception {
        wm.stubFor(post(PATH).willReturn(okJson("{\"success\":true}")));
        drive(client.markRead(PNID, "wamid.IN1", false));
        drive(client.markRead(PNID, "wamid.IN2", true));
        wm.verify(postRequestedFor(urlEqualTo(PATH)).withRequestBody(equalToJson(
                "{\"messaging_product\":\"whatsapp\",\"status\":\"read\",\"message_id\":\"wamid.IN1\"}")));
        wm.verify(postRequestedFor(urlEqualTo(PATH)).withRequestBody(equalToJson(
                "{\"messaging_product\":\"whatsapp\",\"status\":\"read\",\"message_id\":\"wamid.IN2\","
                        + "\"typing_indicator\":{\"type\":\"text\"}}")));
    }

    @Test
    void reaction() throws Exception {
        wm.stubFor(post(PATH).willReturn(okJson(OK)));
        drive(client.send(PNID, waId("15555550123"), new ReactionMessage("wamid.IN1", "\uD83D\uDE00")));
        drive(client.send(PNID, waId("15555550123"), ReactionMessage.remove("wamid.IN1")));
        wm.verify(postRequestedFor(urlEqualTo(PATH)).withRequestBody(equalToJson(
                "{\"messaging_product\":\"whatsapp\",\"recipient_type\":\"individual\",\"to\":\"+15555550123\","
                        + "\"type\":\"reaction\",\"reaction\":{\"message_id\":\"wamid.IN1\",\"emoji\":\"\uD83D\uDE00\"}}")));
        wm.verify(postRequestedFor(urlEqualTo(PATH)).withRequestBody(equalToJson(
                "{\"messaging_product\":\"whatsapp\",\"recipient_type\":\"individual\",\"to\":\"+15555550123\","
                        + "\"type\":\"reaction\",\"reaction\":{\"message_id\":\"wamid.IN1\",\"emoji\":\"\"}}")));
    }

    @Test
    void template() throws Exception {
        wm.stubFor(post(PATH).willReturn(okJson(OK)));
        drive(client.send(PNID, waId("15555550123"), new TemplateMessage("order_update", "id", List.of("Budi", "ORD-1"))));
        wm.verify(postRequestedFor(urlEqualTo(PATH)).withRequestBody(equalToJson(
                "{\"messaging_product\":\"whatsapp\",\"recipient_type\":\"individual\",\"to\":\"+15555550123\","
                        + "\"type\":\"template\",\"template\":{\"name\":\"order_update\",\"language\":{\"code\":\"id\"},"
                        + "\"components\":[{\"type\":\"body\",\"parameters\":[{\"type\":\"text\",\"text\":\"Budi\"},"
                        + "{\"type\":\"text\",\"text\":\"ORD-1\"}]}]}}")));
    }

    @Test
    void buttons() throws Exception {
        wm.stubFor(post(PATH).willReturn(okJson(OK)));
        drive(client.send(PNID, waId("15555550123"), new ButtonsMessage("Confirm your order?",
                List.of(new ButtonsMessage.Button("yes", "Yes ✅"), new ButtonsMessage.Button("no", "No")),
                "Order #12", "Reply within 24h", "wamid.IN1")));
        wm.verify(postRequestedFor(urlEqualTo(PATH)).withRequestBody(equalToJson(
                "{\"messaging_product\":\"whatsapp\",\"recipient_type\":\"individual\",\"to\":\"+15555550123\","
                        + "\"type\":\"interactive\",\"context\":{\"message_id\":\"wamid.IN1\"},"
                        + "\"interactive\":{\"type\":\"button\",\"header\":{\"type\":\"text\",\"text\":\"Order #12\"},"
                        + "\"body\":{\"text\":\"Confirm your order?\"},\"footer\":{\"text\":\"Reply within 24h\"},"
                        + "\"action\":{\"buttons\":[{\"type\":\"reply\",\"reply\":{\"id\":\"yes\",\"title\":\"Yes ✅\"}},"
                        + "{\"type\":\"reply\",\"reply\":{\"id\":\"no\",\"title\":\"No\"}}]}}}")));
    }

    @Test
    void list() throws Exception {
        wm.stubFor(post(PATH).willReturn(okJson(OK)));
        drive(client.send(PNID, waId("15555550123"), new ListMessage("Pick a branch", "Branches", List.of(
                new ListMessage.Section("Jakarta", List.of(new ListMessage.Row("jkt-1", "Menteng", "Jl. Sudirman 1"))),
                new ListMessage.Section("Bandung", List.of(new ListMessage.Row("bdg-1", "Dago")))))));
        wm.verify(postRequestedFor(urlEqualTo(PATH)).withRequestBody(equalToJson(
                "{\"messaging_product\":\"whatsapp\",\"recipient_type\":\"individual\",\"to\":\"+15555550123\","
                        + "\"type\":\"interactive\",\"interactive\":{\"type\":\"list\",\"body\":{\"text\":\"Pick a branch\"},"
                        + "\"action\":{\"button\":\"Branches\",\"sections\":["
                        + "{\"title\":\"Jakarta\",\"rows\":[{\"id\":\"jkt-1\",\"title\":\"Menteng\",\"description\":\"Jl. Sudirman 1\"}]},"
                        + "{\"title\":\"Bandung\",\"rows\":[{\"id\":\"bdg-1\",\"title\":\"Dago\"}]}]}}}")));
    }

    // ---- sendText: formatting, splitting, order -----------------------------------------------------

    @Test
    void sendTextConvertsMarkdownAndQuotesOnlyTheFirstPart() throws Exception {
        wm.stubFor(post(PATH).willReturn(okJson(OK)));
        client.close();
        client = clientBuilder().splitLimit(50).build();
        SendResult r = drive(client.sendText(PNID, waId("6281234567890"),
                "**Halo Budi!** Pesanan Anda sudah dikirim.\n\nTerima kasih sudah berbelanja di *toko* kami.", "wamid.IN9"));
        assertThat(r.messageIds()).hasSize(2);
        List<LoggedRequest> requests = wm.findAll(postRequestedFor(urlEqualTo(PATH)));
        assertThat(requests.get(0).getBodyAsString()).contains("\"context\":{\"message_id\":\"wamid.IN9\"}")
                .contains("\"body\":\"*Halo Budi!* Pesanan Anda sudah dikirim.\"");
        assertThat(requests.get(1).getBodyAsString()).doesNotContain("context")
                .contains("\"body\":\"Terima kasih sudah berbelanja di _toko_ kami.\"");
    }

    @Test
    void longTextPartsGoInOrderEachAfterThePreviousWasAccepted() throws Exception {
        String first = "A".repeat(3000) + ".";
        String second = "B".repeat(3000) + ".";
        wm.stubFor(post(PATH).inScenario("parts").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(500)).willSetStateTo("retry"));
        wm.stubFor(post(PATH).inScenario("parts").whenScenarioStateIs("retry")
                .willReturn(okJson(OK.replace("OUT1", "P1"))).willSetStateTo("next"));
        wm.stubFor(post(PATH).inScenario("parts").whenScenarioStateIs("next")
                .willReturn(okJson(OK.replace("OUT1", "P2"))));
        CompletableFuture<SendResult> f = client.sendText(PNID, waId("15555550123"), first + "\n\n" + second, null);
        awaitTasks(1);
        assertThat(wm.findAll(postRequestedFor(urlEqualTo(PATH)))).as("part 2 waits while part 1 is retried").hasSize(1);
        assertThat(drive(f).messageIds()).containsExactly("wamid.P1", "wamid.P2");
        List<LoggedRequest> requests = wm.findAll(postRequestedFor(urlEqualTo(PATH)));
        assertThat(requests).hasSize(3);
        assertThat(requests.get(0).getBodyAsString()).contains("AAAA").doesNotContain("BBBB");
        assertThat(requests.get(1).getBodyAsString()).contains("AAAA");
        assertThat(requests.get(2).getBodyAsString()).contains("BBBB").doesNotContain("AAAA");
    }

    @Test
    void blankTextIsRefused() {
        assertThatThrownBy(() -> client.sendText(PNID, waId("1"), "  ", null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("blank");
    }

    // ---- errors and retries ---------------------------------------------------------------------

    @Test
    void throughputLimitFromPayloadIsRetriedWithBackoff() throws Exception {
        stubErrorThenOk(429, payload("graph_error_130429.json"));
        CompletableFuture<SendResult> f = client.send(PNID, waId("15555550123"), TextMessage.of("hi"));
        awaitTasks(1);
        assertThat(scheduler.nextTaskDelay()).contains(Duration.ofMillis(500));
        scheduler.advance(Duration.ofMillis(499));
        assertThat(f).isNotDone();
        assertThat(drive(f).messageIds()).containsExactly("wamid.OUT1");
        wm.verify(2, postRequestedFor(urlEqualTo(PATH)));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 4, 80007, 130429, 131000, 131016, 133004})
    void retryableCodesSucceedOnALaterAttempt(int code) throws Exception {
        stubErrorThenOk(400, graphError(code, "transient"));
        assertThat(drive(client.send(PNID, waId("15555550123"), TextMessage.of("hi"))).messageIds())
                .containsExactly("wamid.OUT1");
        wm.verify(2, postRequestedFor(urlEqualTo(PATH)));
        assertThat(events).isEmpty();
    }

    @Test
    void backoffGrowsExponentiallyAndGivesUpAfterMaxAttempts() throws Exception {
        wm.stubFor(post(PATH).willReturn(aResponse().withStatus(503).withBody(graphError(131016, "unavailable"))));
        CompletableFuture<SendResult> f = client.send(PNID, waId("15555550123"), TextMessage.of("hi"));
        for (long expectedMs : new long[] {500, 1000, 2000, 4000}) {
            awaitTasks(1);
            assertThat(scheduler.nextTaskDelay()).contains(Duration.ofMillis(expectedMs));
            scheduler.advance(scheduler.nextTaskDelay().orElseThrow());
        }
        Throwable t = failure(f);
        assertThat(t).isInstanceOf(WhatsAppApiException.class);
        assertThat(((WhatsAppApiException) t).code()).isEqualTo(131016);
        wm.verify(GraphWhatsAppClient.DEFAULT_MAX_ATTEMPTS, postRequestedFor(urlEqualTo(PATH)));
    }

    @Test
    void serverErrorWithoutGraphBodyIsRetried() throws Exception {
        stubErrorThenOk(502, "<html>Bad gateway</html>");
        assertThat(drive(client.send(PNID, waId("15555550123"), TextMessage.of("hi"))).messageIds()).hasSize(1);
        wm.verify(2, postRequestedFor(urlEqualTo(PATH)));
    }

    @Test
    void connectionResetIsRetried() throws Exception {
        wm.stubFor(post(PATH).inScenario("reset").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)).willSetStateTo("ok"));
        wm.stubFor(post(PATH).inScenario("reset").whenScenarioStateIs("ok").willReturn(okJson(OK)));
        assertThat(drive(client.send(PNID, waId("15555550123"), TextMessage.of("hi"))).messageIds()).hasSize(1);
        wm.verify(2, postRequestedFor(urlEqualTo(PATH)));
    }

    @Test
    void networkErrorAfterLastAttemptIsWrapped() throws Exception {
        client.close();
        client = clientBuilder().maxAttempts(1).build();
        wm.stubFor(post(PATH).willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
        WhatsAppApiException e = (WhatsAppApiException) failure(client.send(PNID, waId("1555"), TextMessage.of("x")));
        assertThat(e.isNetworkError()).isTrue();
        assertThat(e.httpStatus()).isZero();
        assertThat(e.code()).isEqualTo(WhatsAppApiException.NO_CODE);
        assertThat(e.isRetryable()).isTrue();
        assertThat(e.getCause()).isInstanceOf(IOException.class);
    }

    @Test
    void maintenanceIsRetriedAfterAboutAMinute() throws Exception {
        stubErrorThenOk(400, graphError(131057, "Business account in maintenance mode"));
        CompletableFuture<SendResult> f = client.send(PNID, waId("15555550123"), TextMessage.of("hi"));
        awaitTasks(1);
        assertThat(scheduler.nextTaskDelay()).contains(Duration.ofSeconds(60));
        scheduler.advance(Duration.ofSeconds(59));
        wm.verify(1, postRequestedFor(urlEqualTo(PATH)));
        scheduler.advance(Duration.ofSeconds(1));
        assertThat(drive(f).messageIds()).hasSize(1);
        wm.verify(2, postRequestedFor(urlEqualTo(PATH)));
    }

    @Test
    void pairRateLimitHoldsOnlyThatRecipientWithFourToTheNBackoff() throws Exception {
        String pairError = graphError(131056, "(Business Account, Consumer Account) pair rate limit hit");
        wm.stubFor(post(PATH).withRequestBody(matchingJsonPath("$.to", equalTo("+111")))
                .inScenario("pair").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(400).withBody(pairError)).willSetStateTo("again"));
        wm.stubFor(post(PATH).withRequestBody(matchingJsonPath("$.to", equalTo("+111")))
                .inScenario("pair").whenScenarioStateIs("again")
                .willReturn(aResponse().withStatus(400).withBody(pairError)).willSetStateTo("ok"));
        wm.stubFor(post(PATH).withRequestBody(matchingJsonPath("$.to", equalTo("+111")))
                .inScenario("pair").whenScenarioStateIs("ok").willReturn(okJson(OK)));
        wm.stubFor(post(PATH).withRequestBody(matchingJsonPath("$.to", equalTo("+222"))).willReturn(okJson(OK)));

        CompletableFuture<SendResult> held = client.send(PNID, waId("111"), TextMessage.of("to A"));
        awaitTasks(1);
        assertThat(scheduler.nextTaskDelay()).as("4^0 s").contains(Duration.ofSeconds(1));

        CompletableFuture<SendResult> other = client.send(PNID, waId("222"), TextMessage.of("to B"));
        scheduler.advance(Duration.ofMillis(100));
        assertThat(other.get(10, TimeUnit.SECONDS).messageIds()).as("B is only paced, not held").hasSize(1);
        wm.verify(1, postRequestedFor(urlEqualTo(PATH)).withRequestBody(matchingJsonPath("$.to", equalTo("+111"))));

        CompletableFuture<SendResult> laterToA = client.send(PNID, waId("111"), TextMessage.of("to A again"));
        assertThat(scheduler.pendingTasks()).as("a new send to A also waits for the hold").isEqualTo(2);

        scheduler.advance(Duration.ofMillis(900));
        awaitTasks(2);
        scheduler.advance(Duration.ofMillis(10));
        assertThat(scheduler.pendingTasks()).isEqualTo(2);
        assertThat(scheduler.nextTaskDelay().orElseThrow()).as("4^1 s after the second refusal")
                .isBetween(Duration.ofMillis(3980), Duration.ofSeconds(4));
        scheduler.advance(Duration.ofMillis(3980));
        wm.verify(2, postRequestedFor(urlEqualTo(PATH)).withRequestBody(matchingJsonPath("$.to", equalTo("+111"))));
        assertThat(drive(held).messageIds()).hasSize(1);
        assertThat(drive(laterToA).messageIds()).hasSize(1);
        wm.verify(4, postRequestedFor(urlEqualTo(PATH)).withRequestBody(matchingJsonPath("$.to", equalTo("+111"))));
        assertThat(Duration.between(start, scheduler.clock().instant())).isGreaterThanOrEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void reEngagementFailsAtOnceWithEventAndFields() throws Exception {
        wm.stubFor(post(PATH).willReturn(aResponse().withStatus(400).withBody(payload("graph_error_131047.json"))));
        Throwable t = failure(client.sendText(PNID, waId("15555550123"), "Your **order** shipped", null));
        assertThat(t).isInstanceOf(ReEngagementRequiredException.class);
        ReEngagementRequiredException e = (ReEngagementRequiredException) t;
        assertThat(e.code()).isEqualTo(131047);
        assertThat(e.httpStatus()).isEqualTo(400);
        assertThat(e.type()).isEqualTo("OAuthException");
        assertThat(e.fbtraceId()).isEqualTo("AFakeTrace131047aBc");
        assertThat(e.details()).startsWith("Message failed to send because more than 24 hours");
        assertThat(e.isRetryable()).isFalse();
        assertThat(scheduler.pendingTasks()).isZero();
        wm.verify(1, postRequestedFor(urlEqualTo(PATH)));
        assertThat(events).containsExactly(new Event.ReEngagementRequired(PNID, "15555550123", "Your *order* shipped"));
    }

    @Test
    void expiredTokenFailsAtOnceAndRaisesAnAlert() throws Exception {
        wm.stubFor(post(PATH).willReturn(aResponse().withStatus(401).withBody(payload("graph_error_190.json"))));
        WhatsAppApiException e = (WhatsAppApiException) failure(client.send(PNID, waId("1555"), TextMessage.of("x")));
        assertThat(e.code()).isEqualTo(190);
        assertThat(e.errorSubcode()).isEqualTo(463);
        assertThat(e.httpStatus()).isEqualTo(401);
        assertThat(e.isRetryable()).isFalse();
        assertThat(e.getMessage()).contains("190/463").contains("AFakeTrace190dEf").doesNotContain(TOKEN);
        wm.verify(1, postRequestedFor(urlEqualTo(PATH)));
        assertThat(events).singleElement().isInstanceOfSatisfying(Event.GraphAlert.class, a -> {
            assertThat(a.code()).isEqualTo(190);
            assertThat(a.fbtraceId()).isEqualTo("AFakeTrace190dEf");
        });
    }

    @Test
    void policyBlockFailsAtOnceAndRaisesAnAlert() throws Exception {
        wm.stubFor(post(PATH).willReturn(aResponse().withStatus(403).withBody(graphError(368, "Temporarily blocked"))));
        WhatsAppApiException e = (WhatsAppApiException) failure(client.send(PNID, waId("1555"), TextMessage.of("x")));
        assertThat(e.code()).isEqualTo(368);
        assertThat(events).singleElement().isInstanceOfSatisfying(Event.GraphAlert.class,
                a -> assertThat(a.code()).isEqualTo(368));
        wm.verify(1, postRequestedFor(urlEqualTo(PATH)));
    }

    @ParameterizedTest
    @ValueSource(ints = {100, 131026, 131008, 132000, 132001, 132015, 130472, 424242})
    void nonRetryableCodesFailAtOnce(int code) throws Exception {
        wm.stubFor(post(PATH).willReturn(aResponse().withStatus(500).withBody(graphError(code, "no retry"))));
        WhatsAppApiException e = (WhatsAppApiException) failure(client.send(PNID, waId("1555"), TextMessage.of("x")));
        assertThat(e.code()).as("keyed on error.code even with HTTP 500").isEqualTo(code);
        assertThat(e.isRetryable()).isFalse();
        assertThat(e.graphMessage()).isEqualTo("(#" + code + ") no retry");
        assertThat(e.details()).isEqualTo("no retry details");
        assertThat(e.fbtraceId()).isEqualTo("Trace" + code);
        assertThat(scheduler.pendingTasks()).isZero();
        wm.verify(1, postRequestedFor(urlEqualTo(PATH)));
        assertThat(events).isEmpty();
    }

    @Test
    void errorBodyWithStatus200IsAnError() throws Exception {
        wm.stubFor(post(PATH).willReturn(okJson(graphError(100, "Invalid parameter"))));
        WhatsAppApiException e = (WhatsAppApiException) failure(client.send(PNID, waId("1555"), TextMessage.of("x")));
        assertThat(e.code()).isEqualTo(100);
        assertThat(e.httpStatus()).isEqualTo(200);
    }

    // ---- pacing ---------------------------------------------------------------------------------

    @Test
    void sendsBeyondTheBucketAreSpreadInVirtualTime() throws Exception {
        client.close();
        client = clientBuilder().outboundMessagesPerSecond(5).build();
        wm.stubFor(post(PATH).willReturn(okJson(OK)));
        List<CompletableFuture<SendResult>> futures = new java.util.ArrayList<>();
        for (int i = 0; i < 12; i++) {
            futures.add(client.send(PNID, waId("1000" + i), TextMessage.of("m" + i)));
        }
        assertThat(scheduler.pendingTasks()).as("the rest wait on the scheduler").isEqualTo(1);
        assertThat(futures.get(0).get(10, TimeUnit.SECONDS).messageIds()).hasSize(1);
        assertThat(futures.get(11)).isNotDone();
        for (CompletableFuture<SendResult> f : futures) {
            drive(f);
        }
        assertThat(Duration.between(start, scheduler.clock().instant())).isGreaterThanOrEqualTo(Duration.ofSeconds(2));
        wm.verify(12, postRequestedFor(urlEqualTo(PATH)));
    }

    @Test
    void aReadReceiptQueuedBehindThePaceSaysWhenItLeaves() throws Exception {
        client.close();
        client = clientBuilder().outboundMessagesPerSecond(5).build();
        wm.stubFor(post(PATH).willReturn(okJson(OK)));
        wm.stubFor(post(PATH).atPriority(1)
                .withRequestBody(com.github.tomakehurst.wiremock.client.WireMock.containing("\"status\":\"read\""))
                .willReturn(okJson("{\"success\":true}")));
        List<CompletableFuture<SendResult>> ahead = new java.util.ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ahead.add(client.send(PNID, waId("1000" + i), TextMessage.of("m" + i)));
        }
        List<java.time.Instant> dispatched = new java.util.concurrent.CopyOnWriteArrayList<>();
        CompletableFuture<Void> receipt = client.markRead(PNID, "wamid.IN1", true,
                () -> dispatched.add(scheduler.clock().instant()));
        assertThat(dispatched).as("still waiting for its turn").isEmpty();
        for (CompletableFuture<SendResult> f : ahead) {
            drive(f);
        }
        drive(receipt);
        assertThat(dispatched).as("told once, when it left the pace").singleElement()
                .satisfies(at -> assertThat(Duration.between(start, at)).isGreaterThanOrEqualTo(Duration.ofMillis(900)));
    }

    // ---- media ----------------------------------------------------------------------------------

    @Test
    void mediaLookupAndDownloadUseTheToken() throws Exception {
        byte[] image = "JPEG-BYTES".getBytes(StandardCharsets.US_ASCII);
        wm.stubFor(get("/v26.0/1234567890").willReturn(okJson("{\"messaging_product\":\"whatsapp\",\"url\":\""
                + wm.baseUrl() + "/lookaside/media?mid=1234567890&ext=1\",\"mime_type\":\"image/jpeg\","
                + "\"sha256\":\"abc123\",\"file_size\":10,\"id\":\"1234567890\"}")));
        wm.stubFor(get(urlEqualTo("/lookaside/media?mid=1234567890&ext=1"))
                .willReturn(aResponse().withHeader("Content-Type", "image/jpeg").withBody(image)));
        MediaInfo info = drive(client.mediaUrl("1234567890"));
        assertThat(info).isEqualTo(new MediaInfo("1234567890", wm.baseUrl() + "/lookaside/media?mid=1234567890&ext=1",
                "image/jpeg", "abc123", 10));
        DownloadedMedia content = drive(client.downloadMedia("1234567890"));
        assertThat(content.data()).isEqualTo(image);
        assertThat(content.mimeType()).isEqualTo("image/jpeg");
        wm.verify(2, getRequestedFor(urlEqualTo("/v26.0/1234567890")).withHeader("Authorization", equalTo("Bearer " + TOKEN)));
        wm.verify(getRequestedFor(urlEqualTo("/lookaside/media?mid=1234567890&ext=1"))
                .withHeader("Authorization", equalTo("Bearer " + TOKEN)));
    }

    @Test
    void downloadRefusedByContentLength() throws Exception {
        client.close();
        client = clientBuilder().maxMediaBytes(100)
                .httpClient(java.net.http.HttpClient.newBuilder().version(java.net.http.HttpClient.Version.HTTP_1_1).build())
                .build();
        wm.stubFor(get("/big").willReturn(aResponse().withBody(new byte[101])));
        Throwable t = failure(client.downloadMedia(wm.baseUrl() + "/big"));
        assertThat(t).isInstanceOf(MediaTooLargeException.class).hasMessageContaining("100 bytes")
                .hasMessageContaining("at least 101 bytes");
        assertThat(scheduler.pendingTasks()).as("not retried").isZero();
    }

    @Test
    void downloadRefusedWhileStreamingWithoutContentLength() throws Exception {
        client.close();
        client = clientBuilder().maxMediaBytes(1000).build();
        wm.stubFor(get("/chunked").willReturn(aResponse().withBody(new byte[5000]).withChunkedDribbleDelay(5, 20)));
        Throwable t = failure(client.downloadMedia(wm.baseUrl() + "/chunked"));
        assertThat(t).isInstanceOf(MediaTooLargeException.class);
    }

    @Test
    void downloadRefusedWhenTheLookupReportsTooLarge() throws Exception {
        client.close();
        client = clientBuilder().maxMediaBytes(1000).build();
        wm.stubFor(get("/v26.0/99").willReturn(okJson("{\"url\":\"" + wm.baseUrl() + "/never\",\"file_size\":5000,\"id\":\"99\"}")));
        assertThat(failure(client.downloadMedia("99"))).isInstanceOf(MediaTooLargeException.class);
        wm.verify(0, getRequestedFor(urlEqualTo("/never")));
    }

    @Test
    void mediaLookupErrorIsAGraphError() throws Exception {
        wm.stubFor(get("/v26.0/77").willReturn(aResponse().withStatus(400).withBody(graphError(100, "Unsupported get request"))));
        WhatsAppApiException e = (WhatsAppApiException) failure(client.mediaUrl("77"));
        assertThat(e.code()).isEqualTo(100);
    }

    // ---- configuration and misuse -----------------------------------------------------------------

    @Test
    void builderReportsEveryProblemAtOnce() {
        assertThatThrownBy(() -> GraphWhatsAppClient.builder().graphApiVersion("26").outboundMessagesPerSecond(0).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("accessToken is required")
                .hasMessageContaining("graphApiVersion")
                .hasMessageContaining("outboundMessagesPerSecond");
    }

    @Test
    void createFromSettingsNeedsAnAccessToken() {
        GraphSettings noToken = GraphSettings.defaults();
        assertThatThrownBy(() -> GraphWhatsAppClient.create(noToken, e -> { }))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("META_ACCESS_TOKEN");
    }

    @Test
    void createFromSettingsUsesBaseUrlAndVersion() throws Exception {
        GraphSettings config = GraphSettings.builder().accessToken(TOKEN).baseUrl(wm.baseUrl()).version("v25.0").build();
        wm.stubFor(post("/v25.0/" + PNID + "/messages").willReturn(okJson(OK)));
        try (GraphWhatsAppClient c = GraphWhatsAppClient.create(config, e -> { })) {
            assertThat(c.send(PNID, waId("1555"), TextMessage.of("x")).get(10, TimeUnit.SECONDS).messageIds()).hasSize(1);
            assertThat(c.toString()).doesNotContain(TOKEN);
        }
    }

    @Test
    void malformedPhoneNumberIdIsRefused() {
        assertThatThrownBy(() -> client.send("12/../../x", waId("1"), TextMessage.of("x")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("phone number id");
    }

    @Test
    void closeFailsPendingRequests() throws Exception {
        stubErrorThenOk(503, graphError(2, "down"));
        CompletableFuture<SendResult> f = client.send(PNID, waId("1555"), TextMessage.of("x"));
        awaitTasks(1);
        client.close();
        assertThat(failure(f)).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        assertThat(client.send(PNID, waId("1555"), TextMessage.of("x"))).isCompletedExceptionally();
    }

    // ---- send outcome known or reported (timeouts after the request was written) ------------------

    private List<Event.SendAmbiguous> ambiguous() {
        return events.stream().filter(Event.SendAmbiguous.class::isInstance).map(Event.SendAmbiguous.class::cast).toList();
    }

    @Test
    void aRefusedConnectionNeverReachedMetaAndIsRetriedFreely() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        client.close();
        client = clientBuilder().graphApiBaseUrl("http://127.0.0.1:" + port).build();
        CompletableFuture<SendResult> f = client.send(PNID, waId("15555550123"), TextMessage.of("hi"));
        for (int refused = 0; refused < 2; refused++) {
            awaitTasks(1);
            scheduler.advance(scheduler.nextTaskDelay().orElseThrow());
        }
        awaitTasks(1);
        WireMockServer late = new WireMockServer(wireMockConfig().port(port).bindAddress("127.0.0.1"));
        late.start();
        try {
            late.stubFor(post(PATH).willReturn(okJson(OK)));
            assertThat(drive(f).messageIds()).containsExactly("wamid.OUT1");
            late.verify(1, postRequestedFor(urlEqualTo(PATH)));
        } finally {
            late.stop();
        }
        assertThat(ambiguous()).as("a refused connection is not ambiguous").isEmpty();
    }

    @Test
    void aResponsePastTheTimeoutIsSentAgainAtMostOnceAndReportedAsAmbiguous() throws Exception {
        client.close();
        client = clientBuilder().requestTimeout(SLOW_TIMEOUT).build();
        wm.stubFor(post(PATH).willReturn(okJson(OK).withFixedDelay(SLOWER_THAN_TIMEOUT_MILLIS)));
        CompletableFuture<SendResult> f = client.sendText(PNID, waId("15555550123"), "hi", null, "outbox-7");
        Thread pump = new Thread(() -> {
            try {
                drive(f);
            } catch (Exception expected) {
                // the failure is asserted below
            }
        });
        pump.start();
        WhatsAppApiException e = (WhatsAppApiException) failure(f);
        pump.join(10_000);
        assertThat(e.isNetworkError()).isTrue();
        assertThat(e.getCause()).isInstanceOf(java.net.http.HttpTimeoutException.class);
        awaitPosts(2);
        wm.verify(2, postRequestedFor(urlEqualTo(PATH)));
        assertThat(ambiguous()).singleElement().satisfies(a -> {
            assertThat(a.retried()).isTrue();
            assertThat(a.delivered()).isFalse();
            assertThat(a.callbackData()).isEqualTo("outbox-7");
            assertThat(a.toString()).doesNotContain("15555550123").contains("155******23");
        });
    }

    @Test
    void aTimeoutThenAnAnswerDeliversAndStillReportsTheAmbiguity() throws Exception {
        client.close();
        client = clientBuilder().requestTimeout(SLOW_TIMEOUT).build();
        wm.stubFor(post(PATH).inScenario("slow").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(okJson(OK).withFixedDelay(SLOWER_THAN_TIMEOUT_MILLIS)).willSetStateTo("fast"));
        wm.stubFor(post(PATH).inScenario("slow").whenScenarioStateIs("fast").willReturn(okJson(OK)));
        assertThat(drive(client.send(PNID, waId("15555550123"), TextMessage.of("hi"))).messageIds()).hasSize(1);
        wm.verify(2, postRequestedFor(urlEqualTo(PATH)));
        assertThat(ambiguous()).singleElement().satisfies(a -> {
            assertThat(a.retried()).isTrue();
            assertThat(a.delivered()).isTrue();
        });
    }

    @Test
    void aReadReceiptPastTheTimeoutIsRetriedFreelyBecauseItIsIdempotent() throws Exception {
        client.close();
        client = clientBuilder().requestTimeout(SLOW_TIMEOUT).maxAttempts(3).build();
        wm.stubFor(post(PATH).willReturn(okJson("{\"success\":true}").withFixedDelay(SLOWER_THAN_TIMEOUT_MILLIS)));
        CompletableFuture<Void> f = client.markRead(PNID, "wamid.IN1", false);
        Thread pump = new Thread(() -> {
            try {
                drive(f);
            } catch (Exception expected) {
                // the failure is asserted below
            }
        });
        pump.start();
        assertThat(failure(f)).isInstanceOf(WhatsAppApiException.class);
        pump.join(10_000);
        awaitPosts(3);
        wm.verify(3, postRequestedFor(urlEqualTo(PATH)));
        assertThat(ambiguous()).isEmpty();
    }

    @Test
    void aResetConnectionAfterTheRequestIsSentAgainOnlyOnce() throws Exception {
        wm.stubFor(post(PATH).willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
        CompletableFuture<SendResult> f = client.send(PNID, waId("15555550123"), TextMessage.of("hi"));
        awaitTasks(1);
        scheduler.advance(scheduler.nextTaskDelay().orElseThrow());
        assertThat(((WhatsAppApiException) failure(f)).isNetworkError()).isTrue();
        wm.verify(2, postRequestedFor(urlEqualTo(PATH)));
        assertThat(ambiguous()).singleElement().satisfies(a -> assertThat(a.retried()).isTrue());
    }

    @Test
    void code1ArrivesWithHttp400AndIsRetriedWithoutAmbiguity() throws Exception {
        stubErrorThenOk(400, graphError(1, "An unknown error occurred"));
        assertThat(drive(client.send(PNID, waId("15555550123"), TextMessage.of("hi"))).messageIds()).hasSize(1);
        wm.verify(2, postRequestedFor(urlEqualTo(PATH)));
        assertThat(events).isEmpty();
    }

    @Test
    void code131026WithHttp400IsNotRetried() throws Exception {
        wm.stubFor(post(PATH).willReturn(aResponse().withStatus(400).withBody(graphError(131026, "Message undeliverable"))));
        WhatsAppApiException e = (WhatsAppApiException) failure(client.send(PNID, waId("15555550123"), TextMessage.of("hi")));
        assertThat(e.code()).isEqualTo(131026);
        wm.verify(1, postRequestedFor(urlEqualTo(PATH)));
        assertThat(scheduler.pendingTasks()).isZero();
        assertThat(ambiguous()).isEmpty();
    }

    @Test
    void callbackDataTagsEveryPartOfATextAndIsCappedAt512Characters() throws Exception {
        client.close();
        client = clientBuilder().splitLimit(MessageSplitter.MIN_LIMIT).build();
        wm.stubFor(post(PATH).willReturn(okJson(OK)));
        String text = "word ".repeat(MessageSplitter.MIN_LIMIT / 5 * 2).strip();
        assertThat(drive(client.sendText(PNID, waId("15555550123"), text, null, "outbox-42")).messageIds())
                .hasSizeGreaterThan(1);
        for (LoggedRequest r : wm.findAll(postRequestedFor(urlEqualTo(PATH)))) {
            assertThat(r.getBodyAsString()).contains("\"biz_opaque_callback_data\":\"outbox-42\"");
        }
        assertThatThrownBy(() -> client.sendText(PNID, waId("15555550123"), "hi", null, "x".repeat(513)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("biz_opaque_callback_data");
    }

    @Test
    void textPartsAreFormattedAndSplitOnceAndEachPartIsSentAsItIsWithItsOwnTag() throws Exception {
        client.close();
        client = clientBuilder().splitLimit(50).build();
        wm.stubFor(post(PATH).willReturn(okJson(OK)));
        List<String> parts = client.textParts("**Opening hours**\n\nMonday to Friday from nine to five.\n\n"
                + "Saturday from ten to two, closed on Sunday.");
        assertThat(parts).containsExactly("*Opening hours*", "Monday to Friday from nine to five.",
                "Saturday from ten to two, closed on Sunday.");
        for (int i = 0; i < parts.size(); i++) {
            drive(client.sendTextPart(PNID, waId("15555550123"), parts.get(i), "part-" + i));
        }
        List<LoggedRequest> sent = wm.findAll(postRequestedFor(urlEqualTo(PATH)));
        assertThat(sent).hasSize(3);
        for (int i = 0; i < 3; i++) {
            com.fasterxml.jackson.databind.JsonNode body = new com.fasterxml.jackson.databind.ObjectMapper()
                    .readTree(sent.get(i).getBodyAsString());
            assertThat(body.path("text").path("body").asText()).as("sent as it is: not formatted twice")
                    .isEqualTo(parts.get(i));
            assertThat(body.path("biz_opaque_callback_data").asText()).isEqualTo("part-" + i);
            assertThat(body.has("context")).as("no quote").isFalse();
        }
    }
}
