package io.github.whatsappai.internal.http;

import com.github.tomakehurst.wiremock.WireMockServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CappedBodyTest {

    private static WireMockServer wm;
    /** HTTP/1.1: over HTTP/2 the JDK may report the cancelled stream instead (see {@link CappedBody#refusal()}). */
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() {
        wm = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"));
        wm.start();
    }

    @AfterAll
    static void stop() {
        wm.stop();
    }

    /** A subscription that records what the subscriber asked for. */
    private static final class Recording implements Flow.Subscription {
        long requested;
        boolean cancelled;

        @Override
        public void request(long n) {
            requested += n;
        }

        @Override
        public void cancel() {
            cancelled = true;
        }
    }

    private static List<ByteBuffer> bytes(int n) {
        return List.of(ByteBuffer.wrap(new byte[n]));
    }

    @Test
    void collectsABodyUpToTheCapInclusive() throws Exception {
        CappedBody body = new CappedBody(10, -1, size -> new BodyTooLargeException(10, size));
        Recording s = new Recording();
        body.onSubscribe(s);
        body.onNext(List.of(ByteBuffer.wrap("hello".getBytes()), ByteBuffer.wrap("world".getBytes())));
        body.onComplete();
        assertThat(new String(body.getBody().toCompletableFuture().get())).isEqualTo("helloworld");
        assertThat(s.requested).isPositive();
        assertThat(s.cancelled).isFalse();
        assertThat(body.refusal()).isEmpty();
    }

    @Test
    void cancelsAsSoonAsTheReceivedBytesPassTheCap() {
        CappedBody body = new CappedBody(10, -1, size -> new BodyTooLargeException(10, size));
        Recording s = new Recording();
        body.onSubscribe(s);
        body.onNext(bytes(6));
        body.onNext(bytes(5));
        body.onNext(bytes(100));
        assertThat(s.cancelled).isTrue();
        assertThat(body.refusal()).get().isInstanceOfSatisfying(BodyTooLargeException.class, e -> {
            assertThat(e.cap()).isEqualTo(10);
            assertThat(e.size()).as("bytes seen when the cap was passed").isEqualTo(11);
            assertThat(e).hasMessage("response body larger than 10 bytes");
        });
        assertThatThrownBy(() -> body.getBody().toCompletableFuture().get())
                .hasCauseInstanceOf(BodyTooLargeException.class);
    }

    @Test
    void refusesAnAnnouncedContentLengthAboveTheCapBeforeReading() {
        CappedBody body = new CappedBody(10, 11, size -> new IllegalStateException("too big: " + size));
        Recording s = new Recording();
        body.onSubscribe(s);
        assertThat(s.requested).as("nothing read").isZero();
        assertThat(s.cancelled).isTrue();
        assertThat(body.refusal()).get().asString().contains("too big: 11");
    }

    @Test
    void abortFailsTheBodyWithTheReasonAndStopsTheTransfer() {
        CappedBody body = new CappedBody(10, -1, size -> new BodyTooLargeException(10, size));
        Recording s = new Recording();
        body.onSubscribe(s);
        body.abort(new IllegalStateException("timed out"));
        assertThat(s.cancelled).isTrue();
        assertThat(body.refusal()).as("an abort is not a refusal").isEmpty();
        assertThatThrownBy(() -> body.getBody().toCompletableFuture().get()).hasMessageContaining("timed out");
    }

    @Test
    void rejectsANegativeCap() {
        assertThatThrownBy(() -> new CappedBody(-1, -1, size -> new BodyTooLargeException(0, size)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void overRealHttpSmallBodiesPassAndLargeOnesFailWithTheCallersException() throws Exception {
        wm.stubFor(get("/small").willReturn(aResponse().withStatus(200).withBody("0123456789")));
        wm.stubFor(get("/large").willReturn(aResponse().withStatus(200).withBody("x".repeat(5000))));
        wm.stubFor(get("/chunked").willReturn(aResponse().withStatus(200)
                .withHeader("Transfer-Encoding", "chunked").withBody("y".repeat(5000))));

        assertThat(send("/small", CappedBody.handler(10)).get(10, TimeUnit.SECONDS)).hasSize(10);

        assertThatThrownBy(() -> send("/large", CappedBody.handler(100)).get(10, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause().isInstanceOfSatisfying(BodyTooLargeException.class,
                        e -> assertThat(e.size()).as("the announced length").isEqualTo(5000));

        assertThatThrownBy(() -> send("/chunked",
                CappedBody.handler(100, size -> new IllegalStateException("media of " + size + "+ bytes")))
                .get(10, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(IllegalStateException.class).hasMessageStartingWith("media of ");
    }

    @Test
    void overHttp2ARefusalIsReportedAsTheRefusalNotAsTheCancelledStream() throws Exception {
        wm.stubFor(get("/large2").willReturn(aResponse().withStatus(200).withBody("z".repeat(5000))));
        HttpClient http2 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
        for (int i = 0; i < 20; i++) {
            HttpRequest request = HttpRequest.newBuilder(URI.create(wm.baseUrl() + "/large2")).GET().build();
            CappedBody.Handler handler = CappedBody.handler(100, size -> new IllegalStateException("too large: " + size));
            assertThatThrownBy(() -> CappedBody.send(http2, request, handler).get(10, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(IllegalStateException.class).hasMessageStartingWith("too large: ");
        }
    }

    private static CompletableFuture<byte[]> send(String path,
                                                  java.net.http.HttpResponse.BodyHandler<byte[]> handler) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(wm.baseUrl() + path)).GET().build();
        return HTTP.sendAsync(request, handler).thenApply(java.net.http.HttpResponse::body);
    }
}
