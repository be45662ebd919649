package io.github.whatsappai.servlet;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.github.whatsappai.WhatsAppAi;
import io.github.whatsappai.WhatsAppAiConfig;
import io.github.whatsappai.event.Event;
import io.github.whatsappai.testing.WebhookPayloads;
import io.github.whatsappai.webhook.WebhookRequest;
import io.github.whatsappai.webhook.model.TextContent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import static io.github.whatsappai.testing.SignedWebhooks.signature;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The servlet's behaviour over real HTTP in a real container. Each subclass starts one container on
 * 127.0.0.1 with an ephemeral port; every test runs against both.
 */
abstract class WebhookServletContainerTest {

    static final String SECRET = "test_app_secret_do_not_use";
    static final String VERIFY_TOKEN = "verify-token-for-tests";
    static final String PATH = "/webhook/whatsapp";
    /** The signature of {@code wa_webhook_text.json} (docs/whatsapp-protocol-notes.md, "Signatures"). */
    static final String TEXT_VECTOR_SIGNATURE =
            "sha256=ebadc28e2f9da0a1e030919b37836db322328331f57c99058236e7577326133c";
    /** What a re-serialising receiver would compute (same section): must not be accepted. */
    static final String RESERIALISED_SIGNATURE =
            "sha256=cfd8aa0d52197897869f3246a9fc5ea19726b30826f69d4c2d9fcba4b67105b1";
    static final long T0 = WebhookPayloads.DEFAULT_TIMESTAMP;
    /** A second number we serve, so that batches span several changes. */
    static final String SECOND_PHONE_NUMBER_ID = "100000000000009";
    static final Clock CLOCK = Clock.fixed(Instant.ofEpochSecond(T0 + 60), ZoneOffset.UTC);
    /** The cap the tests deploy with (init-param), small enough to exceed quickly. */
    static final int CAP = 256 * 1024;
    /** Request threads of the container in the starvation test. */
    static final int SMALL_POOL = 4;
    /** How long a probe may wait behind stuck threads before the starvation test fails. */
    static final Duration PROBE_TIMEOUT = Duration.ofSeconds(10);

    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();

    /** Threads the container may use to serve requests; 0 for its default. */
    protected int maxThreads;
    protected RecordingInboundHandler handler;
    protected ConcurrentLinkedQueue<Event> events;
    protected WhatsAppAi ai;
    protected URI base;

    /** Starts the container with {@code deployments} and returns its base URI ({@code http://127.0.0.1:port}). */
    protected abstract URI start(List<Deployment> deployments) throws Exception;

    /** Stops the container, destroying its servlets. */
    protected abstract void stop() throws Exception;

    /**
     * Whether the container's {@code ServletInputStream.available()} counts a body that has arrived
     * with its head before it is read, so the adapter can read it without starting async processing.
     */
    protected abstract boolean countsAnArrivedBodyAsAvailable();

    static WhatsAppAiConfig config() {
        return WhatsAppAiConfig.builder()
                .appSecrets(SECRET)
                .verifyToken(VERIFY_TOKEN)
                .phoneNumberIds(WebhookPayloads.DEFAULT_PHONE_NUMBER_ID, SECOND_PHONE_NUMBER_ID)
                .businessAccountIds(WebhookPayloads.DEFAULT_WABA_ID)
                .rateLimitPerMinute(100_000)
                .build();
    }

    @BeforeEach
    void startContainer() throws Exception {
        handler = new RecordingInboundHandler();
        events = new ConcurrentLinkedQueue<>();
        ai = WhatsAppAi.builder().config(config()).inboundHandler(handler).eventListener(events::add)
                .clock(CLOCK).build();
        base = start(List.of(Deployment.instance("whatsapp-webhook", PATH, new WhatsAppWebhookServlet(ai),
                Map.of(WhatsAppWebhookServlet.MAX_BODY_BYTES_PARAM, Integer.toString(CAP)))));
    }

    @AfterEach
    void stopContainer() throws Exception {
        stop();
        ai.close();
        maxThreads = 0;
    }

    // ---- handshake ----

    @Test
    void handshakeWithTheRightTokenEchoesTheChallengeVerbatimAsPlainText() throws Exception {
        HttpResponse<byte[]> response = get("?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token="
                + VERIFY_TOKEN);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(new String(response.body(), StandardCharsets.UTF_8)).isEqualTo("1158201444");
        assertThat(response.headers().firstValue("Content-Type")).get().asString().startsWith("text/plain");
    }

