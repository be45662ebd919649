package io.github.whatsappai.servlet.bench;

import io.github.whatsappai.WhatsAppAi;
import io.github.whatsappai.WhatsAppAiConfig;
import io.github.whatsappai.event.Event;
import io.github.whatsappai.event.EventListener;
import io.github.whatsappai.event.LoggingEventListener;
import io.github.whatsappai.servlet.WhatsAppWebhookServlet;
import io.github.whatsappai.webhook.InboundHandler;
import io.github.whatsappai.webhook.model.InboundMessage;
import org.eclipse.jetty.ee11.servlet.ServletContextHandler;
import org.eclipse.jetty.ee11.servlet.ServletHolder;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

import java.time.Duration;
import java.util.concurrent.atomic.LongAdder;

/**
 * Load-benchmark server (not a test): {@link WhatsAppWebhookServlet} in embedded Jetty 12.1 (ee11) on
 * {@code 127.0.0.1:PORT/webhook/whatsapp}, with the full ingest path of {@link WhatsAppAi} (signature,
 * parsing, number filter, identity checks, sanitising, stale guard, de-duplication, rate limit, hand-off)
 * and an inbound handler that only counts; events go to the default {@link LoggingEventListener} (root level
 * INFO from the test classpath's {@code logback-test.xml}). Set up for the load harness described in
 * {@code docs/performance/ingest.md}:
 * <ul>
 *   <li>app secret {@code bench-secret}, verify token {@code bench-verify-token};</li>
 *   <li>phone number ids 106540352242922, 106540352242923, 106540352242924 and WABA 102290129340398;</li>
 *   <li>rate limit 1 000 000 messages per sender per minute (20 000 senders replayed at full speed);</li>
 *   <li>maximum message age 7 days (the generator stamps deliveries an hour before generation);</li>
 *   <li>de-duplication capacity 1 000, far below the 100 000 deliveries of the data file, so that a
 *       message id has almost always been evicted before wrk cycles back to it and requests take the
 *       accept path (the store forgets the oldest ids first). Duplicates are counted and printed on
 *       shutdown.</li>
 * </ul>
 * The Jetty set-up (thread pool 200/8, no server version header) matches the harness's LIMIT anchor.
 *
 * <p>For figures, run {@code whatsapp-ai-servlet/src/bench/ingest-figures.sh}: it starts this server and
 * the harness's LIMIT anchor alternately from the shell that runs wrk. To try the server by hand:
 * <pre>
 * ./mvnw -B -q -Pbench -pl whatsapp-ai-servlet -am verify -Dbench.port=8080
 * </pre>
 * and drive it from the same terminal session: a server in another session (another terminal,
 * {@code setsid}) gets its own scheduling autogroup, and wrk's figures no longer compare with
 * LIMIT's.
 */
public final class BenchServer {

    /** The path the harness posts to. */
    public static final String PATH = "/webhook/whatsapp";

    private BenchServer() {
    }

    /**
     * Starts the server and blocks until the process is stopped.
     *
     * @param args {@code [PORT]}, default 8080
     */
    public static void main(String[] args) throws Exception {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 8080;
        WhatsAppAiConfig config = WhatsAppAiConfig.builder()
                .appSecrets("bench-secret")
                .verifyToken("bench-verify-token")
                .phoneNumberIds("106540352242922", "106540352242923", "106540352242924")
                .businessAccountIds("102290129340398")
                .rateLimitPerMinute(1_000_000)
                .maxMessageAge(Duration.ofDays(7))
                .dedupCapacity(1_000)
                .build();
        LongAdder accepted = new LongAdder();
        InboundHandler handler = new InboundHandler() {
            @Override
            public void onMessage(InboundMessage message) {
                accepted.increment();
            }
        };
        LongAdder duplicates = new LongAdder();
        EventListener events = new LoggingEventListener().andThen(event -> {
            if (event instanceof Event.DuplicateIgnored) {
                duplicates.increment();
            }
        });
        WhatsAppAi ai = WhatsAppAi.builder().config(config).inboundHandler(handler).eventListener(events).build();

        QueuedThreadPool pool = new QueuedThreadPool(Integer.getInteger("bench.maxThreads", 200), 8);
        pool.setName("jetty");
        Server server = new Server(pool);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
        connector.setHost("127.0.0.1");
        connector.setPort(port);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler("/");
        context.addServlet(new ServletHolder(new WhatsAppWebhookServlet(ai)), PATH);
        server.setHandler(context);
        server.setStopAtShutdown(true);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            ai.close();
            System.out.println("sdk: messages handed on " + accepted.sum() + ", duplicates ignored "
                    + duplicates.sum());
        }, "bench-shutdown"));
        server.start();
        System.out.println("READY WhatsAppWebhookServlet on http://127.0.0.1:" + connector.getLocalPort() + PATH
                + " (java " + Runtime.version() + ")");
        server.join();
    }
}
