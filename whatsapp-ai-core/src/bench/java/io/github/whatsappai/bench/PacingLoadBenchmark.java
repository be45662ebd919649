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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/**
 * Sustained-pace load test of {@link GraphWhatsAppClient} against a local stub Graph API.
 *
 * <p>The stub (JDK {@code HttpServer} on 127.0.0.1) answers every send at once and enforces the
 * configured rate over every one-second window of arrivals: a request that would make the window
 * hold more than {@code rate} requests is answered 429 with Graph error 130429 and counted. The
 * driver submits {@code rate} sends per second to distinct recipients for the given duration
 * (after a 5 s warm-up) and reports the 429s and the client overhead per send: the time from the
 * call to the stub's receipt plus the time from the stub's finished answer to the future's
 * completion, minus the stub's own time and minus the pacer's intended hold (the time from the
 * return of {@code send} to the request's hand-over to the HTTP client, when the pacer queued it).
 *
 * <pre>./mvnw -B -o -Pbench -pl whatsapp-ai-core test-compile exec:exec \
 *     -Dbench.main=io.github.whatsappai.bench.PacingLoadBenchmark -Dbench.args="80 30"</pre>
 */
public final class PacingLoadBenchmark {

    private static final String OK = "{\"messaging_product\":\"whatsapp\",\"contacts\":[{\"input\":\"+1\",\"wa_id\":\"1\"}],"
            + "\"messages\":[{\"id\":\"wamid.BENCH\"}]}";
    private static final String TOO_FAST = "{\"error\":{\"message\":\"(#130429) Rate limit hit\",\"type\":\"OAuthException\","
            + "\"code\":130429,\"fbtrace_id\":\"bench\"}}";
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    private PacingLoadBenchmark() {
    }

    /**
     * Runs the load test.
     *
     * @param args rate (messages/s) and measured seconds, as separate arguments or one "80 30" string
     */
    public static void main(String[] args) throws Exception {
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
                .setLevel(ch.qos.logback.classic.Level.INFO);
        String[] a = String.join(" ", args).trim().split("[\\s,]+");
        int rate = a.length > 0 && !a[0].isEmpty() ? Integer.parseInt(a[0]) : 80;
        int seconds = a.length > 1 ? Integer.parseInt(a[1]) : 30;
        int warmup = 5;
        int total = rate * (warmup + seconds);

        long[] submit = new long[total];
        long[] returned = new long[total];
        long[] dispatch = new long[total];
        long[] arrival = new long[total];
        long[] answered = new long[total];
        long[] done = new long[total];
        boolean[] rejected = new boolean[total];
        long[] arrivalsWindow = new long[rate];
        Arrays.fill(arrivalsWindow, Long.MIN_VALUE / 4);
        int[] oldest = {0};
        AtomicInteger tooFast = new AtomicInteger();
        AtomicInteger failures = new AtomicInteger();

        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 512);
        ExecutorService stubThreads = Executors.newFixedThreadPool(4);
        server.setExecutor(stubThreads);
        server.createContext("/", exchange -> {
            long in = System.nanoTime();
            byte[] body;
            try (InputStream is = exchange.getRequestBody()) {
                body = is.readAllBytes();
            }
            int id = idOf(new String(body, StandardCharsets.UTF_8));
            boolean reject;
            synchronized (arrivalsWindow) {
                reject = in - arrivalsWindow[oldest[0]] < SECOND;
                if (!reject) {
                    arrivalsWindow[oldest[0]] = in;
                    oldest[0] = (oldest[0] + 1) % rate;
                }
            }
            byte[] answer = (reject ? TOO_FAST : OK).getBytes(StandardCharsets.UTF_8);
            if (reject) {
                tooFast.incrementAndGet();
                if (id >= 0) {
                    rejected[id] = true;
                }
            } else if (id >= 0) {
                arrival[id] = in;
            }
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(reject ? 429 : 200, answer.length);
            try (OutputStream os = exchange.getResponseBody()) {
                os.write(answer);
            }
            if (!reject && id >= 0) {
                answered[id] = System.nanoTime();
            }
        });
        server.start();

        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        java.util.Queue<Long> allDispatches = new java.util.concurrent.ConcurrentLinkedQueue<>();
        HttpClient timed = new TimedHttpClient(http, (request, now) -> {
            allDispatches.add(now);
            int id = request.bodyPublisher().map(PacingLoadBenchmark::idOf).orElse(-1);
            if (id >= 0 && dispatch[id] == 0) {
                dispatch[id] = now;
            }
        });
        ScheduledExecutorService clientScheduler = Executors.newSingleThreadScheduledExecutor();
        GraphWhatsAppClient client = GraphWhatsAppClient.builder()
                .accessToken("bench-token")
                .graphApiBaseUrl("http://127.0.0.1:" + server.getAddress().getPort())
                .outboundMessagesPerSecond(rate)
                .httpClient(timed)
                .scheduler(clientScheduler)
                .build();

