package io.github.whatsappai.examples.demo;

import io.github.whatsappai.WhatsAppAi;
import io.github.whatsappai.WhatsAppAiConfig;
import io.github.whatsappai.ai.AiResponder;
import io.github.whatsappai.ai.KnowledgeBaseResponder;
import jakarta.servlet.MultipartConfigElement;
import io.github.whatsappai.ai.OpenRouterResponder;
import io.github.whatsappai.ai.knowledge.Embedder;
import io.github.whatsappai.ai.knowledge.KnowledgeBaseSettings;
import io.github.whatsappai.ai.knowledge.PdfKnowledgeBase;
import io.github.whatsappai.ai.knowledge.PostgresVectorCache;
import io.github.whatsappai.client.GraphWhatsAppClient;
import io.github.whatsappai.event.Event;
import io.github.whatsappai.event.EventListener;
import io.github.whatsappai.event.LoggingEventListener;
import io.github.whatsappai.examples.health.HealthCheck;
import io.github.whatsappai.examples.health.HealthChecks;
import io.github.whatsappai.examples.health.WhatsAppAiHealth;
import io.github.whatsappai.examples.jdbc.JdbcChatLogger;
import io.github.whatsappai.examples.jdbc.JdbcCreditGate;
import io.github.whatsappai.examples.jdbc.JdbcSessionStore;
import io.github.whatsappai.examples.jdbc.JdbcUserMapper;
import io.github.whatsappai.examples.supabase.SupabaseChatLogger;
import io.github.whatsappai.servlet.WhatsAppWebhookServlet;
import io.github.whatsappai.spi.InMemoryChatLogger;
import io.github.whatsappai.spi.InMemorySessionStore;
import io.github.whatsappai.spi.InMemoryUserMapper;
import org.eclipse.jetty.ee11.servlet.ServletContextHandler;
import org.eclipse.jetty.ee11.servlet.ServletHolder;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.BindException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import javax.sql.DataSource;

/**
 * The demo: the webhook servlet in embedded Jetty at {@code /webhook/whatsapp}, runnable with no
 * credentials and no database.
 *
 * <p>Without configuration it uses a documented local app secret and verify token
 * ({@link #DEMO_APP_SECRET}, {@link #DEMO_VERIFY_TOKEN}; the chat simulator shares them), in-memory
 * storage, the offline knowledge-base responder over the bundled sample PDF, and a local stand-in for
 * the Graph API that prints each outgoing message. Each part switches to the real service when its
 * variables are set: {@code OPENROUTER_API_KEY} (replies from OpenRouter, the knowledge-base responder
 * as fallback), {@code META_ACCESS_TOKEN} (sends through the Graph API), {@code DATABASE_URL} (users,
 * credits, sessions and chat logs in PostgreSQL, and the SDK's durable state store: demos on one
 * database are replicas that share the work; see {@link DemoDatabase}), {@code SUPABASE_URL} + {@code SUPABASE_KEY} (chat
 * logs in Supabase), {@code EMBEDDINGS_BASE_URL} + {@code EMBEDDINGS_MODEL} (hybrid retrieval; with
 * {@code DATABASE_URL} the passage vectors are cached in PostgreSQL, so a restart or another demo on
 * the same database embeds only new text). Every variable of {@link WhatsAppAiConfig} is honoured,
 * plus {@code PORT} (default 8080).
 */
public final class DemoServer implements AutoCloseable {

    /** The demo's app secret when {@code META_APP_SECRET} is unset. Never use it in production. */
    public static final String DEMO_APP_SECRET = "demo-app-secret-do-not-use-in-production";
    /** The demo's verify token when {@code META_WEBHOOK_VERIFY_TOKEN} is unset. */
    public static final String DEMO_VERIFY_TOKEN = "demo-verify-token";
    /** The demo's business phone number id when {@code META_PHONE_NUMBER_ID} is unset. */
    public static final String DEMO_PHONE_NUMBER_ID = "100000000000001";
    /** The webhook path. */
    public static final String WEBHOOK_PATH = "/webhook/whatsapp";
    /** Where the local Graph API stand-in listens, below the demo's own port. */
    public static final String LOCAL_GRAPH_PATH = "/graph";
    /** Where the chat simulator reads the bot's replies. */
    public static final String OUTBOX_PATH = "/demo/outbox";

