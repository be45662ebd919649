package io.github.whatsappai.servlet.bench;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.github.whatsappai.WhatsAppAi;
import io.github.whatsappai.WhatsAppAiConfig;
import io.github.whatsappai.ai.AiReply;
import io.github.whatsappai.event.Event;
import io.github.whatsappai.event.EventListener;
import io.github.whatsappai.event.LoggingEventListener;
import io.github.whatsappai.servlet.WhatsAppWebhookServlet;
import io.github.whatsappai.store.postgres.PostgresStateStore;
import io.github.whatsappai.testing.RecordingWhatsAppClient;
import io.github.whatsappai.webhook.InboundHandler;
import io.github.whatsappai.webhook.model.InboundMessage;
import org.eclipse.jetty.ee11.servlet.ServletContextHandler;
import org.eclipse.jetty.ee11.servlet.ServletHolder;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

import java.net.URI;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
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
 * <p><b>Durable mode</b> ({@code -Dbench.store=postgres}): the conversation engine on a
 * {@link PostgresStateStore} instead of the inbound handler, so every accepted delivery is committed
 * (ledger, message, due time) before its 200, as in production. The database comes from
 * {@code BENCH_JDBC_URL} ({@code jdbc:postgresql://…}) or {@code DATABASE_URL}
 * ({@code postgres://user[:password]@host:port/db}), through a HikariCP pool of
 * {@code bench.pool} connections (default 16, as the harness's INSERT anchor). The schema
 * {@code whatsapp_ai} is DROPPED and created again at start, so each run starts empty like the
 * anchor's truncated table: never point it at a database whose data matters. The buffer window and
 * maximum wait are one hour and the batch cap 1 000 000, so no burst falls due during a run and the
 * figure is the accept path alone (a fixed reply and a recording WhatsApp client stand behind the
 * engine; they are never reached). {@code bench.commitThreads} sets the store's commit threads.
 * Answers that were not 200 (the store did not commit within its 2 s deadline: 503) are counted and
 * printed on shutdown. For durable figures, run {@code whatsapp-ai-servlet/src/bench/durable-ingest-figures.sh}
 * (docs/performance/durable-ingest.md): it alternates this mode with the harness's INSERT anchor.
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
        boolean durable = "postgres".equals(System.getProperty("bench.store", "memory"));
        WhatsAppAiConfig.Builder settings = WhatsAppAiConfig.builder()
                .appSecrets("bench-secret")
                .verifyToken("bench-verify-token")
                .phoneNumberIds("106540352242922", "106540352242923", "106540352242924")
                .businessAccountIds("102290129340398")
                .rateLimitPerMinute(1_000_000)
                .maxMessageAge(Duration.ofDays(7))
                .dedupCapacity(1_000);
        if (durable) {
            // no burst falls due during a run: the figure is the accept path alone
            settings.bufferWindow(Duration.ofHours(1)).bufferMaxWait(Duration.ofHours(1))
                    .bufferMaxBatchSize(1_000_000)
                    .accessToken("bench-unused").graphApiBaseUrl("http://127.0.0.1:9");
        }
        WhatsAppAiConfig config = settings.build();
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
        LongAdder unavailable = new LongAdder();
        events = events.andThen(event -> {
            if (event instanceof Event.SpiFailed) {
                unavailable.increment();
            }
        });
        HikariDataSource pool = null;
        PostgresStateStore store = null;
        WhatsAppAi ai;
        if (durable) {
            pool = pool(System.getenv());
            emptySchema(pool);
            store = PostgresStateStore.builder(pool)
                    .policy(config.buffer())
                    .ledgerRetention(config.guards().maxMessageAge().plusHours(1))
                    .commitThreads(Integer.getInteger("bench.commitThreads", 2))
                    .build();
            ai = WhatsAppAi.builder().config(config).stateStore(store).eventListener(events)
                    .aiResponder(request -> AiReply.of("bench reply", "bench"))
                    .whatsAppClient(new RecordingWhatsAppClient())
                    .build();
        } else {
            ai = WhatsAppAi.builder().config(config).inboundHandler(handler).eventListener(events).build();
        }
        HikariDataSource database = pool;
        PostgresStateStore durableStore = store;

        QueuedThreadPool threads = new QueuedThreadPool(Integer.getInteger("bench.maxThreads", 200), 8);
        threads.setName("jetty");
        Server server = new Server(threads);
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
            if (durableStore != null) {
                System.out.println("sdk-durable: " + durableStore.stats(System.currentTimeMillis())
                        + ", deliveries not committed (503) " + unavailable.sum());
                durableStore.close();
                database.close();
            } else {
                System.out.println("sdk: messages handed on " + accepted.sum() + ", duplicates ignored "
                        + duplicates.sum());
            }
        }, "bench-shutdown"));
        server.start();
        System.out.println("READY WhatsAppWebhookServlet on http://127.0.0.1:" + connector.getLocalPort() + PATH
                + " (java " + Runtime.version() + (durable ? ", PostgresStateStore" : ", in memory") + ")");
        server.join();
    }

    /** A pool on {@code BENCH_JDBC_URL} or {@code DATABASE_URL}, {@code bench.pool} connections (default 16). */
    private static HikariDataSource pool(Map<String, String> env) {
        String url = env.get("BENCH_JDBC_URL");
        HikariConfig config = new HikariConfig();
        if (url == null) {
            String database = env.get("DATABASE_URL");
            if (database == null) {
                throw new IllegalArgumentException("durable mode needs BENCH_JDBC_URL (jdbc:postgresql://...) or"
                        + " DATABASE_URL (postgres://user@host:port/db); the harness's pg.sh start prints both");
            }
            URI uri = URI.create(database);
            url = "jdbc:postgresql://" + uri.getHost() + ":" + (uri.getPort() > 0 ? uri.getPort() : 5432)
                    + uri.getPath();
            String user = uri.getUserInfo();
            if (user != null) {
                int colon = user.indexOf(':');
                config.setUsername(colon < 0 ? user : user.substring(0, colon));
                if (colon >= 0) {
                    config.setPassword(user.substring(colon + 1));
                }
            }
        }
        config.setJdbcUrl(url);
        int size = Integer.getInteger("bench.pool", 16);
        config.setMaximumPoolSize(size);
        config.setMinimumIdle(size);
        config.setPoolName("bench-store");
        return new HikariDataSource(config);
    }

    /** Drops the store's schema: every run starts empty (the migrator creates it again). */
    private static void emptySchema(HikariDataSource pool) throws Exception {
        try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
            s.execute("drop schema if exists " + "whatsapp_ai" + " cascade");
        }
    }
}