    @Test
    void handshakeChallengeIsNotParsedAsANumber() throws Exception {
        HttpResponse<byte[]> response = get("?hub.verify_token=" + VERIFY_TOKEN
                + "&hub.challenge=00012%2Bab-C_x&hub.mode=subscribe");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(new String(response.body(), StandardCharsets.UTF_8)).isEqualTo("00012+ab-C_x");
    }

    @Test
    void handshakeWithAWrongTokenIsRefused() throws Exception {
        HttpResponse<byte[]> response = get("?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=guess");

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(new String(response.body(), StandardCharsets.UTF_8)).doesNotContain("1158201444");
        assertThat(events).hasAtLeastOneElementOfType(Event.HandshakeRejected.class)
                .doesNotHaveAnyElementsOfTypes(Event.HandshakeAccepted.class);
    }

    @Test
    void handshakeWithoutSubscribeModeIsRefused() throws Exception {
        HttpResponse<byte[]> response = get("?hub.mode=unsubscribe&hub.challenge=1158201444&hub.verify_token="
                + VERIFY_TOKEN);

        assertThat(response.statusCode()).isEqualTo(403);
    }

    // ---- signatures ----

    @Test
    void metaWireExactBodyWithTheReferenceSignatureIsAcceptedAndHandedOn() throws Exception {
        byte[] body = resource("wa_webhook_text.json");
        assertThat(signature(body, SECRET)).isEqualTo(TEXT_VECTOR_SIGNATURE);

        HttpResponse<byte[]> response = post(body, TEXT_VECTOR_SIGNATURE);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(handler.messages()).singleElement().satisfies(m -> {
            assertThat(m.id()).isEqualTo("wamid.HBgLMTU1NTU1NTAxMjMVAgASGBRJTi1URVhULTAwMDEwMDAwMDAwMAA=");
            assertThat(m.sender().waId()).isEqualTo("15555550123");
            assertThat(((TextContent) m.content()).body())
                    .isEqualTo("Hi! Do you deliver on Sundays? \uD83D\uDE42 Pre\u00e7o em caf\u00e9? 50% off/promo @store <3");
        });
    }

    @Test
    void signatureOverReserialisedJsonIsRejected() throws Exception {
        HttpResponse<byte[]> response = post(resource("wa_webhook_text.json"), RESERIALISED_SIGNATURE);

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(handler.messages()).isEmpty();
    }

    @Test
    void forgedSignatureIsRejectedAndNothingIsHandedOn() throws Exception {
        byte[] body = resource("wa_webhook_text.json");

        assertThat(post(body, signature(body, "not-the-app-secret")).statusCode()).isEqualTo(401);
        byte[] tampered = new String(body, StandardCharsets.US_ASCII).replace("Sundays", "Mondays")
                .getBytes(StandardCharsets.US_ASCII);
        assertThat(post(tampered, TEXT_VECTOR_SIGNATURE).statusCode()).isEqualTo(401);
        assertThat(handler.messages()).isEmpty();
        assertThat(events).filteredOn(Event.SignatureRejected.class::isInstance).hasSize(2);
    }

    @Test
    void unsignedDeliveryIsRejected() throws Exception {
        HttpResponse<byte[]> response = post(resource("wa_webhook_text.json"), null);

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(handler.messages()).isEmpty();
    }

    @Test
    void rawUtf8BodyIsVerifiedOverItsBytesWhateverTheDeclaredCharset() throws Exception {
        String text = "Ol\u00e1, caf\u00e9 \u00e0s 9h? \uD83D\uDE42 \u65e5\u672c / https://example.com/x";
        // The kit writes Meta's escaped form; this body carries the text as raw UTF-8 bytes instead.
        byte[] body = WebhookPayloads.text("RAW_TEXT").wamid("wamid.RAW-UTF8-1").toJson().replace("RAW_TEXT", text)
                .getBytes(StandardCharsets.UTF_8);
        assertThat(body).contains((byte) 0xF0);

        HttpResponse<byte[]> response = HTTP.send(HttpRequest.newBuilder(base.resolve(PATH))
                .header("Content-Type", "application/json; charset=ISO-8859-1")
                .header("X-Hub-Signature-256", signature(body, SECRET))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofByteArray());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(handler.messages()).singleElement()
                .satisfies(m -> assertThat(((TextContent) m.content()).body()).isEqualTo(text));
    }

    @Test
    void signedBodyThatIsNotJsonIsAcknowledgedButNotProcessed() throws Exception {
        byte[] body = "{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":".getBytes(StandardCharsets.UTF_8);

        HttpResponse<byte[]> response = post(body, signature(body, SECRET));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(handler.messages()).isEmpty();
        assertThat(events).hasAtLeastOneElementOfType(Event.PayloadRejected.class);
    }

