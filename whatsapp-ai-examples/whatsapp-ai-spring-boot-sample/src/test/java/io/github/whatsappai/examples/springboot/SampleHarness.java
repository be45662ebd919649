package io.github.whatsappai.examples.springboot;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.github.whatsappai.testing.SignedWebhooks;
import io.github.whatsappai.testing.WebhookPayloads;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.BooleanSupplier;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

/**
 * The sample application as the README runs it: settings from the environment variables the build
 * sets (META_*, a 50 ms quiet window, the Graph API at a local WireMock stand-in), one Spring context
 * per test class, real HTTP on 127.0.0.1.
 */
final class SampleHarness implements AutoCloseable {

    static final String APP_SECRET = System.getenv("META_APP_SECRET");
    static final String VERIFY_TOKEN = System.getenv("META_WEBHOOK_VERIFY_TOKEN");

    final WireMockServer graph;
    final ConfigurableApplicationContext app;
    final URI base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    SampleHarness(String... properties) {
        graph = new WireMockServer(options().bindAddress("127.0.0.1")
                .port(Integer.parseInt(System.getenv("GRAPH_STAND_IN_PORT"))));
        graph.start();
        graph.stubFor(WireMock.post(urlPathMatching("/v[0-9.]+/[0-9]+/messages"))
                .willReturn(okJson("{\"messaging_product\":\"whatsapp\",\"messages\":[{\"id\":\"wamid.sample\"}]}")));
        graph.stubFor(WireMock.post(urlPathMatching("/v[0-9.]+/[0-9]+/messages"))
                .withRequestBody(containing("\"status\":\"read\""))
                .willReturn(okJson("{\"success\":true}")));
        String[] all = new String[properties.length + 2];
        all[0] = "server.port=0";
        all[1] = "server.address=127.0.0.1";
        System.arraycopy(properties, 0, all, 2, properties.length);
        app = new SpringApplicationBuilder(SampleApplication.class).properties(all).run();
        base = URI.create("http://127.0.0.1:" + app.getEnvironment().getProperty("local.server.port"));
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> handshake(String challenge) throws IOException, InterruptedException {
        return get(SignedWebhooks.PATH + "?hub.mode=subscribe&hub.verify_token=" + VERIFY_TOKEN
                + "&hub.challenge=" + challenge);
    }

    /** A text message from the default sender, timestamped now (older ones are dropped as stale). */
    static byte[] textMessage(String text) {
        return WebhookPayloads.text(text).timestamp(Instant.now()).toBytes();
    }

    HttpResponse<String> post(byte[] body, String signature) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(SignedWebhooks.PATH))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (signature != null) {
            request.header("X-Hub-Signature-256", signature);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> signedPost(byte[] body) throws IOException, InterruptedException {
        return post(body, SignedWebhooks.signature(body, APP_SECRET));
    }

    /** The text replies the Graph API stand-in received (read receipts left out). */
    List<String> sentTexts() {
        return graph.findAll(postRequestedFor(urlPathMatching(".*/messages"))).stream()
                .map(LoggedRequest::getBodyAsString)
                .filter(body -> !body.contains("\"status\":\"read\""))
                .toList();
    }

    /** Polls {@code condition} (the reply travels through the worker pool and real HTTP); 10 s at most. */
    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    @Override
    public void close() {
        try {
            app.close();
        } finally {
            graph.stop();
        }
    }
}
