package io.github.whatsappai.examples.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.whatsappai.examples.demo.DemoServer;
import io.github.whatsappai.testing.SignedWebhooks;
import io.github.whatsappai.testing.WebhookPayloads;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * End-to-end overhead of the SDK in the built demo jar, over the real HTTP path: starts
 * {@code java <opts> -jar whatsapp-ai-demo.jar} on a free 127.0.0.1 port with a 1 ms buffer window,
 * posts signed single-message deliveries from distinct senders one after the other, and for each one
 * measures from the moment the webhook POST is handed to the HTTP client to the moment the demo's
 * local Graph API stand-in records the outgoing text ({@code at} in its outbox, the same machine's
 * wall clock, microsecond resolution). The AI call's share is the {@code AiCompleted} latency the demo
 * logs for that exchange; the configured window is subtracted as well.
 *
 * <pre>
 * java -cp &lt;classes&gt;:whatsapp-ai-demo.jar io.github.whatsappai.examples.bench.DemoOverheadBench \
 *     --jar whatsapp-ai-examples/target/whatsapp-ai-demo.jar [--java-opts "-XX:+UseSerialGC …"] \
 *     [--warmup 200] [--n 500] [--pause-ms 40] [--env NAME=VALUE]…
 * </pre>
 *
 * Deliveries are spaced by {@code --pause-ms} so that each one meets an idle demo (and an idle
 * outbound pacer); the figure is a per-message latency, not a throughput.
 */
public final class DemoOverheadBench {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern AI_LATENCY = Pattern.compile("AiCompleted\\[.*latency=(PT[0-9.]+S)");
    private static final Duration WINDOW = Duration.ofMillis(1);
    private static final String PHONE_NUMBER_ID = DemoServer.DEMO_PHONE_NUMBER_ID;

    private DemoOverheadBench() {
    }

