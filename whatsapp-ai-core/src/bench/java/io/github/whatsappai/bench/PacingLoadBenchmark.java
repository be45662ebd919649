package io.github.whatsappai.bench;

import com.sun.net.httpserver.HttpServer;
import io.github.whatsappai.client.GraphWhatsAppClient;
import io.github.whatsappai.client.Recipient;
import io.github.whatsappai.client.TextMessage;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Authenticator;
import java.net.CookieHandler;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandler;
import java.net.http.HttpResponse.PushPromiseHandler;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/**
 * Sustained-pace load test of {@link GraphWhatsAppClient} against a local stub Graph API.
 *
 * <p>The stub (JDK {@code HttpServer} on 127.0.0.1) answers every send at once and enforces the
 * configured rate over every one-second window of arrivals: a request that would make the window
 * hold more than {@code rate} requests is answered 429 with Graph error 130429 and counted. The
 * driver submits {@code rate} sends per second to distinct recipients for the given duration
 * (after a 5 s warm-up). Every send is split into what happens where:
 * <ul>
 *   <li><b>client</b>: the time whatsapp-ai's own code takes: from the call to the request's hand-over
 *       to {@link HttpClient#sendAsync} (when the pacer let it through at once), or from the start of
 *       the pacer's release task on the scheduler thread to the hand-over (when it was queued), plus
 *       the time from the HTTP client's completed response to the completion of the future
 *       {@code send} returned;</li>
 *   <li><b>pacer hold</b>: the deliberate wait of a queued send, from the return of {@code send} to the
 *       start of the task that released it;</li>
 *   <li><b>transport</b>: from the hand-over to the HTTP client's completed response: the JDK HTTP
 *       client's own threads, the loopback in both directions and the stub.</li>
 * </ul>
 * Before and after, a phase sends the same requests with the bare JDK {@link HttpClient} (no
 * whatsapp-ai code, the SDK's request timeout) to the same kind of stub, one every pacer interval, so
 * that a send without the pacer's hold can be compared with what the JDK client and this machine cost
 * alone, with the JIT warm-up shared out.
 *
 * <pre>./mvnw -B -q -Pbench -pl whatsapp-ai-core test-compile exec:exec \
 *     -Dbench.main=io.github.whatsappai.bench.PacingLoadBenchmark -Dbench.args="80 30"</pre>
 */
public final class PacingLoadBenchmark {

    private static final String OK = "{\"messaging_product\":\"whatsapp\",\"contacts\":[{\"input\":\"+1\",\"wa_id\":\"1\"}],"
            + "\"messages\":[{\"id\":\"wamid.BENCH\"}]}";
    private static final String TOO_FAST = "{\"error\":{\"message\":\"(#130429) Rate limit hit\",\"type\":\"OAuthException\","
            + "\"code\":130429,\"fbtrace_id\":\"bench\"}}";
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
    private static final int WARMUP_SECONDS = 5;

    private PacingLoadBenchmark() {
    }

    /**
     * Runs the load test.
     *
     * @param args rate (messages/s), measured seconds and optionally the pacing burst (default 2), as
     *             separate arguments or one "80 30" string
     */
    public static void main(String[] args) throws Exception {
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
                .setLevel(ch.qos.logback.classic.Level.INFO);
        String[] a = String.join(" ", args).trim().split("[\\s,]+");
        int rate = a.length > 0 && !a[0].isEmpty() ? Integer.parseInt(a[0]) : 80;
        int seconds = a.length > 1 ? Integer.parseInt(a[1]) : 30;
        int burst = a.length > 2 ? Integer.parseInt(a[2]) : 2;
        // the stub answers with two writes (headers, then body): without TCP_NODELAY, Nagle's algorithm holds
        // the body until the client's delayed ACK, some 40 ms, which would measure the stub, not a client
        System.setProperty("sun.net.httpserver.nodelay", "true");
        System.out.printf("java %s, %d processors%n", Runtime.version(), Runtime.getRuntime().availableProcessors());
        // the bare client runs before and after the SDK, so that neither gets all the JIT warm-up
        barePhase(rate, seconds, "before the SDK");
        sdkPhase(rate, seconds, burst);
        barePhase(rate, seconds, "after the SDK");
        System.exit(0);
    }

