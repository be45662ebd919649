package io.github.whatsappai.examples.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.github.whatsappai.testing.SignedWebhooks;
import io.github.whatsappai.testing.WebhookPayloads;

import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Graph API stand-in in its own process (or in the fault driver's), for fault runs against demo
 * processes started with {@code META_GRAPH_API_BASE_URL=http://127.0.0.1:<port>}. It answers
 * {@code POST /{version}/{phone_number_id}/messages} like Meta does and records every call in
 * arrival order: read receipts ({@code status: read}, with the message id) and sends (recipient,
 * text and {@code biz_opaque_callback_data}).
 *
 * <p>It can be switched down for a period: {@link Mode#UNAVAILABLE} answers 503 with Meta's error
 * body, {@link Mode#REFUSED} closes the listening socket so connections are refused. With webhook
 * URLs set it posts a signed {@code sent} status for every send, carrying the send's
 * {@code biz_opaque_callback_data}, as Meta does a moment after a send.
 *
 * <p>Standalone: {@code java -cp … GraphStub [port] [appSecret] [webhookUrl…]}; it prints one line
 * per call. {@code POST /_stub/mode?mode=UNAVAILABLE&seconds=600} switches it, {@code GET /_stub/calls}
 * lists the calls as JSON.
 */
public final class GraphStub implements AutoCloseable {

    /** How the stub answers. */
    public enum Mode {
        /** Like Meta: 200 with a wamid. */
        UP,
        /** 503 with an error body (the service is down). */
        UNAVAILABLE,
        /** Nothing listens: connections are refused. */
        REFUSED
    }

    /**
     * One call the stub answered 200.
     *
     * @param seq order of arrival, from 1
     * @param at when it arrived
     * @param kind {@code read} or the message type ({@code text}, …)
     * @param to the recipient (sends), or {@code null}
     * @param messageId the message a read receipt is for, or the wamid the stub answered a send with
     * @param text the text of a text send
     * @param callbackData the send's {@code biz_opaque_callback_data}, or {@code null}
     */
    public record Call(long seq, Instant at, String kind, String to, String messageId, String text,
                       String callbackData) {
    }

    private static final Pattern MESSAGES_PATH = Pattern.compile("/v\\d+\\.\\d+/(\\d+)/messages");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final int port;
    private final String appSecret;
    private final List<URI> webhooks = new CopyOnWriteArrayList<>();
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private final AtomicLong seq = new AtomicLong();
    private final AtomicLong refusedWhileDown = new AtomicLong();
    private final AtomicLong unavailableAnswers = new AtomicLong();
    private final AtomicInteger nextWebhook = new AtomicInteger();
    private final ExecutorService handlers = Executors.newFixedThreadPool(16, daemon("graph-stub"));
    private final ScheduledExecutorService timer = Executors.newScheduledThreadPool(2, daemon("graph-stub-timer"));
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private volatile Mode mode = Mode.UP;
    private volatile boolean statusCallbacks = true;
    private HttpServer server;

    private GraphStub(int port, String appSecret) throws IOException {
        this.appSecret = appSecret;
        this.server = listen(port);
        this.port = server.getAddress().getPort();
    }

    /**
     * Starts a stub on {@code port} (0 picks one) of 127.0.0.1.
     *
     * @param appSecret signs the status callbacks
     */
    public static GraphStub start(int port, String appSecret) throws IOException {
        return new GraphStub(port, appSecret);
    }

    /** The base URL to give the demo as {@code META_GRAPH_API_BASE_URL}. */
    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    /** Adds a webhook that receives the status callbacks (round robin over all added; the next on failure). */
    public void addWebhook(URI webhook) {
        webhooks.add(webhook);
    }

    /** Removes a webhook (its process was stopped). */
    public void removeWebhook(URI webhook) {
        webhooks.remove(webhook);
    }

    /** Switches the status callbacks on (default) or off. */
    public void statusCallbacks(boolean on) {
        this.statusCallbacks = on;
    }

    /** Every call answered 200, in order of arrival. */
    public List<Call> calls() {
        return List.copyOf(calls);
    }

    /** Calls answered 503 while {@link Mode#UNAVAILABLE}. */
    public long unavailableAnswers() {
        return unavailableAnswers.get();
    }

    /** The current mode. */
    public Mode mode() {
        return mode;
    }

    /** Switches the stub to {@code newMode} now. */
    public synchronized void mode(Mode newMode) throws IOException {
        if (newMode == mode) {
            return;
        }
        if (newMode == Mode.REFUSED) {
            server.stop(0);
            server = null;
        } else if (mode == Mode.REFUSED) {
            server = listenAgain();
        }
        mode = newMode;
    }

    /** Switches to {@code down} now and back to {@link Mode#UP} after {@code period}. */
    public void downFor(Mode down, Duration period) throws IOException {
        mode(down);
        timer.schedule(() -> {
            try {
                mode(Mode.UP);
            } catch (IOException e) {
                System.err.println("graph stub: cannot listen again on port " + port + ": " + e);
            }
        }, period.toMillis(), TimeUnit.MILLISECONDS);
    }

    private HttpServer listen(int onPort) throws IOException {
        HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), onPort), 256);
        s.createContext("/", this::handle);
        s.setExecutor(handlers);
        s.start();
        return s;
    }

    /** The port may stay in use for a moment after closing: try for 10 s. */
    private HttpServer listenAgain() throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try {
                return listen(port);
            } catch (BindException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            byte[] body = exchange.getRequestBody().readAllBytes();
            if (path.startsWith("/_stub/")) {
                control(exchange, path);
                return;
            }
            Matcher m = MESSAGES_PATH.matcher(path);
            if (!"POST".equals(exchange.getRequestMethod()) || !m.matches()) {
                error(exchange, 404, 100, "Unknown path " + path);
                return;
            }
            if (mode == Mode.UNAVAILABLE) {
                unavailableAnswers.incrementAndGet();
                error(exchange, 503, 2, "Service temporarily unavailable");
                return;
            }
            JsonNode json;
            try {
                json = JSON.readTree(body);
            } catch (IOException e) {
                error(exchange, 400, 100, "Invalid JSON");
                return;
            }
            if ("read".equals(json.path("status").asText())) {
                record("read", null, json.path("message_id").asText(), null, null);
                answer(exchange, 200, "{\"success\":true}");
                return;
            }
            String to = json.path("to").asText(null);
            String type = json.path("type").asText("text");
            String callbackData = json.path("biz_opaque_callback_data").asText(null);
            String wamid = "wamid.STUB" + seq.get() + "." + Long.toHexString(System.nanoTime());
            record(type, to, wamid, json.path("text").path("body").asText(null), callbackData);
            ObjectNode out = JSON.createObjectNode();
            out.put("messaging_product", "whatsapp");
            out.putArray("contacts").addObject().put("input", to).put("wa_id", to == null ? null : to.replace("+", ""));
            out.putArray("messages").addObject().put("id", wamid);
            answer(exchange, 200, JSON.writeValueAsString(out));
            if (statusCallbacks && callbackData != null && to != null) {
                String phoneNumberId = m.group(1);
                timer.schedule(() -> postStatus(phoneNumberId, to.replace("+", ""), wamid, callbackData, 0),
                        200, TimeUnit.MILLISECONDS);
            }
        }
    }

    private void record(String kind, String to, String messageId, String text, String callbackData) {
        calls.add(new Call(seq.incrementAndGet(), Instant.now(), kind, to, messageId, text, callbackData));
    }

    /** Posts the {@code sent} status to a webhook; on failure tries the next one later, for about a minute. */
    private void postStatus(String phoneNumberId, String waId, String wamid, String callbackData, int attempt) {
        if (webhooks.isEmpty() || attempt > 30) {
            return;
        }
        URI webhook = webhooks.get(Math.floorMod(nextWebhook.getAndIncrement(), webhooks.size()));
        byte[] body = WebhookPayloads.status(wamid, "sent").recipientId(waId).bizOpaqueCallbackData(callbackData)
                .phoneNumberId(phoneNumberId).timestamp(Instant.now()).toBytes();
        HttpRequest request = HttpRequest.newBuilder(webhook).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .header("X-Hub-Signature-256", SignedWebhooks.signature(body, appSecret))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        http.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((response, error) -> {
            if (error != null || response.statusCode() != 200) {
                timer.schedule(() -> postStatus(phoneNumberId, waId, wamid, callbackData, attempt + 1),
                        2, TimeUnit.SECONDS);
            }
        });
    }

    private void control(HttpExchange exchange, String path) throws IOException {
        Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
        if (path.equals("/_stub/mode")) {
            Mode newMode = Mode.valueOf(query.getOrDefault("mode", "UP"));
            if (query.containsKey("seconds")) {
                downFor(newMode, Duration.ofSeconds(Long.parseLong(query.get("seconds"))));
            } else {
                mode(newMode);
            }
            answer(exchange, 200, "{\"mode\":\"" + newMode + "\"}");
        } else if (path.equals("/_stub/calls")) {
            ArrayNode out = JSON.createArrayNode();
            for (Call c : calls) {
                out.add(JSON.valueToTree(c));
            }
            answer(exchange, 200, JSON.writeValueAsString(out));
        } else {
            error(exchange, 404, 100, "Unknown control path " + path);
        }
    }

    private static Map<String, String> query(String raw) {
        java.util.HashMap<String, String> out = new java.util.HashMap<>();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    out.put(pair.substring(0, eq), pair.substring(eq + 1));
                }
            }
        }
        return out;
    }

    private static void error(HttpExchange exchange, int status, int code, String message) throws IOException {
        answer(exchange, status, "{\"error\":{\"message\":\"" + message + "\",\"type\":\"OAuthException\",\"code\":"
                + code + ",\"fbtrace_id\":\"STUB\"}}");
    }

    private static void answer(HttpExchange exchange, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    @Override
    public synchronized void close() {
        if (server != null) {
            server.stop(0);
        }
        handlers.shutdownNow();
        timer.shutdownNow();
    }

    /** Standalone: {@code GraphStub [port] [appSecret] [webhookUrl…]}; prints one line per call. */
    public static void main(String[] args) throws Exception {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 0;
        String secret = args.length > 1 ? args[1] : io.github.whatsappai.examples.demo.DemoServer.DEMO_APP_SECRET;
        GraphStub stub = start(port, secret);
        for (int i = 2; i < args.length; i++) {
            stub.addWebhook(URI.create(args[i]));
        }
        System.out.println("graph stub listening on " + stub.baseUrl() + " (POST /_stub/mode?mode=UNAVAILABLE&seconds=600,"
                + " GET /_stub/calls)");
        List<Call> printed = new ArrayList<>();
        while (true) {
            List<Call> now = stub.calls();
            for (Call c : now.subList(printed.size(), now.size())) {
                System.out.println(c.seq() + " " + c.at() + " " + c.kind() + " " + (c.to() == null ? c.messageId() : c.to())
                        + (c.callbackData() == null ? "" : " callback=" + c.callbackData()));
                printed.add(c);
            }
            Thread.sleep(200);
        }
    }
}
