package io.github.whatsappai.bench;

import io.github.whatsappai.WhatsAppAi;
import io.github.whatsappai.WhatsAppAiConfig;
import io.github.whatsappai.event.EventListener;
import io.github.whatsappai.testing.SignedWebhooks;
import io.github.whatsappai.testing.WebhookPayloads;
import io.github.whatsappai.internal.webhook.WebhookParser;
import io.github.whatsappai.webhook.WebhookRequest;
import io.github.whatsappai.webhook.WebhookResponse;
import io.github.whatsappai.webhook.WebhookVerifier;
import io.github.whatsappai.webhook.model.WebhookDelivery;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The request-thread cost of one ~1 KB text delivery: signature check, parse, guards (business
 * filter, identity, de-duplication, stale guard, sanitising, rate limit) and the hand-off to a no-op
 * handler. One thread. Every invocation posts a different wamid (16 384 pre-signed bodies, cycled;
 * the de-duplication store holds 64 ids) so the accept path is measured, not the duplicate path;
 * the share of accepted messages is printed at the end. {@code verifyOnly} and {@code parseOnly}
 * break the figure down. Each iteration also prints the benchmark thread's CPU time per operation,
 * which stays meaningful when other processes load the machine.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class IngestBench {

    private static final String SECRET = "bench_app_secret";
    private static final int BODIES = 1 << 14;
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private WhatsAppAi ai;
    private WebhookRequest[] requests;
    private WebhookVerifier verifier;
    private WebhookParser parser;
    private int next;
    private long handled;
    private long invocations;
    private long ops;
    private long iterationOps;
    private long iterationCpu;

    @Setup(Level.Trial)
    public void setUp() {
        WhatsAppAiConfig config = WhatsAppAiConfig.builder()
                .appSecrets(SECRET)
                .verifyToken("bench")
                .phoneNumberIds(WebhookPayloads.DEFAULT_PHONE_NUMBER_ID)
                .dedupCapacity(64)
                .rateLimitPerMinute(Integer.MAX_VALUE)
                .build();
        Clock clock = Clock.fixed(Instant.ofEpochSecond(WebhookPayloads.DEFAULT_TIMESTAMP + 60), ZoneOffset.UTC);
        ai = WhatsAppAi.builder().config(config).clock(clock).eventListener(EventListener.noop())
                .inboundHandler(message -> handled++).build();
        String text = "Hello! I ordered a fern last week and it still has not arrived. Could you check the "
                + "status of my order and tell me when it will be delivered? Also, do you deliver on Sundays "
                + "and is there a fee for weekend delivery? Pre\u00e7o em caf\u00e9? 50% off/promo @store "
                + "\uD83D\uDE42 Thanks a lot for your help, have a nice day! I am at home all afternoon, so "
                + "any time after two o'clock works; please ring twice, the bell is broken.";
        requests = new WebhookRequest[BODIES];
        for (int i = 0; i < BODIES; i++) {
            byte[] body = WebhookPayloads.text(text).wamid("wamid.HBgLMTU1NTU1NTAxMjMVAgASGBRJTi1CRU5DSC0" + i)
                    .from(Long.toString(15_555_500_000L + (i % 1000))).userId("US.1349120865530" + (i % 1000))
                    .toBytes();
            requests[i] = SignedWebhooks.signedPost(body, SECRET);
        }
        verifier = new WebhookVerifier(List.of(SECRET), "bench");
        parser = new WebhookParser();
        System.out.println("\nbody size: " + requests[0].body().length + " bytes");
    }

    /** Runs on the benchmark thread: its CPU time is what one request costs, whatever the machine's load. */
    @Setup(Level.Iteration)
    public void startIteration() {
        iterationOps = ops;
        iterationCpu = THREADS.getCurrentThreadCpuTime();
    }

    @TearDown(Level.Iteration)
    public void endIteration() {
        long n = ops - iterationOps;
        if (n > 0) {
            System.out.printf(" [thread CPU %.3f us/op]", (THREADS.getCurrentThreadCpuTime() - iterationCpu) / 1000.0 / n);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        ai.close();
        if (invocations > 0) {
            System.out.printf("%naccepted %d of %d ingest invocations (%.2f%%)%n", handled, invocations,
                    100.0 * handled / invocations);
        }
    }

    private WebhookRequest nextRequest() {
        ops++;
        WebhookRequest r = requests[next];
        next = (next + 1) & (BODIES - 1);
        return r;
    }

    /** Verify + parse + guards + hand-off. */
    @Benchmark
    public WebhookResponse ingest() {
        invocations++;
        return ai.handle(nextRequest());
    }

    /** Signature check only. */
    @Benchmark
    public WebhookVerifier.SignatureCheck verifyOnly() {
        WebhookRequest r = nextRequest();
        return verifier.verifySignature(r.header(WebhookVerifier.SIGNATURE_HEADER), r.body());
    }

    /** Parsing only. */
    @Benchmark
    public WebhookDelivery parseOnly() {
        return parser.parse(nextRequest().body());
    }
}
