package io.github.whatsappai.ai.knowledge;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OpenAiCompatibleEmbedderTest {

    private WireMockServer server;

    @BeforeEach
    void start() {
        server = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"));
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    private OpenAiCompatibleEmbedder.Builder builder() {
        return OpenAiCompatibleEmbedder.builder("http://127.0.0.1:" + server.port() + "/v1", "test-embed")
                .retryDelay(Duration.ZERO).timeout(Duration.ofSeconds(5));
    }

    private static String vectors(String... items) {
        StringBuilder sb = new StringBuilder("{\"object\":\"list\",\"data\":[");
        for (int i = 0; i < items.length; i++) {
            sb.append(i == 0 ? "" : ",").append("{\"object\":\"embedding\",\"index\":").append(i)
                    .append(",\"embedding\":").append(items[i]).append('}');
        }
        return sb.append("],\"model\":\"test-embed\"}").toString();
    }

    @Test
    void sendsTheModelTheTextsAndTheKeyAndReadsVectorsByIndex() {
        server.stubFor(post("/v1/embeddings").willReturn(aResponse().withStatus(200).withBody(
                "{\"data\":[{\"index\":1,\"embedding\":[0.0,1.0]},{\"index\":0,\"embedding\":[1.0,0.5]}]}")));
        List<float[]> out = builder().apiKey("sk-test").build().embed(List.of("first", "second"));
        assertThat(out).hasSize(2);
        assertThat(out.get(0)).containsExactly(1.0f, 0.5f);
        assertThat(out.get(1)).containsExactly(0.0f, 1.0f);
        server.verify(postRequestedFor(urlEqualTo("/v1/embeddings"))
                .withHeader("Authorization", equalTo("Bearer sk-test"))
                .withRequestBody(equalToJson("{\"model\":\"test-embed\",\"input\":[\"first\",\"second\"],"
                        + "\"encoding_format\":\"float\"}")));
    }

    @Test
    void splitsLargeInputsIntoBatches() {
        server.stubFor(post("/v1/embeddings").withRequestBody(matchingJsonPath("$.input.length()", equalTo("2")))
                .willReturn(aResponse().withBody(vectors("[1,0]", "[0,1]"))));
        server.stubFor(post("/v1/embeddings").withRequestBody(matchingJsonPath("$.input.length()", equalTo("1")))
                .willReturn(aResponse().withBody(vectors("[1,1]"))));
        List<float[]> out = builder().batchSize(2).build().embed(List.of("a", "b", "c", "d", "e"));
        assertThat(out).hasSize(5);
        assertThat(out.get(4)).containsExactly(1f, 1f);
        server.verify(3, postRequestedFor(urlEqualTo("/v1/embeddings")));
    }

    @Test
    void retriesOverloadAndBrokenConnectionsThenSucceeds() {
        server.stubFor(post("/v1/embeddings").inScenario("flaky").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "0")
                        .withBody("{\"error\":{\"message\":\"rate limited\"}}"))
                .willSetStateTo("reset"));
        server.stubFor(post("/v1/embeddings").inScenario("flaky").whenScenarioStateIs("reset")
                .willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)).willSetStateTo("ok"));
        server.stubFor(post("/v1/embeddings").inScenario("flaky").whenScenarioStateIs("ok")
                .willReturn(aResponse().withBody(vectors("[3,4]"))));
        assertThat(builder().build().embed(List.of("x")).get(0)).containsExactly(3f, 4f);
        server.verify(3, postRequestedFor(urlEqualTo("/v1/embeddings")));
    }

    @Test
    void aSearchQueryGetsOneAttemptWithinTheQueryTimeout() {
        server.stubFor(post("/v1/embeddings").willReturn(aResponse().withStatus(503)
                .withBody("{\"error\":{\"message\":\"model is loading\"}}")));
        OpenAiCompatibleEmbedder embedder = builder().maxAttempts(3).build();
        assertThatThrownBy(() -> embedder.embedQuery("is there a warranty?"))
                .isInstanceOf(EmbeddingException.class)
                .hasMessageContaining("503").hasMessageContaining("attempt 1 of 1");
        server.verify(1, postRequestedFor(urlEqualTo("/v1/embeddings")));

        server.resetAll();
        server.stubFor(post("/v1/embeddings").willReturn(aResponse().withBody(vectors("[0.6,0.8]"))
                .withFixedDelay(3_000)));
        OpenAiCompatibleEmbedder impatient = builder().queryTimeout(Duration.ofMillis(500)).build();
        assertThatThrownBy(() -> impatient.embedQuery("is there a warranty?"))
                .isInstanceOf(EmbeddingException.class).hasMessageContaining("did not answer within 500 ms");
    }

    @Test
    void aSearchQueryVectorIsReadAsPassagesAreAndChecksTheConfiguredDimensions() {
        server.stubFor(post("/v1/embeddings").willReturn(aResponse().withBody(vectors("[0.6,0.8]"))));
        assertThat(builder().build().embedQuery("is there a warranty?")).containsExactly(0.6f, 0.8f);
        server.verify(postRequestedFor(urlEqualTo("/v1/embeddings"))
                .withRequestBody(equalToJson("{\"model\":\"test-embed\",\"input\":[\"is there a warranty?\"],"
                        + "\"encoding_format\":\"float\"}")));
        assertThatThrownBy(() -> builder().dimensions(3).build().embedQuery("x"))
                .isInstanceOf(EmbeddingException.class).hasMessageContaining("2 dimensions").hasMessageContaining("3");
    }

    @Test
    void givesUpAfterTheAttemptsWithTheProvidersMessage() {
        server.stubFor(post("/v1/embeddings").willReturn(aResponse().withStatus(503)
                .withBody("{\"error\":{\"message\":\"model is loading\"}}")));
        assertThatThrownBy(() -> builder().maxAttempts(2).build().embed(List.of("x")))
                .isInstanceOf(EmbeddingException.class)
                .hasMessageContaining("503").hasMessageContaining("model is loading").hasMessageContaining("attempt 2 of 2");
        server.verify(2, postRequestedFor(urlEqualTo("/v1/embeddings")));
    }

    @Test
    void aRefusedKeyFailsAtOnceAndNeverShowsTheKey() {
        server.stubFor(post("/v1/embeddings").willReturn(aResponse().withStatus(401)
                .withBody("{\"error\":{\"message\":\"Incorrect API key provided\"}}")));
        OpenAiCompatibleEmbedder embedder = builder().apiKey("sk-secret-123").build();
        assertThatThrownBy(() -> embedder.embed(List.of("x")))
                .isInstanceOf(EmbeddingException.class)
                .hasMessageContaining("401").hasMessageContaining("check the API key")
                .hasMessageNotContaining("sk-secret-123");
        assertThat(embedder.toString()).doesNotContain("sk-secret-123");
        server.verify(1, postRequestedFor(urlEqualTo("/v1/embeddings")));
    }

    @Test
    void aDimensionMismatchIsAClearError() {
        server.stubFor(post("/v1/embeddings").willReturn(aResponse().withBody(vectors("[1,0,0]", "[1,0]"))));
        assertThatThrownBy(() -> builder().build().embed(List.of("a", "b")))
                .isInstanceOf(EmbeddingException.class)
                .hasMessageContaining("2 dimensions").hasMessageContaining("3 were expected");
        server.stubFor(post("/v1/embeddings").willReturn(aResponse().withBody(vectors("[1,0,0]"))));
        assertThatThrownBy(() -> builder().dimensions(256).build().embed(List.of("a")))
                .isInstanceOf(EmbeddingException.class)
                .hasMessageContaining("3 dimensions").hasMessageContaining("256 were expected");
        server.verify(postRequestedFor(urlEqualTo("/v1/embeddings"))
                .withRequestBody(matchingJsonPath("$.dimensions", equalTo("256"))));
    }

    @Test
    void aWrongCountOrNotJsonIsAClearError() {
        server.stubFor(post("/v1/embeddings").willReturn(aResponse().withBody(vectors("[1,0]"))));
        assertThatThrownBy(() -> builder().build().embed(List.of("a", "b")))
                .isInstanceOf(EmbeddingException.class).hasMessageContaining("1 vectors for 2 texts");
        server.stubFor(post("/v1/embeddings").willReturn(aResponse().withBody("<html>hello</html>")));
        assertThatThrownBy(() -> builder().build().embed(List.of("a")))
                .isInstanceOf(EmbeddingException.class).hasMessageContaining("not JSON").hasMessageContaining("/v1");
    }

    @Test
    void aServerThatStallsTimesOutOnEveryAttempt() {
        server.stubFor(post("/v1/embeddings").willReturn(aResponse().withBody(vectors("[1]")).withFixedDelay(2_000)));
        assertThatThrownBy(() -> builder().timeout(Duration.ofMillis(200)).maxAttempts(2).build().embed(List.of("a")))
                .isInstanceOf(EmbeddingException.class).hasMessageContaining("did not answer within 200 ms");
    }

    @Test
    void refusesAnUnusableConfiguration() {
        assertThatThrownBy(() -> OpenAiCompatibleEmbedder.builder("localhost:11434", " ").batchSize(0)
                .timeout(Duration.ZERO).queryTimeout(Duration.ofSeconds(-1)).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("baseUrl must be an http:// or https:// URL")
                .hasMessageContaining("model must not be blank")
                .hasMessageContaining("batchSize must be between 1 and 2048")
                .hasMessageContaining("timeout must be a positive duration")
                .hasMessageContaining("queryTimeout must be a positive duration");
    }
}