    /** Runs the bench; see the class documentation for the arguments. */
    public static void main(String[] args) throws Exception {
        Path jar = null;
        List<String> javaOpts = new ArrayList<>();
        int warmup = 200;
        int n = 500;
        long pauseMillis = 40;
        Map<String, String> extraEnv = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].startsWith("--java-opts=")) {
                javaOpts.addAll(splitOptions(args[i].substring("--java-opts=".length())));
                continue;
            }
            switch (args[i]) {
                case "--jar" -> jar = Path.of(args[++i]);
                case "--java-opts" -> javaOpts.addAll(splitOptions(args[++i]));
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                case "--n" -> n = Integer.parseInt(args[++i]);
                case "--pause-ms" -> pauseMillis = Long.parseLong(args[++i]);
                case "--env" -> {
                    String[] kv = args[++i].split("=", 2);
                    extraEnv.put(kv[0], kv[1]);
                }
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        if (jar == null || !Files.isRegularFile(jar)) {
            throw new IllegalArgumentException("--jar must name the built whatsapp-ai-demo.jar, was " + jar);
        }

        int port = freePort();
        Path log = Files.createTempFile("demo-overhead-", ".log");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(javaOpts);
        command.add("-jar");
        command.add(jar.toString());
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith("META_") || k.startsWith("OPENROUTER_") || k.startsWith("DATABASE_")
                || k.startsWith("SUPABASE_") || k.startsWith("MESSAGE_BUFFER_"));
        env.put("PORT", Integer.toString(port));
        env.put("MESSAGE_BUFFER_WINDOW", WINDOW.toMillis() + "ms");
        env.put("MESSAGE_BUFFER_MAX_WAIT", "1s");
        env.putAll(extraEnv);

        System.out.println("demo: " + String.join(" ", command) + "  (PORT=" + port + ", MESSAGE_BUFFER_WINDOW="
                + env.get("MESSAGE_BUFFER_WINDOW") + ", MESSAGE_BUFFER_MAX_WAIT=1s"
                + (extraEnv.isEmpty() ? "" : ", " + extraEnv) + ")");
        Process demo = pb.start();
        try {
            URI base = URI.create("http://127.0.0.1:" + port);
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(2)).build();
            awaitHandshake(http, base, demo);

            int total = warmup + n;
            long[] e2eMicros = new long[total];
            long[] seenMicros = new long[total];
            long[] ackMicros = new long[total];
            long lastSeq = 0;
            for (int i = 0; i < total; i++) {
                String waId = Long.toString(15550000000L + i);
                byte[] body = WebhookPayloads.text("Do you deliver on Sundays?")
                        .phoneNumberId(PHONE_NUMBER_ID).from(waId).userId(null).profileName("Bench " + i)
                        .timestamp(Instant.now()).toBytes();
                HttpRequest post = HttpRequest.newBuilder(base.resolve(DemoServer.WEBHOOK_PATH))
                        .timeout(Duration.ofSeconds(10))
                        .header("Content-Type", "application/json")
                        .header("X-Hub-Signature-256", SignedWebhooks.signature(body, DemoServer.DEMO_APP_SECRET))
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                        .build();
                Instant sent = Instant.now();
                long sentNanos = System.nanoTime();
                int status = http.send(post, HttpResponse.BodyHandlers.discarding()).statusCode();
                ackMicros[i] = (System.nanoTime() - sentNanos) / 1_000;
                if (status != 200) {
                    throw new IllegalStateException("the webhook answered " + status + " to delivery " + i);
                }
                JsonNode reply = awaitText(http, base, lastSeq, "+" + waId);
                Instant seen = Instant.now();
                lastSeq = reply.path("seq").asLong();
                Instant at = Instant.parse(reply.path("at").asText());
                e2eMicros[i] = Duration.between(sent, at).toNanos() / 1_000;
                seenMicros[i] = Duration.between(sent, seen).toNanos() / 1_000;
                if (pauseMillis > 0) {
                    Thread.sleep(pauseMillis);
                }
            }

            stop(demo);
            List<Long> ai = aiLatenciesMicros(log);
            if (ai.size() != total) {
                throw new IllegalStateException("expected " + total + " AiCompleted lines in " + log + ", found "
                        + ai.size());
            }
            long window = WINDOW.toNanos() / 1_000;
            int m = n;
            long[] e2e = new long[m];
            long[] aiShare = new long[m];
            long[] overhead = new long[m];
            long[] overheadWithAi = new long[m];
            long[] upper = new long[m];
            long[] ack = new long[m];
            for (int k = 0; k < m; k++) {
                int i = warmup + k;
                e2e[k] = e2eMicros[i];
                aiShare[k] = ai.get(i);
                overheadWithAi[k] = e2eMicros[i] - window;
                overhead[k] = e2eMicros[i] - window - ai.get(i);
                upper[k] = seenMicros[i] - window - ai.get(i);
                ack[k] = ackMicros[i];
            }
            System.out.printf("exchanges: %d measured after %d warm-up, %d ms apart; window %d ms subtracted%n",
                    m, warmup, pauseMillis, WINDOW.toMillis());
            System.out.println("figure (ms)                                          median      p90      p99      max");
            row("POST sent -> stand-in got text (raw)", e2e);
            row("AI call (AiCompleted latency)", aiShare);
            row("overhead incl. AI call (raw - window)", overheadWithAi);
            row("SDK overhead (raw - window - AI call)", overhead);
            row("upper bound: client saw reply (- window - AI)", upper);
            row("webhook POST answered (ack latency)", ack);
        } finally {
            stop(demo);
            Files.deleteIfExists(log);
        }
    }

    private static List<String> splitOptions(String options) {
        return Arrays.stream(options.trim().split("\\s+")).filter(s -> !s.isEmpty()).toList();
    }

    private static void row(String name, long[] micros) {
        long[] s = micros.clone();
        Arrays.sort(s);
        System.out.printf("%-48s %9.3f %8.3f %8.3f %8.3f%n", name, pct(s, 50), pct(s, 90), pct(s, 99),
                s[s.length - 1] / 1000.0);
    }

    /** Nearest-rank percentile of sorted microseconds, in milliseconds. */
    private static double pct(long[] sorted, int p) {
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, rank - 1)] / 1000.0;
    }

    private static void awaitHandshake(HttpClient http, URI base, Process demo) throws Exception {
        URI handshake = base.resolve(DemoServer.WEBHOOK_PATH
                + "?hub.mode=subscribe&hub.verify_token=" + DemoServer.DEMO_VERIFY_TOKEN + "&hub.challenge=123");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!demo.isAlive()) {
                throw new IllegalStateException("the demo exited with " + demo.exitValue());
            }
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(handshake).timeout(Duration.ofSeconds(2))
                        .build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200 && "123".equals(r.body())) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(20);
        }
        throw new IllegalStateException("the demo did not answer the handshake within 60 s");
    }

    private static JsonNode awaitText(HttpClient http, URI base, long afterSeq, String to) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        long after = afterSeq;
        while (System.nanoTime() < deadline) {
            URI uri = base.resolve(DemoServer.OUTBOX_PATH + "?after=" + after + "&wait=5000&to="
                    + URLEncoder.encode(to, StandardCharsets.UTF_8));
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(15)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new IllegalStateException("the outbox answered " + r.statusCode());
            }
            for (JsonNode m : JSON.readTree(r.body())) {
                if ("text".equals(m.path("type").asText())) {
                    return m;
                }
                after = Math.max(after, m.path("seq").asLong());
            }
        }
        throw new IllegalStateException("no reply to " + to + " within 10 s");
    }

    private static List<Long> aiLatenciesMicros(Path log) throws IOException {
        List<Long> out = new ArrayList<>();
        for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
            Matcher m = AI_LATENCY.matcher(line);
            if (m.find()) {
                out.add(Duration.parse(m.group(1)).toNanos() / 1_000);
            }
        }
        return out;
    }

    private static void stop(Process demo) throws InterruptedException {
        if (!demo.isAlive()) {
            return;
        }
        demo.destroy();
        if (!demo.waitFor(10, TimeUnit.SECONDS)) {
            demo.destroyForcibly();
            demo.waitFor(5, TimeUnit.SECONDS);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