    private static final String SAMPLE_PDF = "/demo/sample-knowledge-base.pdf";

    /**
     * Longest silence on a connection (Jetty's idle timeout): Meta sends a delivery in one go and keeps
     * connections busy, so 15 s costs nothing and frees what a stalled client holds. It is longer than
     * the servlet's 10 s read deadline, so a stalled body is answered 408 (and reported) first.
     */
    private static final long IDLE_TIMEOUT_MILLIS = 15_000;
    /** Open connections at most; a connection costs a little memory, no thread. */
    private static final int MAX_CONNECTIONS = 2_000;
    /** Readiness turns DOWN above this many conversations waiting for a reply. */
    private static final int MAX_PENDING_CONVERSATIONS = 10_000;

    private final Server server;
    private final WhatsAppAi ai;
    private final Outbox outbox;
    private final List<AutoCloseable> resources;
    private final int port;
    private final WhatsAppAiHealth health;
    private final PdfKnowledgeBase knowledgeBase;
    /** The PostgreSQL pool and durable state store, or {@code null} without {@code DATABASE_URL}. */
    private final DemoDatabase database;
    /** Bursts the SDK released at close for another instance (durable store only). */
    private final AtomicInteger releasedAtClose;
    /** Conversations left in the database at close (durable store only), or -1. */
    private volatile long leftAtClose = -1;

    private DemoServer(Server server, WhatsAppAi ai, Outbox outbox, List<AutoCloseable> resources, int port,
                       WhatsAppAiHealth health, PdfKnowledgeBase knowledgeBase, DemoDatabase database,
                       AtomicInteger releasedAtClose) {
        this.health = health;
        this.knowledgeBase = knowledgeBase;
        this.releasedAtClose = releasedAtClose;
        this.database = database;
        this.server = server;
        this.ai = ai;
        this.outbox = outbox;
        this.resources = resources;
        this.port = port;
    }

    /**
     * Starts the demo with the process environment and waits until it is stopped (Ctrl+C). On Ctrl+C
     * it answers what is still buffered, sends it, then exits; with {@code DATABASE_URL} it leaves the
     * buffered bursts in PostgreSQL instead and says how many. A start that cannot work (port taken,
     * bad setting) prints one line saying what to change and exits with status 1.
     */
    public static void main(String[] args) throws Exception {
        run(null);
    }

