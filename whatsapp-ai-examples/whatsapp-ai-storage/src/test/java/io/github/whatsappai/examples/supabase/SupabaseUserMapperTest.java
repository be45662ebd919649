package io.github.whatsappai.examples.supabase;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.github.whatsappai.examples.testing.PostgresExtension;
import io.github.whatsappai.examples.testing.Sql;
import io.github.whatsappai.spi.UserIdentity;
import io.github.whatsappai.spi.UserMapper;
import io.github.whatsappai.spi.UserMapperContract;
import io.github.whatsappai.testing.VirtualScheduler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The user mapper contract over HTTP (WireMock with {@link PostgrestEmulator} calling the schema's
 * function in a real PostgreSQL), plus the exact request and error handling.
 */
class SupabaseUserMapperTest extends UserMapperContract {

    private static final String RPC = "/rest/v1/rpc/whatsapp_ai_find_or_create_user";

    @RegisterExtension
    final PostgresExtension db = PostgresExtension.migrated();

    private WireMockServer server;
    private final List<Duration> sleeps = new ArrayList<>();
    private final VirtualScheduler scheduler = new VirtualScheduler();

    @BeforeEach
    void start() {
        server = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1")
                .extensions(new PostgrestEmulator(db.dataSource())));
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    private SupabaseUserMapper mapper() {
        return new SupabaseUserMapper(SupabaseClient.builder(server.baseUrl(), SupabaseChatLoggerTest.SECRET_KEY)
                .scheduler(scheduler).clock(scheduler.clock()).build());
    }

    @Override
    protected UserMapper createUserMapper() {
        server.stubFor(post(urlPathMatching("/rest/v1/rpc/.*")).willReturn(aResponse().withTransformers(PostgrestEmulator.NAME)));
        return mapper();
    }

    @Test
    void createsAndLinksUsersInTheDatabase() {
        UserMapper mapper = createUserMapper();
        String id = mapper.findOrCreateUser(new UserIdentity("p", "15551234567", null, "  Ana  "));
        assertThat(mapper.findOrCreateUser(new UserIdentity("p", "15551234567", "US.77", null))).isEqualTo(id);

        assertThat(Sql.strings(db.dataSource(), "select wa_id || ' ' || bsuid || ' ' || profile_name || ' ' || credits"
                + " from users where id = ?", id)).containsExactly("15551234567 US.77 Ana 10");
    }

    @Test
    void sendsTheFunctionCallWithTheKeyInApikeyOnly() {
        server.stubFor(post(urlEqualTo(RPC)).willReturn(aResponse().withStatus(200).withBody("\"user-42\"")));

        assertThat(mapper().findOrCreateUser(new UserIdentity("p", null, "US.77", "Ana"))).isEqualTo("user-42");

        server.verify(1, postRequestedFor(urlEqualTo(RPC))
                .withHeader("apikey", equalTo(SupabaseChatLoggerTest.SECRET_KEY))
                .withHeader("Authorization", absent())
                .withHeader("Content-Type", equalTo("application/json"))
                .withHeader("Prefer", absent())
                .withRequestBody(equalToJson("{\"p_wa_id\":null,\"p_bsuid\":\"US.77\",\"p_profile_name\":\"Ana\"}")));
    }

    @Test
    void retriesAnOutageBecauseTheCallIsIdempotent() throws Exception {
        server.stubFor(post(urlEqualTo(RPC)).inScenario("s").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(504)).willSetStateTo("up"));
        server.stubFor(post(urlEqualTo(RPC)).inScenario("s").whenScenarioStateIs("up")
                .willReturn(aResponse().withStatus(200).withBody("\"user-42\"")));

        SupabaseUserMapper mapper = mapper();
        assertThat(scheduler.runBlocking(() -> mapper.findOrCreateUser(new UserIdentity("p", "15551234567", null, null)),
                sleeps::add, Duration.ofSeconds(20))).isEqualTo("user-42");
        assertThat(sleeps).containsExactly(Duration.ofMillis(500));
    }

    @Test
    void aMissingFunctionIsAClearNonRetryableError() {
        server.stubFor(post(urlEqualTo(RPC)).willReturn(aResponse().withStatus(404).withBody("""
                {"code":"PGRST202","details":"Searched for the function public.whatsapp_ai_find_or_create_user",
                 "hint":null,"message":"Could not find the function public.whatsapp_ai_find_or_create_user in the schema cache"}""")));

        assertThatThrownBy(() -> mapper().findOrCreateUser(new UserIdentity("p", "15551234567", null, null)))
                .isInstanceOfSatisfying(SupabaseException.class, e -> {
                    assertThat(e.isRetryable()).isFalse();
                    assertThat(e.code()).isEqualTo("PGRST202");
                    assertThat(e.getMessage()).contains("call of rpc/whatsapp_ai_find_or_create_user failed: HTTP 404")
                            .contains("V1__whatsapp_ai_schema.sql");
                });
        assertThat(sleeps).isEmpty();
    }

    @Test
    void anAnswerWithoutAUserIdIsAnError() {
        server.stubFor(post(urlEqualTo(RPC)).willReturn(aResponse().withStatus(200).withBody("null")));

        assertThatThrownBy(() -> mapper().findOrCreateUser(new UserIdentity("p", "15551234567", null, null)))
                .isInstanceOf(SupabaseException.class).hasMessageContaining("returned no user id");
    }
}
