package io.github.whatsappai.examples.bench;

import io.github.whatsappai.examples.demo.DemoServer;
import io.github.whatsappai.testing.SignedWebhooks;
import io.github.whatsappai.testing.WebhookPayloads;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
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
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * The slow-clients fault run: starts the built demo jar on a free 127.0.0.1 port (as a child of this
 * process, so in the same scheduling session), keeps {@code --slow} connections open that send a POST
 * head and then trickle its body one byte every {@code --byte-interval-ms} for {@code --duration}
 * seconds (a connection the server answers or closes is replaced at once, so the pressure stays
 * constant), and meanwhile probes with signed deliveries and verification handshakes, alternately, one
 * after the other, each bounded by {@code --probe-timeout-ms}. Prints the probes' p50, p99 and max, and
 * how many got 200 within 100 ms.
 *
 * <pre>
 * java -cp &lt;classes&gt;:whatsapp-ai-demo.jar io.github.whatsappai.examples.bench.SlowClientsBench \
 *     --jar whatsapp-ai-examples/target/whatsapp-ai-demo.jar [--java-opts "-Xmx256m"] [--slow 200] \
 *     [--duration 30] [--byte-interval-ms 200] [--probe-pause-ms 20] [--probe-timeout-ms 5000]
 * </pre>
 *
 * Talks to 127.0.0.1 only; bounded in time (duration + probe timeout + start and stop) and in
 * connections ({@code --slow} open at once).
 */
public final class SlowClientsBench {

    /** A probe answered 200 within this counts as on time. */
    private static final long ON_TIME_MICROS = 100_000;
    /** The declared body length of a slow connection: at one byte per interval it never completes. */
    private static final int SLOW_BODY_BYTES = 4096;

    private SlowClientsBench() {
    }