        ScheduledExecutorService driver = Executors.newSingleThreadScheduledExecutor();
        CountDownLatch finished = new CountDownLatch(total);
        AtomicInteger next = new AtomicInteger();
        long interval = SECOND / rate;
        long start = System.nanoTime();
        driver.scheduleAtFixedRate(() -> {
            int i = next.getAndIncrement();
            if (i >= total) {
                return;
            }
            long t0 = System.nanoTime();
            submit[i] = t0;
            CompletableFuture<?> f = client.send("1234567890", new Recipient("62812" + i, null), TextMessage.of("m" + i));
            returned[i] = System.nanoTime();
            f.whenComplete((r, e) -> {
                done[i] = System.nanoTime();
                if (e != null) {
                    failures.incrementAndGet();
                }
                finished.countDown();
            });
        }, 0, interval, TimeUnit.NANOSECONDS);

        if (!finished.await(warmup + seconds + 120L, TimeUnit.SECONDS)) {
            System.out.println("did not finish: " + finished.getCount() + " sends outstanding");
        }
        long elapsed = System.nanoTime() - start;
        driver.shutdownNow();
        client.close();
        clientScheduler.shutdownNow();
        server.stop(0);
        stubThreads.shutdownNow();

        int from = rate * warmup;
        int n = total - from;
        long[] overhead = new long[n];
        long[] endToEnd = new long[n];
        long[] held = new long[n];
        int counted = 0;
        for (int i = from; i < total; i++) {
            if (arrival[i] == 0 || answered[i] == 0 || done[i] == 0 || rejected[i]) {
                continue;
            }
            long hold = dispatch[i] > returned[i] ? dispatch[i] - returned[i] : 0;
            long before = arrival[i] - submit[i] - hold;
            long after = done[i] - answered[i];
            overhead[counted] = before + after;
            endToEnd[counted] = done[i] - submit[i];
            held[counted] = hold;
            counted++;
        }
        overhead = Arrays.copyOf(overhead, counted);
        endToEnd = Arrays.copyOf(endToEnd, counted);
        held = Arrays.copyOf(held, counted);
        Arrays.sort(overhead);
        Arrays.sort(endToEnd);
        Arrays.sort(held);
        long firstMeasured = Long.MAX_VALUE;
        long lastMeasured = 0;
        for (int i = from; i < total; i++) {
            if (arrival[i] != 0) {
                firstMeasured = Math.min(firstMeasured, arrival[i]);
                lastMeasured = Math.max(lastMeasured, arrival[i]);
            }
        }
        long[] sent = allDispatches.stream().mapToLong(Long::longValue).sorted().toArray();
        int clientViolations = 0;
        for (int i = rate; i < sent.length; i++) {
            if (sent[i] - sent[i - rate] < SECOND) {
                clientViolations++;
            }
        }
        double achieved = (counted - 1) / ((lastMeasured - firstMeasured) / 1e9);
        System.out.printf("rate=%d/s measured=%ds (+%ds warm-up) sends=%d completed=%d failed=%d 429s=%d%n",
                rate, seconds, warmup, n, counted, failures.get(), tooFast.get());
        System.out.printf("requests the client handed to HTTP beyond %d in a 1 s window (client-caused): %d of %d%n",
                rate, clientViolations, sent.length);
        System.out.printf("achieved pace at the stub: %.1f msg/s; whole run %.1f s%n", achieved, elapsed / 1e9);
        System.out.printf("sends answered 429 and retried (excluded from the latencies below): %d%n", n - counted);
        System.out.printf("client overhead (stub time and pacer hold excluded): p50=%.3f ms p99=%.3f ms p99.9=%.3f ms max=%.3f ms%n",
                ms(pct(overhead, 50)), ms(pct(overhead, 99)), ms(pct(overhead, 99.9)), ms(overhead[overhead.length - 1]));
        System.out.printf("pacer hold: p50=%.3f ms p99=%.3f ms; end-to-end: p50=%.3f ms p99=%.3f ms%n",
                ms(pct(held, 50)), ms(pct(held, 99)), ms(pct(endToEnd, 50)), ms(pct(endToEnd, 99)));
        System.exit(0);
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

    /** Observes each request as the client hands it to the HTTP stack. */
    @FunctionalInterface
    private interface Observer {
        void sent(HttpRequest request, long nanoTime);
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
            observer.sent(request, System.nanoTime());
            return super.sendAsync(request, handler);
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
