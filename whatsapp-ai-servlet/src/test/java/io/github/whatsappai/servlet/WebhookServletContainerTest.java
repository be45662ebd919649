package io.github.whatsappai.servlet;

import io.github.whatsappai.WhatsAppAi;
import io.github.whatsappai.WhatsAppAiConfig;
import io.github.whatsappai.event.Event;
import io.github.whatsappai.testing.WebhookPayloads;
import io.github.whatsappai.webhook.WebhookRequest;
import io.github.whatsappai.webhook.model.TextContent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

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
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

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
    /** The signature of {@code wa_webhook_text.json} given in PROTOCOL.md §H. */
    static final String TEXT_VECTOR_SIGNATURE =
            "sha256=ebadc28e2f9da0a1e030919b37836db322328331f57c99058236e7577326133c";
    /** What a re-serialising receiver would compute (PROTOCOL.md §H): must not be accepted. */
    static final String RESERIALISED_SIGNATURE =
            "sha256=cfd8aa0d52197897869f3246a9fc5ea19726b30826f69d4c2d9fcba4b67105b1";
    static final long T0 = WebhookPayloads.DEFAULT_TIMESTAMP;
    /** A second number we serve, so that batches span several changes. */
    static final String SECOND_PHONE_NUMBER_ID = "100000000000009";
    static final Clock CLOCK = Clock.fixed(Instant.ofEpochSecond(T0 + 60), ZoneOffset.UTC);
    /** The cap the tests deploy with (init-param), small enough to exceed quickly. */
    static final int CAP = 256 * 1024;

    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();

    protected RecordingInboundHandler handler;
    protected ConcurrentLinkedQueue<Event> events;
    protected WhatsAppAi ai;
    protected URI base;

    /** Starts the container with {@code deployments} and returns its base URI ({@code http://127.0.0.1:port}). */
    protected abstract URI start(List<Deployment> deployments) throws Exception;

    /** Stops the container, destroying its servlets. */
    protected abstract void stop() throws Exception;

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

    // ---- helpers ----

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
            InputStream in = socket.getInputStream();
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
}