    /** Runs the fault run; see the class documentation for the arguments. */
    public static void main(String[] args) throws Exception {
        Path jar = null;
        List<String> javaOpts = new ArrayList<>(List.of("-Xmx256m"));
        int slow = 200;
        int durationSeconds = 30;
        long byteIntervalMillis = 200;
        long probePauseMillis = 20;
        long probeTimeoutMillis = 5_000;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--jar" -> jar = Path.of(args[++i]);
                case "--java-opts" -> javaOpts = Arrays.stream(args[++i].trim().split("\\s+"))
                        .filter(s -> !s.isEmpty()).toList();
                case "--slow" -> slow = Integer.parseInt(args[++i]);
                case "--duration" -> durationSeconds = Integer.parseInt(args[++i]);
                case "--byte-interval-ms" -> byteIntervalMillis = Long.parseLong(args[++i]);
                case "--probe-pause-ms" -> probePauseMillis = Long.parseLong(args[++i]);
                case "--probe-timeout-ms" -> probeTimeoutMillis = Long.parseLong(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        if (jar == null || !Files.isRegularFile(jar)) {
            throw new IllegalArgumentException("--jar must name the built whatsapp-ai-demo.jar, was " + jar);
        }
        if (slow < 1 || slow > 1_000 || durationSeconds < 1 || durationSeconds > 300) {
            throw new IllegalArgumentException("--slow must be 1..1000 and --duration 1..300 s");
        }

        int port = freePort();
        Path log = Files.createTempFile("slow-clients-demo-", ".log");
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
        System.out.printf("date: %s  cores: %d  load: %s%n", Instant.now(), Runtime.getRuntime().availableProcessors(),
                loadAverage());
        System.out.println("demo: " + String.join(" ", command) + "  (PORT=" + port + ")");
        System.out.printf("slow connections: %d, one body byte every %d ms, for %d s; probes %d ms apart, "
                + "timeout %d ms%n", slow, byteIntervalMillis, durationSeconds, probePauseMillis, probeTimeoutMillis);

        Process demo = pb.start();
        SlowConnections slowConnections = null;
        try {
            URI base = URI.create("http://127.0.0.1:" + port);
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofMillis(probeTimeoutMillis)).build();
            awaitHandshake(http, base, demo);

            slowConnections = new SlowConnections(port, slow, byteIntervalMillis);
            slowConnections.start();
            // let every slow connection reach the servlet before the first probe
            Thread.sleep(Math.min(2_000, durationSeconds * 1000L / 4));

            List<Long> latencies = new ArrayList<>();
            int[] ok = new int[2];
            int[] onTime = new int[2];
            int[] sent = new int[2];
            Map<String, Integer> failures = new TreeMap<>();
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(durationSeconds);
            for (int i = 0; System.nanoTime() < end; i++) {
                int kind = i % 2; // 0: signed delivery, 1: handshake
                HttpRequest request = kind == 0 ? delivery(base, i, probeTimeoutMillis)
                        : handshake(base, i, probeTimeoutMillis);
                sent[kind]++;
                long started = System.nanoTime();
                String outcome;
                try {
                    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                    outcome = response.statusCode() == 200 && (kind == 0 || response.body().equals(Integer.toString(i)))
                            ? null : "status " + response.statusCode();
                } catch (IOException e) {
                    outcome = e.getClass().getSimpleName();
                }
                long micros = (System.nanoTime() - started) / 1_000;
                latencies.add(micros);
                if (outcome == null) {
                    ok[kind]++;
                    if (micros <= ON_TIME_MICROS) {
                        onTime[kind]++;
                    }
                } else {
                    failures.merge((kind == 0 ? "POST " : "GET ") + outcome, 1, Integer::sum);
                }
                if (probePauseMillis > 0) {
                    Thread.sleep(probePauseMillis);
                }
            }
            slowConnections.stop();

            long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
            int total = sent[0] + sent[1];
            System.out.printf("slow connections opened: %d (answered or closed by the server: %s)%n",
                    slowConnections.opened(), slowConnections.answers());
            System.out.printf("probes: %d (%d signed POST, %d handshake GET)%n", total, sent[0], sent[1]);
            System.out.printf("answered 200: %d (POST %d, GET %d); within 100 ms: %d of %d (POST %d, GET %d)%n",
                    ok[0] + ok[1], ok[0], ok[1], onTime[0] + onTime[1], total, onTime[0], onTime[1]);
            if (!failures.isEmpty()) {
                System.out.println("not 200: " + failures);
            }
            System.out.printf("probe latency ms: p50 %.1f  p99 %.1f  max %.1f%n", pct(sorted, 50), pct(sorted, 99),
                    sorted.length == 0 ? 0.0 : sorted[sorted.length - 1] / 1000.0);
            System.out.printf("BENCH_RESULT {\"slow\":%d,\"probes\":%d,\"ok\":%d,\"on_time\":%d,\"p50_ms\":%.1f,"
                    + "\"p99_ms\":%.1f}%n", slow, total, ok[0] + ok[1], onTime[0] + onTime[1], pct(sorted, 50),
                    pct(sorted, 99));
            System.out.printf("load at the end: %s%n", loadAverage());
        } finally {
            if (slowConnections != null) {
                slowConnections.stop();
            }
            stop(demo);
            Files.deleteIfExists(log);
        }
    }

    private static HttpRequest delivery(URI base, int i, long timeoutMillis) {
        String waId = Long.toString(15550000000L + i);
        byte[] body = WebhookPayloads.text("Do you deliver on Sundays?").phoneNumberId(DemoServer.DEMO_PHONE_NUMBER_ID)
                .from(waId).userId(null).profileName("Probe " + i).wamid("wamid.SLOW-PROBE-" + i)
                .timestamp(Instant.now()).toBytes();
        return HttpRequest.newBuilder(base.resolve(DemoServer.WEBHOOK_PATH))
                .timeout(Duration.ofMillis(timeoutMillis))
                .header("Content-Type", "application/json")
                .header("X-Hub-Signature-256", SignedWebhooks.signature(body, DemoServer.DEMO_APP_SECRET))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
    }

    private static HttpRequest handshake(URI base, int i, long timeoutMillis) {
        return HttpRequest.newBuilder(base.resolve(DemoServer.WEBHOOK_PATH + "?hub.mode=subscribe&hub.verify_token="
                        + DemoServer.DEMO_VERIFY_TOKEN + "&hub.challenge=" + i))
                .timeout(Duration.ofMillis(timeoutMillis)).GET().build();
    }