    private static void sdkPhase(int rate, int seconds, int burst) throws Exception {
        int total = rate * (WARMUP_SECONDS + seconds);
        long[] submit = new long[total];
        long[] returned = new long[total];
        long[] released = new long[total];
        long[] handover = new long[total];
        long[] responded = new long[total];
        long[] done = new long[total];
        AtomicInteger failures = new AtomicInteger();
        Stub stub = new Stub(rate, total);

        // the scheduler thread records when each of its tasks (a pacer release) starts
        long[] taskStart = new long[1];
        Thread[] schedulerThread = new Thread[1];
        ScheduledThreadPoolExecutor clientScheduler = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "bench-client-scheduler");
            t.setDaemon(true);
            schedulerThread[0] = t;
            return t;
        }) {
            @Override
            protected void beforeExecute(Thread t, Runnable r) {
                taskStart[0] = System.nanoTime();
            }
        };
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        java.util.Queue<Long> allHandovers = new java.util.concurrent.ConcurrentLinkedQueue<>();
        HttpClient timed = new TimedHttpClient(http, new Observer() {
            @Override
            public void handedOver(int id, long now) {
                allHandovers.add(now);
                if (id >= 0 && handover[id] == 0) {
                    handover[id] = now;
                    released[id] = Thread.currentThread() == schedulerThread[0] ? taskStart[0] : 0;
                }
            }

            @Override
            public void responded(int id, long now) {
                if (id >= 0 && responded[id] == 0) {
                    responded[id] = now;
                }
            }
        });
        GraphWhatsAppClient client = GraphWhatsAppClient.builder()
                .accessToken("bench-token")
                .graphApiBaseUrl(stub.baseUrl())
                .outboundMessagesPerSecond(rate)
                .pacingBurst(burst)
                .httpClient(timed)
                .scheduler(clientScheduler)
                .build();

        CountDownLatch finished = new CountDownLatch(total);
        long elapsed = drive(SECOND / rate, total, finished, i -> {
            submit[i] = System.nanoTime();
            CompletableFuture<?> f = client.send("1234567890", new Recipient("62812" + i, null), TextMessage.of("m" + i));
            returned[i] = System.nanoTime();
            f.whenComplete((r, e) -> {
                done[i] = System.nanoTime();
                if (e != null) {
                    failures.incrementAndGet();
                }
                finished.countDown();
            });
        });
        client.close();
        clientScheduler.shutdownNow();
        stub.stop();

        int from = rate * WARMUP_SECONDS;
        int n = total - from;
        long[] own = new long[n];
        long[] held = new long[n];
        long[] transport = new long[n];
        long[] endToEnd = new long[n];
        long[] unheld = new long[n];
        int counted = 0;
        for (int i = from; i < total; i++) {
            if (handover[i] == 0 || responded[i] == 0 || done[i] == 0 || stub.rejected[i]) {
                continue;
            }
            boolean queued = released[i] != 0;
            long before = queued ? (returned[i] - submit[i]) + (handover[i] - released[i]) : handover[i] - submit[i];
            own[counted] = before + (done[i] - responded[i]);
            held[counted] = queued ? released[i] - returned[i] : 0;
            transport[counted] = responded[i] - handover[i];
            endToEnd[counted] = done[i] - submit[i];
            unheld[counted] = endToEnd[counted] - held[counted];
            counted++;
        }
        long[] sent = allHandovers.stream().mapToLong(Long::longValue).sorted().toArray();
        int clientViolations = 0;
        for (int i = rate; i < sent.length; i++) {
            if (sent[i] - sent[i - rate] < SECOND) {
                clientViolations++;
            }
        }
        System.out.printf("%n== whatsapp-ai GraphWhatsAppClient, %d msg/s configured, pacing burst %d, %d s measured"
                + " (+%d s warm-up)%n", rate, burst, seconds, WARMUP_SECONDS);
        System.out.printf("sends=%d completed=%d failed=%d; whole run %.1f s%n", n, counted, failures.get(), elapsed / 1e9);
        System.out.printf("requests the client handed to HTTP beyond %d in a 1 s window (client-caused): %d of %d%n",
                rate, clientViolations, sent.length);
        int measured429 = 0;
        for (int i = from; i < total; i++) {
            measured429 += stub.rejected[i] ? 1 : 0;
        }
        System.out.printf("sends answered 429 by the stub: %d in the measured %d s, %d in all (retried; left out of the"
                + " times below)%n", measured429, seconds, stub.tooFast.get());
        System.out.printf("achieved pace at the stub: %.1f msg/s%n", stub.achievedRate(from));
        print("client (whatsapp-ai's own code)", Arrays.copyOf(own, counted));
        print("pacer hold (deliberate)", Arrays.copyOf(held, counted));
        print("transport (JDK HttpClient + loopback + stub)", Arrays.copyOf(transport, counted));
        print("end to end", Arrays.copyOf(endToEnd, counted));
        print("end to end without the pacer hold", Arrays.copyOf(unheld, counted));
    }

    /**
     * The same requests through the bare JDK client, one every pacer interval (the pace the SDK sustains),
     * with the SDK's request timeout: what a send costs without whatsapp-ai.
     */
    private static void barePhase(int rate, int seconds, String when) throws Exception {
        int total = rate * (WARMUP_SECONDS + seconds);
        long[] submit = new long[total];
        long[] done = new long[total];
        Stub stub = new Stub(rate, total);
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        URI uri = URI.create(stub.baseUrl() + "/v26.0/1234567890/messages");
        CountDownLatch finished = new CountDownLatch(total);
        long pacerInterval = (long) (SECOND * 1.02 / rate);
        drive(pacerInterval, total, finished, i -> {
            submit[i] = System.nanoTime();
            byte[] body = ("{\"messaging_product\":\"whatsapp\",\"recipient_type\":\"individual\",\"to\":\"+62812" + i
                    + "\",\"type\":\"text\",\"text\":{\"body\":\"m" + i + "\",\"preview_url\":false}}")
                    .getBytes(StandardCharsets.UTF_8);
            HttpRequest request = HttpRequest.newBuilder(uri)
                    .header("Authorization", "Bearer bench-token")
                    .header("Content-Type", "application/json")
                    .timeout(Duration.ofSeconds(30))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                    .build();
            http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray()).whenComplete((r, e) -> {
                done[i] = System.nanoTime();
                finished.countDown();
            });
        });
        stub.stop();
        int from = rate * WARMUP_SECONDS;
        long[] transport = new long[total - from];
        int counted = 0;
        for (int i = from; i < total; i++) {
            if (done[i] != 0 && !stub.rejected[i]) {
                transport[counted++] = done[i] - submit[i];
            }
        }
        System.out.printf("%n== bare JDK HttpClient (%s), same requests, one every %.3f ms (the pacer's pace), "
                + "%d answered 429 by the stub%n", when, pacerInterval / 1e6, stub.tooFast.get());
        print("send to response (JDK HttpClient + loopback + stub)", Arrays.copyOf(transport, counted));
    }

    /** Calls {@code send} for 0..total-1, one every {@code interval} ns, and waits for all to finish; returns the run's length. */
    private static long drive(long interval, int total, CountDownLatch finished, java.util.function.IntConsumer send)
            throws InterruptedException {
        ScheduledExecutorService driver = Executors.newSingleThreadScheduledExecutor();
        AtomicInteger next = new AtomicInteger();
        long start = System.nanoTime();
        driver.scheduleAtFixedRate(() -> {
            int i = next.getAndIncrement();
            if (i < total) {
                send.accept(i);
            }
        }, 0, interval, TimeUnit.NANOSECONDS);
        if (!finished.await(WARMUP_SECONDS + total * interval / SECOND + 120L, TimeUnit.SECONDS)) {
            System.out.println("did not finish: " + finished.getCount() + " sends outstanding");
        }
        driver.shutdownNow();
        return System.nanoTime() - start;
    }

    private static void print(String what, long[] values) {
        Arrays.sort(values);
        System.out.printf("%-46s p50=%7.3f ms  p99=%7.3f ms  p99.9=%7.3f ms  max=%7.3f ms  (n=%d)%n", what,
                ms(pct(values, 50)), ms(pct(values, 99)), ms(pct(values, 99.9)),
                ms(values.length == 0 ? 0 : values[values.length - 1]), values.length);
    }

    /**
     * The stub Graph API: answers every request at once, and 429 / 130429 to a request that would make
     * the last second of arrivals hold more than {@code rate} requests.
     */
    private static final class Stub {
        final AtomicInteger tooFast = new AtomicInteger();
        final boolean[] rejected;
        final long[] arrival;
        private final long[] window;
        private int oldest;
        private final HttpServer server;
        private final ExecutorService threads = Executors.newFixedThreadPool(4);

        Stub(int rate, int total) throws IOException {
            rejected = new boolean[total];
            arrival = new long[total];
            window = new long[rate];
            Arrays.fill(window, Long.MIN_VALUE / 4);
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 512);
            server.setExecutor(threads);
            server.createContext("/", exchange -> {
                long in = System.nanoTime();
                byte[] body;
                try (InputStream is = exchange.getRequestBody()) {
                    body = is.readAllBytes();
                }
                int id = idOf(new String(body, StandardCharsets.UTF_8));
                boolean reject;
                synchronized (window) {
                    reject = in - window[oldest] < SECOND;
                    if (!reject) {
                        window[oldest] = in;
                        oldest = (oldest + 1) % window.length;
                    }
                }
                if (reject) {
                    tooFast.incrementAndGet();
                    if (id >= 0) {
                        rejected[id] = true;
                    }
                } else if (id >= 0) {
                    arrival[id] = in;
                }
                byte[] answer = (reject ? TOO_FAST : OK).getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                exchange.sendResponseHeaders(reject ? 429 : 200, answer.length);
                try (OutputStream os = exchange.getResponseBody()) {
                    os.write(answer);
                }
            });
            server.start();
        }

        String baseUrl() {
            return "http://127.0.0.1:" + server.getAddress().getPort();
        }

        /** Accepted arrivals per second from send {@code from} on. */
        double achievedRate(int from) {
            long first = Long.MAX_VALUE;
            long last = 0;
            int count = 0;
            for (int i = from; i < arrival.length; i++) {
                if (arrival[i] != 0) {
                    first = Math.min(first, arrival[i]);
                    last = Math.max(last, arrival[i]);
                    count++;
                }
            }
            return count < 2 ? 0 : (count - 1) / ((last - first) / 1e9);
        }

        void stop() {
            server.stop(0);
            threads.shutdownNow();
        }
    }

    private static int idOf(HttpRequest.BodyPublisher publisher) {
        ByteCollector c = new ByteCollector();
        publisher.subscribe(c);
        return idOf(c.text());
    }

    private static int idOf(String body) {
        int at = body.indexOf("\"body\":\"m");
        if (at < 0) {
            return -1;
        }
        int from = at + 9;
        int to = body.indexOf('"', from);
        return Integer.parseInt(body, from, to, 10);
    }

    private static long pct(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        int idx = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, idx))];
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }

    /** Observes each request as the client hands it to the HTTP stack, and its response as the stack completes it. */
    private interface Observer {
        void handedOver(int id, long nanoTime);

        void responded(int id, long nanoTime);
    }

    /** Reads a (byte-array) body publisher synchronously. */
    private static final class ByteCollector implements java.util.concurrent.Flow.Subscriber<java.nio.ByteBuffer> {
        private final java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();

        @Override
        public void onSubscribe(java.util.concurrent.Flow.Subscription s) {
            s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(java.nio.ByteBuffer item) {
            byte[] b = new byte[item.remaining()];
            item.get(b);
            out.write(b, 0, b.length);
        }

        @Override
        public void onError(Throwable t) {
        }

        @Override
        public void onComplete() {
        }

        String text() {
            return out.toString(StandardCharsets.UTF_8);
        }
    }

    /** Records the moment each request enters the HTTP stack. */
    private static final class TimedHttpClient extends Delegating {
        private final Observer observer;

        TimedHttpClient(HttpClient delegate, Observer observer) {
            super(delegate);
            this.observer = observer;
        }

        @Override
        public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request, BodyHandler<T> handler) {
            long now = System.nanoTime();
            int id = request.bodyPublisher().map(PacingLoadBenchmark::idOf).orElse(-1);
            observer.handedOver(id, now);
            CompletableFuture<HttpResponse<T>> outcome = new CompletableFuture<>();
            super.sendAsync(request, handler).whenComplete((response, error) -> {
                observer.responded(id, System.nanoTime());
                if (error != null) {
                    outcome.completeExceptionally(error);
                } else {
                    outcome.complete(response);
                }
            });
            return outcome;
        }
    }

    /** An {@link HttpClient} that forwards everything. */
    private static class Delegating extends HttpClient {
        private final HttpClient delegate;

        Delegating(HttpClient delegate) {
            this.delegate = delegate;
        }

        @Override
        public Optional<CookieHandler> cookieHandler() {
            return delegate.cookieHandler();
        }

        @Override
        public Optional<Duration> connectTimeout() {
            return delegate.connectTimeout();
        }

        @Override
        public Redirect followRedirects() {
            return delegate.followRedirects();
        }

        @Override
        public Optional<ProxySelector> proxy() {
            return delegate.proxy();
        }

        @Override
        public SSLContext sslContext() {
            return delegate.sslContext();
        }

        @Override
        public SSLParameters sslParameters() {
            return delegate.sslParameters();
        }

        @Override
        public Optional<Authenticator> authenticator() {
            return delegate.authenticator();
        }

        @Override
        public Version version() {
            return delegate.version();
        }

        @Override
        public Optional<Executor> executor() {
            return delegate.executor();
        }

        @Override
        public <T> HttpResponse<T> send(HttpRequest request, BodyHandler<T> handler) throws IOException, InterruptedException {
            return delegate.send(request, handler);
        }

        @Override
        public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request, BodyHandler<T> handler) {
            return delegate.sendAsync(request, handler);
        }

        @Override
        public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request, BodyHandler<T> handler,
                                                                PushPromiseHandler<T> push) {
            return delegate.sendAsync(request, handler, push);
        }
    }
}
