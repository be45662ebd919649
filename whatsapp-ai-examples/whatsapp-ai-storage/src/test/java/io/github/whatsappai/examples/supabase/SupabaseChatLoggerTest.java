package io.github.whatsappai.examples.supabase;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.github.whatsappai.spi.ChatLogEntry;
import io.github.whatsappai.spi.ChatLogEntry.Direction;
import io.github.whatsappai.testing.VirtualScheduler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SupabaseChatLoggerTest {

    static final String SECRET_KEY = "sb_secret_N7UND0UgjKTVK-Uodkm0Hg_xSvEMPvz";
    static final String JWT_KEY = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJyb2xlIjoic2VydmljZV9yb2xlIn0.c2lnbmF0dXJlX2J5dGVz";
    private static final String PATH = "/rest/v1/chat_logs";
    private static final String URL = PATH + "?on_conflict=idempotency_key";
    private static final Instant T0 = Instant.parse("2026-06-01T10:00:00Z");
    private static final ObjectMapper JSON = new ObjectMapper();

    private WireMockServer server;
    private final List<Duration> sleeps = new ArrayList<>();
    private final VirtualScheduler scheduler = new VirtualScheduler();

    @BeforeEach
    void start() {
        server = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"));
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    private SupabaseClient.Builder client(String key) {
        return SupabaseClient.builder(server.baseUrl() + "/", key).scheduler(scheduler).clock(scheduler.clock());
    }

    private SupabaseChatLogger logger(String key) {
        return new SupabaseChatLogger(client(key).build());
    }

    /** Runs {@code call} while the scheduler runs its retry waits, recording each in {@link #sleeps}. */
    private void drive(ThrowingRunnable call) throws Exception {
        scheduler.runBlocking(() -> {
            call.run();
            return null;
        }, sleeps::add, Duration.ofSeconds(20));
    }

    /** A call that may throw. */
    interface ThrowingRunnable {
        void run() throws Exception;
    }

    static ChatLogEntry inbound(String wamid) {
        return new ChatLogEntry(wamid, "s1", "u1", null, "phone-1", "15551234567", "US.1349120865",
                Direction.INBOUND, wamid, null, "text", "Olá 👋", T0, T0.plusSeconds(1), null, null, null, null, null);
    }

    static ChatLogEntry reply(String key) {
        return new ChatLogEntry(key, "s1", "u1", null, "phone-1", null, "US.1349120865", Direction.OUTBOUND,
                "wamid.OUT1", List.of("wamid.OUT1", "wamid.OUT2"), "text", "*Hi*", T0.plusSeconds(5), T0.plusSeconds(6),
                "openrouter/free", 120, 30, new BigDecimal("0.00015"), null);
    }

    @Test
    void sendsOneIdempotentBulkInsertWithTheSecretKeyOnlyInApikey() throws Exception {
        server.stubFor(post(urlEqualTo(URL)).willReturn(aResponse().withStatus(201)));

        logger(SECRET_KEY).log(List.of(inbound("wamid.A"), reply("reply:wamid.A")));

        server.verify(1, postRequestedFor(urlEqualTo(URL))
                .withHeader("apikey", equalTo(SECRET_KEY))
                .withHeader("Authorization", absent())
                .withHeader("Content-Type", equalTo("application/json"))
                .withHeader("Prefer", equalTo("resolution=ignore-duplicates,return=minimal"))
                .withHeader("User-Agent", matching("whatsapp-ai-java/.*"))
                .withHeader("Accept", equalTo("application/json"))
                .withRequestBody(equalToJson("""
                        [ {"idempotency_key":"wamid.A","wa_message_id":"wamid.A","direction":"inbound",
                           "phone_number_id":"phone-1","user_bsuid":"US.1349120865","wa_id":"15551234567",
                           "role":"user","message_type":"text","content":"Olá 👋","session_id":"s1","user_id":"u1",
                           "channel":"whatsapp","model":null,"prompt_tokens":null,"completion_tokens":null,
                           "cost_usd":null,"error":null,"outbound_message_ids":[],
                           "wa_timestamp":"2026-06-01T10:00:00Z","logged_at":"2026-06-01T10:00:01Z"},
                          {"idempotency_key":"reply:wamid.A","wa_message_id":"wamid.OUT1","direction":"outbound",
                           "phone_number_id":"phone-1","user_bsuid":"US.1349120865","wa_id":null,
                           "role":"assistant","message_type":"text","content":"*Hi*","session_id":"s1","user_id":"u1",
                           "channel":"whatsapp","model":"openrouter/free","prompt_tokens":120,"completion_tokens":30,
                           "cost_usd":0.00015,"error":null,"outbound_message_ids":["wamid.OUT1","wamid.OUT2"],
                           "wa_timestamp":"2026-06-01T10:00:05Z","logged_at":"2026-06-01T10:00:06Z"} ]""")));
        JsonNode body = JSON.readTree(server.getAllServeEvents().get(0).getRequest().getBodyAsString());
        List<String> first = new ArrayList<>();
        body.get(0).fieldNames().forEachRemaining(first::add);
        List<String> second = new ArrayList<>();
        body.get(1).fieldNames().forEachRemaining(second::add);
        assertThat(second).as("identical keys in every row").isEqualTo(first);
        assertThat(sleeps).isEmpty();
    }

    @Test
    void sendsALegacyJwtKeyAlsoAsBearer() {
        server.stubFor(post(urlEqualTo(URL)).willReturn(aResponse().withStatus(201)));

        logger(JWT_KEY).log(List.of(inbound("wamid.A")));
        logger("sb_publishable_abc.def.ghi").log(List.of(inbound("wamid.B")));

        server.verify(1, postRequestedFor(urlEqualTo(URL)).withHeader("apikey", equalTo(JWT_KEY))
                .withHeader("Authorization", equalTo("Bearer " + JWT_KEY)));
        server.verify(1, postRequestedFor(urlEqualTo(URL)).withHeader("apikey", equalTo("sb_publishable_abc.def.ghi"))
                .withHeader("Authorization", absent()));
        assertThat(SupabaseClient.isJwt(SECRET_KEY)).isFalse();
        assertThat(SupabaseClient.isJwt("not-a-jwt")).isFalse();
        assertThat(SupabaseClient.isJwt(JWT_KEY)).isTrue();
    }

    @Test
    void splitsLargeBatchesIntoChunks() throws Exception {
        server.stubFor(post(urlEqualTo(URL)).willReturn(aResponse().withStatus(201)));
        List<ChatLogEntry> entries = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            entries.add(inbound("wamid." + i));
        }

        new SupabaseChatLogger(client(SECRET_KEY).build(), "chat_logs", 2).log(entries);
        logger(SECRET_KEY).log(List.of());

        List<LoggedRequest> requests = server.findAll(postRequestedFor(urlPathEqualTo(PATH)));
        assertThat(requests).hasSize(3);
        List<Integer> sizes = new ArrayList<>();
        for (LoggedRequest r : requests) {
            sizes.add(JSON.readTree(r.getBodyAsString()).size());
        }
        assertThat(sizes).containsExactlyInAnyOrder(2, 2, 1);
    }

    @Test
    void retriesA503ThenSucceeds() throws Exception {
        server.stubFor(post(urlEqualTo(URL)).inScenario("flaky").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(503).withBody("{\"code\":\"PGRST000\",\"message\":\"no connection\"}"))
                .willSetStateTo("up"));
        server.stubFor(post(urlEqualTo(URL)).inScenario("flaky").whenScenarioStateIs("up")
                .willReturn(aResponse().withStatus(201)));

        drive(() -> logger(SECRET_KEY).log(List.of(inbound("wamid.A"))));

        server.verify(2, postRequestedFor(urlEqualTo(URL)));
        assertThat(sleeps).containsExactly(Duration.ofMillis(500));
    }

    @Test
    void retriesNetworkErrorsAnd429WithRetryAfter() throws Exception {
        server.stubFor(post(urlEqualTo(URL)).inScenario("s").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)).willSetStateTo("limited"));
        server.stubFor(post(urlEqualTo(URL)).inScenario("s").whenScenarioStateIs("limited")
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "3")).willSetStateTo("up"));
        server.stubFor(post(urlEqualTo(URL)).inScenario("s").whenScenarioStateIs("up")
                .willReturn(aResponse().withStatus(201)));

        drive(() -> logger(SECRET_KEY).log(List.of(inbound("wamid.A"))));

        server.verify(3, postRequestedFor(urlEqualTo(URL)));
        assertThat(sleeps).containsExactly(Duration.ofMillis(500), Duration.ofSeconds(3));
    }

    @Test
    void givesUpAfterMaxAttemptsWithARetryableException() {
        server.stubFor(post(urlEqualTo(URL)).willReturn(aResponse().withStatus(502).withBody("<html>Bad Gateway</html>")));

        assertThatThrownBy(() -> drive(() -> new SupabaseChatLogger(client(SECRET_KEY).maxAttempts(4).build())
                .log(List.of(inbound("wamid.A")))))
                .isInstanceOfSatisfying(SupabaseException.class, e -> {
                    assertThat(e.isRetryable()).isTrue();
                    assertThat(e.status()).isEqualTo(502);
                    assertThat(e.getMessage()).contains("HTTP 502 with a body of 24 bytes that is not PostgREST's error JSON")
                            .contains("gave up after 4 attempts").doesNotContain(SECRET_KEY).doesNotContain("<html>");
                    assertThat(e.serverMessage()).isEqualTo("<html>Bad Gateway</html>");
                });
        server.verify(4, postRequestedFor(urlEqualTo(URL)));
        assertThat(sleeps).containsExactly(Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(2));
    }

    @Test
    void aConflictIsReportedWithPostgrestsErrorAndNotRetried() {
        server.stubFor(post(urlEqualTo(URL)).willReturn(aResponse().withStatus(409)
                .withHeader("Content-Type", "application/json")
                .withBody("""
                        {"code":"23505","details":"Key (id)=(7) already exists.","hint":null,
                         "message":"duplicate key value violates unique constraint \\"chat_logs_pkey\\""}""")));

        assertThatThrownBy(() -> logger(SECRET_KEY).log(List.of(inbound("wamid.A"))))
                .isInstanceOfSatisfying(SupabaseException.class, e -> {
                    assertThat(e.isRetryable()).isFalse();
                    assertThat(e.status()).isEqualTo(409);
                    assertThat(e.code()).isEqualTo("23505");
                    assertThat(e.details()).isEqualTo("Key (id)=(7) already exists.");
                    assertThat(e.hint()).isNull();
                    assertThat(e.serverMessage()).isEqualTo("duplicate key value violates unique constraint \"chat_logs_pkey\"");
                    assertThat(e.getMessage()).isEqualTo("Supabase insert of 1 rows into chat_logs failed: HTTP 409 23505:"
                            + " a row broke a constraint of the schema (unique, not null, foreign key or check)"
                            + " (the server's message is not copied here because it can hold personal data;"
                            + " see serverMessage(), details() and hint())");
                });
        server.verify(1, postRequestedFor(urlEqualTo(URL)));
        assertThat(sleeps).isEmpty();
    }

    @Test
    void aBadRequestCarriesTheHint() {
        server.stubFor(post(urlEqualTo(URL)).willReturn(aResponse().withStatus(400).withBody("""
                {"code":"PGRST204","details":null,"hint":"Reload the schema cache",
                 "message":"Could not find the 'cost_usd' column of 'chat_logs' in the schema cache"}""")));

        assertThatThrownBy(() -> logger(SECRET_KEY).log(List.of(inbound("wamid.A"))))
                .isInstanceOfSatisfying(SupabaseException.class, e -> {
                    assertThat(e.getMessage()).contains("HTTP 400 PGRST204: a table, column or function is not in"
                            + " PostgREST's schema cache; apply the schema migration and reload the schema cache");
                    assertThat(e.serverMessage()).contains("Could not find the 'cost_usd' column");
                    assertThat(e.hint()).isEqualTo("Reload the schema cache");
                });
        server.verify(1, postRequestedFor(urlEqualTo(URL)));
    }

    @Test
    void theFailingRowIsKeptOutOfTheMessage() {
        server.stubFor(post(urlEqualTo(URL)).willReturn(aResponse().withStatus(400).withBody("""
                {"code":"23514","details":"Failing row contains (1, wamid.A, inbound, 15551234567, Olá).","hint":null,
                 "message":"new row for relation \\"chat_logs\\" violates check constraint \\"chat_logs_role_check\\""}""")));

        assertThatThrownBy(() -> logger(SECRET_KEY).log(List.of(inbound("wamid.A"))))
                .isInstanceOfSatisfying(SupabaseException.class, e -> {
                    assertThat(e.getMessage()).contains("HTTP 400 23514: a row broke a constraint")
                            .doesNotContain("15551234567").doesNotContain("Olá");
                    assertThat(e.toString()).doesNotContain("15551234567");
                    assertThat(e.details()).contains("15551234567");
                });
    }

    @Test
    void anUnauthorizedEmptyBodyPointsAtTheKey() {
        server.stubFor(post(urlEqualTo(URL)).willReturn(aResponse().withStatus(401)));

        assertThatThrownBy(() -> logger(SECRET_KEY).log(List.of(inbound("wamid.A"))))
                .isInstanceOfSatisfying(SupabaseException.class, e -> {
                    assertThat(e.isRetryable()).isFalse();
                    assertThat(e.status()).isEqualTo(401);
                    assertThat(e.code()).isNull();
                    assertThat(e.getMessage()).contains("HTTP 401 with an empty body").contains("check SUPABASE_KEY")
                            .doesNotContain(SECRET_KEY);
                });
        server.verify(1, postRequestedFor(urlEqualTo(URL)));
    }

    @Test
    void validatesConfigurationWithoutEchoingTheKey() {
        assertThat(SupabaseChatLogger.fromEnvironment(Map.of())).isEmpty();
        assertThatThrownBy(() -> SupabaseChatLogger.fromEnvironment(Map.of("SUPABASE_URL", "https://x.supabase.co")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("SUPABASE_KEY is required");
        assertThatThrownBy(() -> SupabaseClient.builder("ftp://x", SECRET_KEY))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("http(s) URL");
        assertThatThrownBy(() -> new SupabaseChatLogger(client(SECRET_KEY).build(), "chat_logs; drop table users", 10))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(SupabaseChatLogger.fromEnvironment(Map.of("SUPABASE_URL", "https://x.supabase.co/rest/v1/",
                "SUPABASE_KEY", SECRET_KEY)).orElseThrow().toString())
                .isEqualTo("SupabaseChatLogger[SupabaseClient[https://x.supabase.co/rest/v1/, key=****], table=chat_logs]");
    }

    @Test
    void anInterruptStopsRetryingAndKeepsTheFlag() {
        server.stubFor(post(urlEqualTo(URL)).willReturn(aResponse().withStatus(503)));
        SupabaseChatLogger logger = new SupabaseChatLogger(SupabaseClient.builder(server.baseUrl(), SECRET_KEY)
                .scheduler(scheduler).clock(scheduler.clock()).build());
        try {
            Thread.currentThread().interrupt();
            assertThatThrownBy(() -> logger.log(List.of(inbound("wamid.A"))))
                    .isInstanceOf(SupabaseException.class).hasMessageContaining("interrupted");
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
    }
}