    /**
     * The slow connections, driven by one thread: each round writes one body byte to every connection;
     * a connection that has an answer to read, or fails to write, is closed and replaced by a new one.
     */
    private static final class SlowConnections implements Runnable {
        private final int port;
        private final int count;
        private final long intervalMillis;
        private final byte[] head;
        private final List<Socket> sockets = new ArrayList<>();
        private final Map<String, Integer> answers = new TreeMap<>();
        private final Thread thread = new Thread(this, "slow-connections");
        private volatile boolean running = true;
        private int opened;

        SlowConnections(int port, int count, long intervalMillis) {
            this.port = port;
            this.count = count;
            this.intervalMillis = intervalMillis;
            this.head = ("POST " + DemoServer.WEBHOOK_PATH + " HTTP/1.1\r\nHost: 127.0.0.1:" + port
                    + "\r\nContent-Type: application/json\r\nX-Hub-Signature-256: sha256=" + "0".repeat(64)
                    + "\r\nContent-Length: " + SLOW_BODY_BYTES + "\r\n\r\n{").getBytes(StandardCharsets.US_ASCII);
        }

        void start() throws IOException {
            for (int i = 0; i < count; i++) {
                sockets.add(open());
            }
            thread.setDaemon(true);
            thread.start();
        }

        private Socket open() throws IOException {
            Socket socket = new Socket();
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5_000);
            socket.getOutputStream().write(head);
            socket.getOutputStream().flush();
            synchronized (answers) {
                opened++;
            }
            return socket;
        }

        @Override
        public void run() {
            int[] written = new int[count];
            while (running) {
                long round = System.nanoTime();
                for (int i = 0; i < count && running; i++) {
                    Socket socket = sockets.get(i);
                    String answer = null;
                    try {
                        InputStream in = socket.getInputStream();
                        if (in.available() > 0) {
                            answer = statusOf(in);
                        } else if (written[i] < SLOW_BODY_BYTES - 2) {
                            OutputStream out = socket.getOutputStream();
                            out.write(' ');
                            out.flush();
                            written[i]++;
                        }
                    } catch (IOException e) {
                        answer = "closed";
                    }
                    if (answer != null) {
                        synchronized (answers) {
                            answers.merge(answer, 1, Integer::sum);
                        }
                        closeQuietly(socket);
                        try {
                            sockets.set(i, open());
                            written[i] = 0;
                        } catch (IOException e) {
                            running = false;
                        }
                    }
                }
                long left = intervalMillis - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - round);
                if (left > 0) {
                    try {
                        Thread.sleep(left);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }
        }

        private static String statusOf(InputStream in) throws IOException {
            byte[] line = new byte[12];
            int n = in.readNBytes(line, 0, line.length);
            String text = new String(line, 0, n, StandardCharsets.US_ASCII);
            return text.startsWith("HTTP/1.1 ") && n == 12 ? text.substring(9, 12) : "closed";
        }

        void stop() throws InterruptedException {
            running = false;
            thread.join(10_000);
            for (Socket socket : sockets) {
                closeQuietly(socket);
            }
        }

        int opened() {
            synchronized (answers) {
                return opened;
            }
        }

        Map<String, Integer> answers() {
            synchronized (answers) {
                return new TreeMap<>(answers);
            }
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    /** Nearest-rank percentile of sorted microseconds, in milliseconds. */
    private static double pct(long[] sorted, int p) {
        if (sorted.length == 0) {
            return 0.0;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, rank - 1)] / 1000.0;
    }

    private static String loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return parts[0] + " " + parts[1] + " " + parts[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
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

    private static void stop(Process demo) throws InterruptedException {
        if (!demo.isAlive()) {
            return;
        }
        demo.destroy();
        if (!demo.waitFor(20, TimeUnit.SECONDS)) {
            demo.destroyForcibly();
            demo.waitFor(5, TimeUnit.SECONDS);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