    // ---- size cap ----

    @Test
    void bodyOfExactlyTheCapIsAccepted() throws Exception {
        byte[] body = padTo(textDelivery("wamid.AT-CAP-1"), CAP);

        HttpResponse<byte[]> response = post(body, signature(body, SECRET));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(handler.ids()).containsExactly("wamid.AT-CAP-1");
    }

    @Test
    void chunkedBodyOfExactlyTheCapIsAccepted() throws Exception {
        byte[] body = padTo(textDelivery("wamid.AT-CAP-CHUNKED-1"), CAP);

        HttpResponse<byte[]> response = HTTP.send(HttpRequest.newBuilder(base.resolve(PATH))
                .header("Content-Type", "application/json")
                .header("X-Hub-Signature-256", signature(body, SECRET))
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))).build(),
                HttpResponse.BodyHandlers.ofByteArray());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(handler.ids()).containsExactly("wamid.AT-CAP-CHUNKED-1");
    }

    @Test
    void bodyOneByteOverTheCapIsRefusedWithBothFramings() throws Exception {
        byte[] body = padTo(textDelivery("wamid.OVER-CAP-1"), CAP + 1);

        HttpResponse<byte[]> withLength = post(body, signature(body, SECRET));
        HttpResponse<byte[]> chunked = HTTP.send(HttpRequest.newBuilder(base.resolve(PATH))
                .header("Content-Type", "application/json")
                .header("X-Hub-Signature-256", signature(body, SECRET))
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))).build(),
                HttpResponse.BodyHandlers.ofByteArray());

        assertThat(withLength.statusCode()).isEqualTo(413);
        assertThat(chunked.statusCode()).isEqualTo(413);
        assertThat(handler.messages()).isEmpty();
    }

    @Test
    void declaredLengthAboveTheCapIsRefusedBeforeTheBodyIsSent() throws Exception {
        // Only the head is sent: a server that tried to read the body would wait instead of answering.
        String head = "POST " + PATH + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                + "X-Hub-Signature-256: sha256=" + "0".repeat(64) + "\r\nContent-Length: " + (CAP + 1) + "\r\n\r\n";

        String response = rawExchange(head.getBytes(StandardCharsets.US_ASCII));

        assertThat(response).startsWith("HTTP/1.1 413");
        assertThat(handler.messages()).isEmpty();
        assertThat(events).filteredOn(Event.RequestRejected.class::isInstance).map(Event.RequestRejected.class::cast)
                .singleElement().satisfies(e -> {
                    assertThat(e.status()).isEqualTo(413);
                    assertThat(e.reason()).contains(Integer.toString(CAP + 1), Integer.toString(CAP));
                });
    }

    @Test
    void chunkedBodyIsRefusedOnceItPassesTheCap() throws Exception {
        // One chunk of cap + 1 bytes and no terminating chunk: the server must stop at the cap by itself.
        byte[] chunk = new byte[CAP + 1];
        Arrays.fill(chunk, (byte) ' ');
        ByteArrayOutputStream request = new ByteArrayOutputStream();
        request.writeBytes(("POST " + PATH + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                + "X-Hub-Signature-256: " + signature(chunk, SECRET) + "\r\nTransfer-Encoding: chunked\r\n\r\n"
                + Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        request.writeBytes(chunk);
        request.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));

        String response = rawExchange(request.toByteArray());

        assertThat(response).startsWith("HTTP/1.1 413");
        assertThat(handler.messages()).isEmpty();
        assertThat(events).filteredOn(Event.RequestRejected.class::isInstance).map(Event.RequestRejected.class::cast)
                .singleElement().satisfies(e -> assertThat(e.status()).isEqualTo(413));
    }

    @Test
    void aHugeChunkIsRefusedAtTheCapWithoutWaitingForTheRest() throws Exception {
        // The chunk announces 64 MiB; only cap + 1 bytes are sent and the connection stays open. A server
        // that read to the end of the body would never answer.
        byte[] part = new byte[CAP + 1];
        Arrays.fill(part, (byte) ' ');
        ByteArrayOutputStream request = new ByteArrayOutputStream();
        request.writeBytes(("POST " + PATH + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                + "X-Hub-Signature-256: sha256=" + "0".repeat(64) + "\r\nTransfer-Encoding: chunked\r\n\r\n"
                + Integer.toHexString(64 << 20) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        request.writeBytes(part);

        String response = rawExchange(request.toByteArray());

        assertThat(response).startsWith("HTTP/1.1 413");
        assertThat(handler.messages()).isEmpty();
        assertThat(events).filteredOn(Event.RequestRejected.class::isInstance).map(Event.RequestRejected.class::cast)
                .singleElement().satisfies(e -> assertThat(e.status()).isEqualTo(413));
    }

    // ---- delivery semantics ----

    @Test
    void everyMessageOfABatchedDeliveryIsHandedOn() throws Exception {
        WebhookPayloads.Batch batch = WebhookPayloads.batch();
        List<String> wamids = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            String wamid = "wamid.BATCH-" + i;
            wamids.add(wamid);
            batch.add(WebhookPayloads.text("message " + i + " caf\u00e9 \uD83D\uDE42").wamid(wamid)
                    .from("1555555" + String.format("%04d", i % 37)).userId(null)
                    .phoneNumberId(i % 3 == 0 ? SECOND_PHONE_NUMBER_ID : WebhookPayloads.DEFAULT_PHONE_NUMBER_ID)
                    .timestamp(T0 + i % 50));
        }
        byte[] body = batch.toBytes();
        assertThat(body.length).isLessThan(CAP);

        HttpResponse<byte[]> response = post(body, signature(body, SECRET));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(handler.ids()).containsExactlyInAnyOrderElementsOf(wamids);
    }

    @Test
    void aRedeliveryIsAcknowledgedButHandedOnOnce() throws Exception {
        byte[] body = resource("wa_webhook_text.json");

        assertThat(post(body, TEXT_VECTOR_SIGNATURE).statusCode()).isEqualTo(200);
        assertThat(post(body, TEXT_VECTOR_SIGNATURE).statusCode()).isEqualTo(200);

        assertThat(handler.messages()).hasSize(1);
    }

    @Test
    void concurrentDeliveriesAreEachHandedOnExactlyOnce() throws Exception {
        int threads = 8;
        int perThread = 50;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<List<Integer>>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                results.add(pool.submit(() -> {
                    List<Integer> statuses = new ArrayList<>();
                    for (int i = 0; i < perThread; i++) {
                        byte[] body = textDelivery("wamid.CONC-" + thread + "-" + i);
                        statuses.add(post(body, signature(body, SECRET)).statusCode());
                    }
                    return statuses;
                }));
            }
            for (Future<List<Integer>> result : results) {
                assertThat(result.get()).hasSize(perThread).containsOnly(200);
            }
        } finally {
            pool.shutdownNow();
        }
        List<String> ids = handler.ids();
        assertThat(ids).hasSize(threads * perThread).doesNotHaveDuplicates();
        assertThat(ids).contains("wamid.CONC-0-0", "wamid.CONC-7-49");
    }

    @Test
    void otherMethodsAreNotAllowed() throws Exception {
        for (String method : List.of("PUT", "DELETE", "PATCH")) {
            HttpResponse<byte[]> response = HTTP.send(HttpRequest.newBuilder(base.resolve(PATH))
                    .method(method, HttpRequest.BodyPublishers.ofString("{}")).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertThat(response.statusCode()).as(method).isEqualTo(405);
            assertThat(response.headers().firstValue("Allow")).as(method).hasValue("GET, POST");
        }
        assertThat(handler.messages()).isEmpty();
    }

    // ---- web.xml style ----

    @Test
    void noArgumentServletCreatesItsInstanceThroughTheFactoryAndClosesIt() throws Exception {
        stop();
        RecordingWhatsAppAiFactory.reset();
        base = start(List.of(Deployment.byClassName("from-web-xml", PATH, WhatsAppWebhookServlet.class,
                Map.of(WhatsAppWebhookServlet.FACTORY_PARAM, RecordingWhatsAppAiFactory.class.getName()))));
        assertThat(RecordingWhatsAppAiFactory.created()).hasSize(1);

        HttpResponse<byte[]> handshake = get("?hub.mode=subscribe&hub.challenge=42&hub.verify_token=" + VERIFY_TOKEN);
        byte[] body = resource("wa_webhook_text.json");
        HttpResponse<byte[]> delivery = post(body, TEXT_VECTOR_SIGNATURE);

        assertThat(handshake.statusCode()).isEqualTo(200);
        assertThat(new String(handshake.body(), StandardCharsets.UTF_8)).isEqualTo("42");
        assertThat(delivery.statusCode()).isEqualTo(200);
        assertThat(RecordingWhatsAppAiFactory.HANDLER.ids())
                .containsExactly("wamid.HBgLMTU1NTU1NTAxMjMVAgASGBRJTi1URVhULTAwMDEwMDAwMDAwMAA=");
        assertThat(handler.messages()).isEmpty();

        stop();
        // destroy() closed the instance the servlet created: a closed instance refuses deliveries with 503
        assertThat(RecordingWhatsAppAiFactory.created().get(0)
                .handle(WebhookRequest.post(PATH, Map.of("X-Hub-Signature-256", TEXT_VECTOR_SIGNATURE), body))
                .status()).isEqualTo(503);
    }

    @Test
    void ownServletCanUseTheAdapter() throws Exception {
        stop();
        base = start(List.of(Deployment.instance("own", "/own", new AdapterEchoServlet(ai), Map.of())));
        byte[] body = resource("wa_webhook_text.json");

        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(base.resolve("/own?a=1&b=x%20y&a=2"))
                .header("X-Hub-Signature-256", TEXT_VECTOR_SIGNATURE)
                .header("X-Multi", "one").header("x-multi", "two")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("status=200 bytes=" + body.length
                + " a=[1, 2] b=[x y] x-multi=[one, two]");
        assertThat(handler.messages()).hasSize(1);
    }

    // ---- slow and broken clients ----

    @Test
    void trickledBodiesHoldNoContainerThread() throws Exception {
        stop();
        maxThreads = SMALL_POOL;
        // a read deadline far beyond the test, so that only non-blocking reading can free the threads
        CountingWebhookServlet servlet = new CountingWebhookServlet(ai, CAP, Duration.ofMinutes(2));
        base = start(List.of(Deployment.instance("whatsapp-webhook", PATH, servlet, Map.of())));
        byte[] trickled = textDelivery("wamid.TRICKLED-1");
        try (Tricklers tricklers = new Tricklers(base, 4 * SMALL_POOL, trickled, signature(trickled, SECRET))) {
            // every container thread could now be stuck in a trickled body
            awaitTrue(() -> servlet.entered() >= SMALL_POOL, "the trickled requests reached the servlet");

            byte[] body = textDelivery("wamid.PROBE-1");
            HttpResponse<byte[]> delivery = HTTP.send(HttpRequest.newBuilder(base.resolve(PATH))
                    .timeout(PROBE_TIMEOUT)
                    .header("Content-Type", "application/json")
                    .header("X-Hub-Signature-256", signature(body, SECRET))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            HttpResponse<byte[]> handshake = HTTP.send(HttpRequest.newBuilder(URI.create(base + PATH
                    + "?hub.mode=subscribe&hub.challenge=77&hub.verify_token=" + VERIFY_TOKEN)).timeout(PROBE_TIMEOUT)
                    .GET().build(), HttpResponse.BodyHandlers.ofByteArray());

            assertThat(delivery.statusCode()).isEqualTo(200);
            assertThat(handshake.statusCode()).isEqualTo(200);
            assertThat(new String(handshake.body(), StandardCharsets.UTF_8)).isEqualTo("77");
            assertThat(handler.ids()).containsExactly("wamid.PROBE-1");
            assertThat(tricklers.stillSending()).isTrue();
        }
    }

    @Test
    void aBodyTrickledByteByByteIsVerifiedOverItsExactBytes() throws Exception {
        byte[] body = textDelivery("wamid.BYTEWISE-1");

        String response = trickleExchange(head(body.length, signature(body, SECRET)), body, 1);

        assertThat(response).startsWith("HTTP/1.1 200");
        assertThat(handler.ids()).containsExactly("wamid.BYTEWISE-1");
    }

    @Test
    void aBodyThatHasFullyArrivedIsReadAtOnceWithoutStartingAsyncProcessing() throws Exception {
        AsyncRecordingWebhookServlet servlet = redeployRecordingAsync();
        byte[] body = textDelivery("wamid.WHOLE-1");
        byte[] request = concat(head(body.length, signature(body, SECRET)).getBytes(StandardCharsets.US_ASCII), body);

        try (Socket socket = connect()) {
            socket.getOutputStream().write(request); // one write: head and body arrive together
            socket.getOutputStream().flush();
            assertThat(readHead(socket.getInputStream())).startsWith("HTTP/1.1 200");
        }

        assertThat(servlet.asyncStarted.poll(20, TimeUnit.SECONDS)).as("async processing started")
                .isEqualTo(!countsAnArrivedBodyAsAvailable());
        assertThat(handler.ids()).containsExactly("wamid.WHOLE-1");
    }

    @Test
    void aBodyStillOnItsWayIsReadAsItArrivesWithoutHoldingTheRequestThread() throws Exception {
        AsyncRecordingWebhookServlet servlet = redeployRecordingAsync();
        byte[] body = textDelivery("wamid.HALF-1");
        int half = body.length / 2;

        try (Socket socket = connect()) {
            OutputStream out = socket.getOutputStream();
            out.write(head(body.length, signature(body, SECRET)).getBytes(StandardCharsets.US_ASCII));
            out.write(body, 0, half);
            out.flush();
            // the servlet's thread returns before the rest is sent: the body is read as it arrives
            assertThat(servlet.asyncStarted.poll(20, TimeUnit.SECONDS)).as("async processing started").isTrue();
            assertThat(handler.ids()).isEmpty();
            out.write(body, half, body.length - half);
            out.flush();
            assertThat(readHead(socket.getInputStream())).startsWith("HTTP/1.1 200");
        }

        assertThat(handler.ids()).containsExactly("wamid.HALF-1");
    }

    @Test
    void aBodyInManySmallChunksIsVerifiedOverItsExactBytes() throws Exception {
        byte[] body = new String(textDelivery("wamid.CHUNKS-1"), StandardCharsets.UTF_8)
                .replace("hello", "ol\u00e1 caf\u00e9 \uD83D\uDE42").getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream chunked = new ByteArrayOutputStream();
        for (int at = 0, size = 1; at < body.length; at += size, size = size % 7 + 1) {
            int n = Math.min(size, body.length - at);
            chunked.writeBytes((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            chunked.write(body, at, n);
            chunked.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        chunked.writeBytes("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        String head = "POST " + PATH + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                + "X-Hub-Signature-256: " + signature(body, SECRET) + "\r\nTransfer-Encoding: chunked\r\n\r\n";

        String response = trickleExchange(head, chunked.toByteArray(), 5);

        assertThat(response).startsWith("HTTP/1.1 200");
        assertThat(handler.ids()).containsExactly("wamid.CHUNKS-1");
    }

    @Test
    void aBodyNotCompleteWithinTheReadDeadlineIsAnswered408AndReported() throws Exception {
        stop();
        base = start(List.of(Deployment.instance("whatsapp-webhook", PATH, new WhatsAppWebhookServlet(ai),
                Map.of(WhatsAppWebhookServlet.READ_TIMEOUT_PARAM, "200ms"))));
        byte[] body = textDelivery("wamid.STALLED-1");
        ByteArrayOutputStream request = new ByteArrayOutputStream();
        request.writeBytes(head(body.length, signature(body, SECRET)).getBytes(StandardCharsets.US_ASCII));
        request.write(body, 0, 40);

        String response = rawExchange(request.toByteArray());

        assertThat(response).startsWith("HTTP/1.1 408");
        assertThat(response.toLowerCase(Locale.ROOT)).contains("connection: close");
        assertThat(handler.messages()).isEmpty();
        assertThat(events).filteredOn(Event.RequestRejected.class::isInstance).map(Event.RequestRejected.class::cast)
                .singleElement().satisfies(e -> {
                    assertThat(e.status()).isEqualTo(408);
                    assertThat(e.reason()).contains("200 ms", "40 of " + body.length);
                });
        // the deadline is per request: a delivery sent at once is still accepted
        byte[] next = textDelivery("wamid.AFTER-STALLED-1");
        assertThat(post(next, signature(next, SECRET)).statusCode()).isEqualTo(200);
    }

    @Test
    void aClientThatGoesAwayMidBodyIsHandledWithoutAStackTrace() throws Exception {
        Logger servletLog = (Logger) LoggerFactory.getLogger("io.github.whatsappai.servlet");
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        ListAppender<ILoggingEvent> containerLogged = new ListAppender<>();
        logged.start();
        containerLogged.start();
        Level before = servletLog.getLevel();
        servletLog.setLevel(Level.DEBUG);
        servletLog.setAdditive(false); // captured here, kept off the console
        servletLog.addAppender(logged);
        root.addAppender(containerLogged);
        try {
            byte[] body = textDelivery("wamid.GONE-1");
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(base.getHost(), base.getPort()), 10_000);
                OutputStream out = socket.getOutputStream();
                out.write(head(body.length, signature(body, SECRET)).getBytes(StandardCharsets.US_ASCII));
                out.write(body, 0, body.length / 2);
                out.flush();
            }
            awaitTrue(() -> logged.list.stream()
                            .anyMatch(e -> e.getFormattedMessage().contains("ended before it was complete")),
                    "the servlet noticed the client went away");

            byte[] next = textDelivery("wamid.AFTER-GONE-1");
            assertThat(post(next, signature(next, SECRET)).statusCode()).isEqualTo(200);
            assertThat(handler.ids()).containsExactly("wamid.AFTER-GONE-1");
            assertThat(logged.list)
                    .noneMatch(e -> e.getThrowableProxy() != null || e.getLevel().isGreaterOrEqual(Level.WARN));
            assertThat(containerLogged.list).noneMatch(e -> e.getThrowableProxy() != null);
            assertThat(events).noneMatch(Event.RequestRejected.class::isInstance);
        } finally {
            root.detachAppender(containerLogged);
            servletLog.detachAppender(logged);
            servletLog.setAdditive(true);
            servletLog.setLevel(before);
        }
    }

    @Test
    void aRequestThatIsNotAsyncCapableIsReadOnItsThreadAndWarnsOnce() throws Exception {
        stop();
        base = start(List.of(Deployment.instance("whatsapp-webhook", PATH, new WhatsAppWebhookServlet(ai),
                Map.of(WhatsAppWebhookServlet.MAX_BODY_BYTES_PARAM, Integer.toString(CAP))).withoutAsync()));
        Logger adapterLog = (Logger) LoggerFactory.getLogger(WebhookServletAdapter.class);
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        logged.start();
        adapterLog.setAdditive(false); // captured here, kept off the console
        adapterLog.addAppender(logged);
        try {
            byte[] first = textDelivery("wamid.BLOCKING-1");
            byte[] second = textDelivery("wamid.BLOCKING-2");
            byte[] tooLarge = padTo(textDelivery("wamid.BLOCKING-BIG"), CAP + 1);

            assertThat(post(first, signature(first, SECRET)).statusCode()).isEqualTo(200);
            assertThat(post(second, signature(second, SECRET)).statusCode()).isEqualTo(200);
            assertThat(post(tooLarge, signature(tooLarge, SECRET)).statusCode()).isEqualTo(413);

            assertThat(handler.ids()).containsExactly("wamid.BLOCKING-1", "wamid.BLOCKING-2");
            assertThat(logged.list).filteredOn(e -> e.getLevel() == Level.WARN).singleElement()
                    .satisfies(e -> assertThat(e.getFormattedMessage()).contains("asyncSupported",
                            "setAsyncSupported(true)", "<async-supported>true</async-supported>"));
            assertThat(events).filteredOn(Event.RequestRejected.class::isInstance)
                    .map(e -> ((Event.RequestRejected) e).status()).containsExactly(413);
        } finally {
            adapterLog.detachAppender(logged);
            adapterLog.setAdditive(true);
        }
    }

    // ---- helpers ----

    /** The head of a signed POST with a declared length. */
    static String head(int contentLength, String signature) {
        return "POST " + PATH + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                + "X-Hub-Signature-256: " + signature + "\r\nContent-Length: " + contentLength + "\r\n\r\n";
    }

    /**
     * Writes {@code head}, then {@code body} in pieces of {@code piece} bytes, each flushed on its own
     * with Nagle's algorithm off, and returns the status line and headers of the answer.
     */
    String trickleExchange(String head, byte[] body, int piece) throws IOException {
        try (Socket socket = new Socket()) {
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(base.getHost(), base.getPort()), 10_000);
            socket.setSoTimeout(20_000);
            OutputStream out = socket.getOutputStream();
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            for (int at = 0; at < body.length; at += piece) {
                out.write(body, at, Math.min(piece, body.length - at));
                out.flush();
            }
            return readHead(socket.getInputStream());
        }
    }

    static void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(5);
        }
    }

    /** Redeploys the webhook servlet behind {@link AsyncRecordingWebhookServlet}. */
    private AsyncRecordingWebhookServlet redeployRecordingAsync() throws Exception {
        stop();
        AsyncRecordingWebhookServlet servlet = new AsyncRecordingWebhookServlet(ai, CAP);
        base = start(List.of(Deployment.instance("whatsapp-webhook", PATH, servlet, Map.of())));
        return servlet;
    }

    private Socket connect() throws IOException {
        Socket socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.connect(new InetSocketAddress(base.getHost(), base.getPort()), 10_000);
        socket.setSoTimeout(20_000);
        return socket;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** Records, for each POST, whether the servlet's thread left it in async processing. */
    static final class AsyncRecordingWebhookServlet extends WhatsAppWebhookServlet {
        private static final long serialVersionUID = 1L;
        final transient BlockingQueue<Boolean> asyncStarted = new LinkedBlockingQueue<>();

        AsyncRecordingWebhookServlet(WhatsAppAi ai, int maxBodyBytes) {
            super(ai, maxBodyBytes, Duration.ofMinutes(2));
        }

        @Override
        protected void service(jakarta.servlet.http.HttpServletRequest request,
                               jakarta.servlet.http.HttpServletResponse response) throws IOException {
            super.service(request, response);
            if ("POST".equals(request.getMethod())) {
                asyncStarted.add(request.isAsyncStarted());
            }
        }
    }

    /** Counts the requests that reached the servlet, so a test knows the trickled ones hold (or held) threads. */
    static final class CountingWebhookServlet extends WhatsAppWebhookServlet {
        private static final long serialVersionUID = 1L;
        private final transient AtomicInteger entered = new AtomicInteger();

        CountingWebhookServlet(WhatsAppAi ai, int maxBodyBytes, Duration readTimeout) {
            super(ai, maxBodyBytes, readTimeout);
        }

        @Override
        protected void service(jakarta.servlet.http.HttpServletRequest request,
                               jakarta.servlet.http.HttpServletResponse response) throws IOException {
            if ("POST".equals(request.getMethod())) {
                entered.incrementAndGet();
            }
            super.service(request, response);
        }

        int entered() {
            return entered.get();
        }
    }

    /**
     * Connections that send a signed POST's head at once and then its body one byte every
     * {@link #BYTE_INTERVAL_MILLIS} ms, from one scheduler thread, until closed. Their bodies are long
     * enough to outlast any test.
     */
    static final class Tricklers implements AutoCloseable {
        static final long BYTE_INTERVAL_MILLIS = 50;
        private final List<Socket> sockets = new ArrayList<>();
        private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
        private final byte[] body;
        private volatile int sent;
        private volatile boolean failed;

        Tricklers(URI base, int count, byte[] body, String signature) throws IOException {
            this.body = body;
            byte[] head = head(body.length, signature).getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; i < count; i++) {
                Socket socket = new Socket();
                sockets.add(socket);
                socket.setTcpNoDelay(true);
                socket.connect(new InetSocketAddress(base.getHost(), base.getPort()), 10_000);
                socket.getOutputStream().write(head);
                socket.getOutputStream().flush();
            }
            scheduler.scheduleAtFixedRate(this::sendOneByteEach, 0, BYTE_INTERVAL_MILLIS, TimeUnit.MILLISECONDS);
        }

        private void sendOneByteEach() {
            if (sent >= body.length - 1) {
                return; // never the last byte: the bodies stay incomplete
            }
            for (Socket socket : sockets) {
                try {
                    socket.getOutputStream().write(body[sent]);
                    socket.getOutputStream().flush();
                } catch (IOException e) {
                    failed = true;
                }
            }
            sent++;
        }

        /** Whether every connection is still open and sending (none was answered or closed early). */
        boolean stillSending() {
            return !failed && sent < body.length - 1;
        }

        @Override
        public void close() throws IOException {
            scheduler.shutdownNow();
            for (Socket socket : sockets) {
                socket.close();
            }
        }
    }

    static byte[] textDelivery(String wamid) {
        return WebhookPayloads.text("hello " + wamid).wamid(wamid).toBytes();
    }

    /** {@code json} followed by spaces up to {@code size} bytes: still valid JSON, still signable. */
    static byte[] padTo(byte[] json, int size) {
        byte[] padded = Arrays.copyOf(json, size);
        Arrays.fill(padded, json.length, size, (byte) ' ');
        return padded;
    }

    static byte[] resource(String name) throws IOException {
        try (InputStream in = WebhookServletContainerTest.class.getResourceAsStream("/" + name)) {
            assertThat(in).as(name).isNotNull();
            return in.readAllBytes();
        }
    }

    HttpResponse<byte[]> get(String query) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(base + PATH + query)).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    HttpResponse<byte[]> post(byte[] body, String signature) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(PATH))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (signature != null) {
            request.header("X-Hub-Signature-256", signature);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    /** Writes {@code request} on a fresh connection and returns the status line and headers of the answer. */
    String rawExchange(byte[] request) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(base.getHost(), base.getPort()), 10_000);
            socket.setSoTimeout(20_000);
            OutputStream out = socket.getOutputStream();
            out.write(request);
            out.flush();
            return readHead(socket.getInputStream());
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0) {
            head.write(b);
            if (head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
                break;
            }
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }
}