    /**
     * What {@link #main} does, with {@code embedder} for hybrid retrieval ({@code null}: as the
     * environment says): the in-process model's demo jar starts this way.
     */
    public static void run(Embedder embedder) throws Exception {
        DemoServer demo;
        try {
            demo = start(System.getenv(), System.out, UnaryOperator.identity(), embedder);
        } catch (DemoStartException | IllegalArgumentException | IllegalStateException e) {
            System.err.println("whatsapp-ai demo did not start: " + e.getMessage());
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> demo.shutdown(System.out), "demo-shutdown"));
        demo.server.join();
    }

    /**
     * Starts the demo.
     *
     * @param environment the variables to read (pass {@code System.getenv()})
     * @param console where the banner and the outgoing messages of the local Graph API stand-in go
     * @param customizer last changes to the SDK's builder (tests inject a clock and scheduler here)
     * @return the running demo; close it to stop
     */
    public static DemoServer start(Map<String, String> environment, PrintStream console,
                                   UnaryOperator<WhatsAppAi.Builder> customizer) throws Exception {
        return start(environment, console, customizer, null);
    }

    /**
     * Starts the demo with {@code embedder} for hybrid retrieval instead of the one the environment
     * names ({@code EMBEDDINGS_BASE_URL}); {@code null} keeps the environment's choice. With
     * {@code DATABASE_URL} its vectors are cached in PostgreSQL. The in-process model's demo
     * (module {@code whatsapp-ai-embeddings-onnx}) starts this way.
     *
     * @param environment the variables to read (pass {@code System.getenv()})
     * @param console where the banner and the outgoing messages of the local Graph API stand-in go
     * @param customizer last changes to the SDK's builder (tests inject a clock and scheduler here)
     * @param embedder the embedder of the knowledge base, or {@code null}
     * @return the running demo; close it to stop
     */
    public static DemoServer start(Map<String, String> environment, PrintStream console,
                                   UnaryOperator<WhatsAppAi.Builder> customizer, Embedder embedder) throws Exception {
        Map<String, String> env = new HashMap<>(environment);
        boolean demoSecrets = env.get("META_APP_SECRET") == null || env.get("META_APP_SECRET").isBlank();
        if (demoSecrets) {
            env.put("META_APP_SECRET", DEMO_APP_SECRET);
        }
        env.putIfAbsent("META_WEBHOOK_VERIFY_TOKEN", DEMO_VERIFY_TOKEN);
        env.putIfAbsent("META_PHONE_NUMBER_ID", DEMO_PHONE_NUMBER_ID);
        int requestedPort = port(env.getOrDefault("PORT", "8080"));

        Outbox outbox = new Outbox();
        QueuedThreadPool threads = new QueuedThreadPool(64, 4);
        threads.setName("demo-http");
        Server server = new Server(threads);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
        connector.setHost(env.getOrDefault("HOST", "127.0.0.1"));
        connector.setPort(requestedPort);
        // bounds each silence on a connection: a head or body that stops arriving, an idle keep-alive
        connector.setIdleTimeout(IDLE_TIMEOUT_MILLIS);
        server.addConnector(connector);
        // above this many open connections Jetty stops accepting until some close
        server.addBean(new NetworkConnectionLimit(MAX_CONNECTIONS, connector));
        ServletContextHandler context = new ServletContextHandler();
        context.setContextPath("/");
        LateBoundServlet webhook = new LateBoundServlet();
        ServletHolder webhookHolder = new ServletHolder("whatsapp-webhook", webhook);
        webhookHolder.setAsyncSupported(true); // slow bodies hold no thread of the pool
        context.addServlet(webhookHolder, WEBHOOK_PATH);
        ServletHolder localGraph = new ServletHolder("local-graph-api",
                new LocalGraphApiServlet(outbox, console, Clock.systemUTC()));
        localGraph.getRegistration().setMultipartConfig(new MultipartConfigElement(null,
                LocalGraphApiServlet.MAX_MEDIA_BYTES, LocalGraphApiServlet.MAX_MEDIA_BYTES + 65_536, 1 << 20));
        context.addServlet(localGraph, LOCAL_GRAPH_PATH + "/*");
        context.addServlet(new ServletHolder("outbox", new OutboxServlet(outbox)), OUTBOX_PATH);
        server.setHandler(context);
        try {
            server.start();
        } catch (IOException e) {
            server.stop();
            if (e.getCause() instanceof BindException || e instanceof BindException) {
                throw new DemoStartException("port " + requestedPort + " on " + connector.getHost() + " is taken by "
                        + "another program: stop it, or set PORT to a free port (e.g. PORT=" + (requestedPort + 1)
                        + "; the chat simulator reads PORT too)", e);
            }
            throw e;
        }
        int port = connector.getLocalPort();

        List<AutoCloseable> resources = new ArrayList<>();
        List<String> parts = new ArrayList<>();
        DemoDatabase database = null;
        try {
            boolean realGraph = env.get("META_ACCESS_TOKEN") != null && !env.get("META_ACCESS_TOKEN").isBlank();
            if (!realGraph) {
                env.put("META_ACCESS_TOKEN", "demo-local-token");
                env.putIfAbsent("META_GRAPH_API_BASE_URL", "http://127.0.0.1:" + port + LOCAL_GRAPH_PATH);
            }
            WhatsAppAiConfig config = WhatsAppAiConfig.fromEnvironment(env);
            // the sample PDF when no source is configured: one source at least
            AtomicReference<HealthCheck> store = new AtomicReference<>(
                    () -> HealthCheck.Result.up("store", "in memory", Map.of()));
            AtomicReference<WhatsAppAi> sdk = new AtomicReference<>();
            WhatsAppAiHealth health = WhatsAppAiHealth.builder()
                    .knowledgeBaseSources(Math.max(1, config.knowledgeBase().sources().size()))
                    .readiness(() -> store.get().check())
                    .readiness(HealthChecks.backlog("pendingConversations",
                            () -> sdk.get() == null ? 0 : sdk.get().pendingConversations(), MAX_PENDING_CONVERSATIONS))
                    .build();
            HealthPrinter healthPrinter = new HealthPrinter(console, health);
            AtomicInteger releasedAtClose = new AtomicInteger();
            EventListener listener = new LoggingEventListener().andThen(healthPrinter).andThen(event -> {
                if (event instanceof Event.BurstsReleased released) {
                    releasedAtClose.addAndGet(released.bursts());
                }
            });
            WhatsAppAi.Builder builder = WhatsAppAi.builder().config(config).eventListener(listener);

            GraphWhatsAppClient client = GraphWhatsAppClient.create(config.graph(), listener);
            resources.add(client);
            builder.whatsAppClient(client);
            String localGraphUrl = "http://127.0.0.1:" + port + LOCAL_GRAPH_PATH;
            parts.add(realGraph ? "Graph API at " + config.graph().baseUrl()
                    : config.graph().baseUrl().toString().startsWith(localGraphUrl)
                    ? "local Graph API stand-in (outgoing messages are printed here)"
                    : "the Graph API stand-in at " + config.graph().baseUrl() + " (META_GRAPH_API_BASE_URL)");

            String databaseUrl = env.get("DATABASE_URL");
            if (databaseUrl != null && !databaseUrl.isBlank()) {
                database = DemoDatabase.open(databaseUrl, env.get("DATABASE_USER"), env.get("DATABASE_PASSWORD"), config);
                resources.add(database);
            }
            PdfKnowledgeBase knowledgeBase = knowledgeBase(config.knowledgeBase(), embedder, database, listener, parts);
            resources.add(0, knowledgeBase); // closed first: it may be writing vectors to the database
            AiResponder offline = new OfflineMediaResponder(new KnowledgeBaseResponder(knowledgeBase));
            if (config.openRouter().apiKey() != null) {
                builder.aiResponder(OpenRouterResponder.create(config.openRouter(), knowledgeBase)).fallbackResponder(offline);
                parts.add("OpenRouter (" + config.openRouter().model() + ", fallbacks " + config.openRouter().fallbackModels()
                        + (config.openRouter().mediaModel() == null ? ", no media model"
                                : ", media " + config.openRouter().mediaModel())
                        + "), knowledge-base answers when it fails");
            } else {
                builder.aiResponder(offline);
                parts.add("offline knowledge-base responder (set OPENROUTER_API_KEY for an LLM)");
            }

            if (database != null) {
                DataSource dataSource = database.dataSource();
                store.set(HealthChecks.dataSource("store", dataSource, Duration.ofSeconds(2)));
                builder.userMapper(new JdbcUserMapper(dataSource))
                        .creditGate(new JdbcCreditGate(dataSource))
                        .sessionStore(new JdbcSessionStore(dataSource))
                        .chatLogger(new JdbcChatLogger(dataSource))
                        .stateStore(database.stateStore());
                parts.add("PostgreSQL for users, credits, sessions and chat logs");
                parts.add("PostgreSQL durable state (schema whatsapp_ai): pending messages, claims and the reply outbox"
                        + " survive a crash and are shared with every demo on this database");
            } else {
                builder.userMapper(new InMemoryUserMapper())
                        .sessionStore(new InMemorySessionStore())
                        .chatLogger(new InMemoryChatLogger());
                parts.add("in-memory users, sessions and chat logs (set DATABASE_URL for PostgreSQL)");
            }
            SupabaseChatLogger.fromEnvironment(env).ifPresent(supabase -> {
                builder.chatLogger(supabase);
                parts.add("Supabase chat logs at " + env.get("SUPABASE_URL"));
            });

            WhatsAppAi ai = customizer.apply(builder).build();
            sdk.set(ai);
            webhook.bind(new WhatsAppWebhookServlet(ai));
            DemoServer demo = new DemoServer(server, ai, outbox, resources, port, health, knowledgeBase, database,
                    releasedAtClose);
            demo.printBanner(console, config, demoSecrets, parts);
            healthPrinter.start();
            return demo;
        } catch (Exception | Error e) {
            closeQuietly(resources);
            server.stop();
            throw e;
        }
    }

    private static PdfKnowledgeBase knowledgeBase(KnowledgeBaseSettings settings, Embedder embedder,
                                                  DemoDatabase database, EventListener listener, List<String> parts)
            throws IOException {
        List<String> sources = settings.sources();
        if (sources.isEmpty()) {
            sources = List.of(extractSamplePdf().toString());
        }
        PdfKnowledgeBase.Builder kb = PdfKnowledgeBase.builder()
                .settings(settings) // refresh interval; EMBEDDINGS_BASE_URL/_MODEL/_API_KEY make retrieval hybrid
                .sources(sources)
                .eventListener(listener);
        if (embedder != null) {
            kb.embedder(embedder);
        }
        boolean hybrid = embedder != null || settings.hybrid();
        if (hybrid && database != null) {
            // restarts and other demos on this database embed only passages whose text is new
            kb.vectorCache(PostgresVectorCache.create(database.dataSource()));
        }
        if (hybrid) {
            URI url = settings.embeddingsBaseUrl();
            parts.add("hybrid retrieval with " + (embedder != null ? embedder : settings.embeddingsModel() + " at "
                    + (url.getUserInfo() == null ? url : url.toString().replace(url.getRawUserInfo() + "@", "")))
                    + (database != null ? ", vectors cached in PostgreSQL" : ""));
        }
        PdfKnowledgeBase built = kb.build();
        built.start();
        return built;
    }

    private static Path extractSamplePdf() throws IOException {
        Path file = Files.createTempFile("whatsapp-ai-demo-kb-", ".pdf");
        file.toFile().deleteOnExit();
        try (InputStream in = DemoServer.class.getResourceAsStream(SAMPLE_PDF)) {
            if (in == null) {
                throw new IOException("the bundled sample PDF " + SAMPLE_PDF + " is missing from the jar");
            }
            Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
        }
        return file;
    }

    private void printBanner(PrintStream console, WhatsAppAiConfig config, boolean demoSecrets, List<String> parts) {
        console.println();
        console.println("whatsapp-ai demo listening on http://127.0.0.1:" + port + WEBHOOK_PATH);
        if (demoSecrets) {
            console.println("  demo app secret:   " + DEMO_APP_SECRET);
            console.println("  demo verify token: " + config.webhook().verifyToken());
            console.println("  (local defaults: set META_APP_SECRET and META_WEBHOOK_VERIFY_TOKEN for a real app)");
        }
        console.println("  phone number ids:  " + String.join(", ", config.webhook().phoneNumberIds()));
        console.println("  buffer window:     " + seconds(config.buffer().window()) + " of quiet (at most "
                + seconds(config.buffer().maxWait()) + " after the first message)");
        for (String part : parts) {
            console.println("  using " + part);
        }
        console.println();
        console.println("Chat with it from another terminal:");
        console.println("  java -jar whatsapp-ai-examples/target/whatsapp-ai-demo.jar chat --url http://127.0.0.1:" + port);
        console.println();
    }

    private static String seconds(java.time.Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    /** The port the demo listens on. */
    public int port() {
        return port;
    }

    /** The webhook URL. */
    public URI webhookUri() {
        return URI.create("http://127.0.0.1:" + port + WEBHOOK_PATH);
    }

    /** The base URL (scheme, host and port). */
    public URI baseUri() {
        return URI.create("http://127.0.0.1:" + port);
    }

    /** What the local Graph API stand-in sent. */
    public Outbox outbox() {
        return outbox;
    }

    /** The SDK instance behind the servlet. */
    public WhatsAppAi whatsAppAi() {
        return ai;
    }

    /** The knowledge base the demo answers from (the bundled PDF unless {@code KNOWLEDGE_BASE_URLS} is set). */
    public PdfKnowledgeBase knowledgeBase() {
        return knowledgeBase;
    }

    /** Readiness and liveness of this demo (knowledge base, store, backlog). */
    public WhatsAppAiHealth health() {
        return health;
    }

    /**
     * Ctrl+C: says how many conversations are still buffered, answers and sends them, then stops.
     * With the durable store it finishes the replies in flight, releases what it still holds and
     * leaves the buffered bursts in PostgreSQL for another demo on the same database (or its next
     * start), and says how many it left. Nothing here throws or prints a stack trace.
     */
    void shutdown(PrintStream console) {
        if (database != null) {
            close();
            console.println();
            console.println(leftAtClose < 0
                    ? "stopped: the database could not be read; what was buffered stays in it for another demo or the next start."
                    : "stopped: left " + leftAtClose + " buffered conversation" + (leftAtClose == 1 ? "" : "s")
                    + " in PostgreSQL for another demo on this database or the next start.");
            return;
        }
        int pending = ai.pendingConversations();
        if (pending > 0) {
            console.println();
            console.println("stopping: answering " + pending + " buffered conversation" + (pending == 1 ? "" : "s")
                    + " first…");
        }
        close();
        console.println("stopped" + (pending > 0 ? " (the buffered replies were sent)" : "") + ".");
    }

    /**
     * Closes the SDK first (new deliveries get 503 so Meta redelivers them; buffered bursts are
     * answered and sent while the local Graph API stand-in, which lives in this Jetty, still runs),
     * then stops Jetty, then the clients and pools.
     */
    @Override
    public void close() {
        ai.close();
        if (database != null) {
            leftAtClose = database.leftAfterClose(releasedAtClose.get());
        }
        try {
            server.stop();
        } catch (Exception e) {
            // stopping on shutdown: the resources are still closed below
        }
        closeQuietly(resources);
    }

    private static int port(String text) {
        try {
            int port = Integer.parseInt(text.strip());
            if (port < 0 || port > 65_535) {
                throw new NumberFormatException();
            }
            return port;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("PORT must be a port number from 0 to 65535 (0 picks a free one), was '"
                    + text + "'");
        }
    }

    /** The demo could not start for a reason the message explains (a taken port). */
    static final class DemoStartException extends IOException {
        private static final long serialVersionUID = 1L;

        DemoStartException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Prints the readiness when the knowledge base reports in (it loads in the background). */
    private static final class HealthPrinter implements EventListener {
        private final PrintStream console;
        private final WhatsAppAiHealth health;
        private volatile boolean started;
        private String last;

        HealthPrinter(PrintStream console, WhatsAppAiHealth health) {
            this.console = console;
            this.health = health;
        }

        @Override
        public void onEvent(Event event) {
            health.onEvent(event);
            if (started && (event instanceof Event.KnowledgeBaseLoaded || event instanceof Event.KnowledgeBaseLoadFailed)) {
                print();
            }
        }

        /** After the banner: prints the readiness now, and again whenever it changes. */
        void start() {
            started = true;
            print();
        }

        private synchronized void print() {
            String line = "readiness: " + health.readiness().summary();
            if (!line.equals(last)) {
                last = line;
                console.println(line);
            }
        }
    }

    private static void closeQuietly(List<AutoCloseable> resources) {
        for (AutoCloseable r : resources) {
            try {
                r.close();
            } catch (Exception e) {
                // closing on shutdown: nothing useful to do with the failure
            }
        }
    }
}
