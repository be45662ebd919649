package io.github.whatsappai.examples.demo;

import io.github.whatsappai.ai.AiReply;
import io.github.whatsappai.testing.ManualClock;
import io.github.whatsappai.testing.ScriptedAiResponder;
import io.github.whatsappai.testing.VirtualScheduler;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Two demo servers on one PostgreSQL database (embedded) behave as two replicas behind a load
 * balancer: a burst whose messages reach both is one burst answered once, a redelivery to the
 * other server is a duplicate, and a server that stops leaves its buffered burst to the other one.
 * Each demo runs its real servlet, ingress, engine and durable store and sends through its own local
 * Graph API stand-in; the two share a virtual clock and scheduler, so the test moves time instead of
 * waiting 15 seconds. The AI is scripted to echo the merged burst, so the test sees what it was asked.
 */
class DemoReplicasTest {

    private static final String PHONE_NUMBER_ID = DemoServer.DEMO_PHONE_NUMBER_ID;
    private static DemoPostgres postgres;

    private final ManualClock clock = new ManualClock(Instant.parse("2026-11-25T10:00:00Z"));
    private final VirtualScheduler scheduler = new VirtualScheduler(clock);
    private final ScriptedAiResponder ai = new ScriptedAiResponder()
            .otherwise(request -> AiReply.of("You said: " + request.userTurn(), "echo"));
    private final ByteArrayOutputStream consoleA = new ByteArrayOutputStream();
    private final ByteArrayOutputStream consoleB = new ByteArrayOutputStream();
    private String database;
    private String jdbcUrl;
    private DemoServer a;
    private DemoServer b;

    @BeforeAll
    static void startPostgres() throws Exception {
        postgres = DemoPostgres.start();
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        postgres.close();
    }

    @BeforeEach
    void startTwoDemos() throws Exception {
        database = postgres.newDatabase("replicas");
        jdbcUrl = postgres.jdbcUrl(database);
        a = start(consoleA);
        b = start(consoleB);
    }

    @AfterEach
    void stop() {
        if (a != null) {
            a.close();
        }
        if (b != null) {
            b.close();
        }
    }

    private DemoServer start(ByteArrayOutputStream console) throws Exception {
        return DemoServer.start(Map.of("PORT", "0", "DATABASE_URL", jdbcUrl),
                new PrintStream(console, true, StandardCharsets.UTF_8),
                builder -> builder.clock(clock).scheduler(scheduler).aiResponder(ai));
    }

    @Test
    void bothDemosSayTheyRunOnTheDurableStore() {
        for (ByteArrayOutputStream console : List.of(consoleA, consoleB)) {
            assertThat(console.toString(StandardCharsets.UTF_8))
                    .contains("using PostgreSQL durable state (schema whatsapp_ai)");
        }
    }

    @Test
    void aBurstSplitAcrossBothDemosWithARedeliveryToTheOtherIsAnsweredOnceWithEveryMessage() throws Exception {
        SimulatorClient toA = user(a, "628111000101");
        SimulatorClient toB = user(b, "628111000101");

        SimulatorClient.Delivery first = toA.send("Hi, what are your opening hours?");
        assertThat(toB.send("Do you deliver on Sundays?").status()).isEqualTo(200);
        scheduler.advance(Duration.ofSeconds(5));
        assertThat(toA.send("And how much is delivery in Bandung?").status()).isEqualTo(200);
        assertThat(first.status()).isEqualTo(200);
        assertThat(toB.redeliver(first)).as("Meta's retry to the other replica is acknowledged").isEqualTo(200);

        scheduler.advance(Duration.ofSeconds(14));
        assertThat(ai.callCount()).as("the quiet window restarted with the last message").isZero();
        scheduler.advance(Duration.ofSeconds(2));

        List<Outbox.OutgoingMessage> replies = awaitReplies("628111000101", 1);
        assertThat(replies).singleElement().satisfies(reply -> assertThat(reply.text())
                .contains("opening hours", "Sundays", "Bandung"));
        assertThat(ai.callCount()).isEqualTo(1);
        assertThat(ai.lastRequest().messages()).as("the redelivery is not a fourth message").hasSize(3);

        scheduler.advance(Duration.ofSeconds(30));
        assertThat(allReplies("628111000101")).as("nothing is sent again").hasSize(1);
        assertThat(awaitCount("select count(*) from chat_logs where direction = 'inbound'", 3))
                .as("each message logged once").isEqualTo(3);
    }

    @Test
    void aDemoThatStopsLeavesItsBufferedBurstToTheOtherAndSaysHowMany() throws Exception {
        SimulatorClient toA = user(a, "628111000202");
        assertThat(toA.sendBurst(List.of("Is the shop open today?", "Until what time?")))
                .extracting(SimulatorClient.Delivery::status).containsOnly(200);

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        a.shutdown(new PrintStream(out, true, StandardCharsets.UTF_8));
        a = null;
        assertThat(out.toString(StandardCharsets.UTF_8).strip())
                .isEqualTo("stopped: left 1 buffered conversation in PostgreSQL for another demo on this database "
                        + "or the next start.");
        assertThat(ai.callCount()).as("the stopping demo answered nothing").isZero();

        scheduler.advance(Duration.ofSeconds(16));
        List<SimulatorClient.Reply> replies = user(b, "628111000202").replies(0, Duration.ofSeconds(20));
        assertThat(replies).singleElement().satisfies(reply -> assertThat(reply.text())
                .contains("open today", "what time"));
        assertThat(ai.callCount()).isEqualTo(1);
    }

    @Test
    void manySendersSplitAcrossBothDemosAreEachAnsweredOnce() throws Exception {
        int senders = 20;
        for (int i = 0; i < senders; i++) {
            String waId = "6281110003" + String.format("%02d", i);
            SimulatorClient.Delivery one = user(i % 2 == 0 ? a : b, waId).send("first question " + i);
            SimulatorClient.Delivery two = user(i % 2 == 0 ? b : a, waId).send("second question " + i);
            assertThat(List.of(one.status(), two.status())).containsOnly(200);
            if (i % 3 == 0) {
                assertThat(user(i % 2 == 0 ? b : a, waId).redeliver(one)).isEqualTo(200);
            }
        }
        scheduler.advance(Duration.ofSeconds(16));
        for (int i = 0; i < senders; i++) {
            String waId = "6281110003" + String.format("%02d", i);
            int n = i;
            assertThat(awaitReplies(waId, 1)).singleElement().satisfies(reply -> assertThat(reply.text())
                    .contains("first question " + n, "second question " + n));
        }
        scheduler.advance(Duration.ofSeconds(30));
        assertThat(ai.callCount()).isEqualTo(senders);
        assertThat(a.outbox().after(0, null).size() + b.outbox().after(0, null).size()).isEqualTo(senders);
    }

    @Test
    void anUnreachableDatabaseAtStartIsExplainedInOneLine() throws Exception {
        int closedPort;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = free.getLocalPort();
        }
        String url = "jdbc:postgresql://127.0.0.1:" + closedPort + "/shop?user=postgres&connectTimeout=1";
        assertThatThrownBy(() -> DemoServer.start(Map.of("PORT", "0", "DATABASE_URL", url),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), builder -> builder))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("PostgreSQL at DATABASE_URL is not reachable")
                .hasMessageContaining("unset DATABASE_URL for in-memory storage");
    }

    private SimulatorClient user(DemoServer demo, String waId) {
        return new SimulatorClient(demo.baseUri(), DemoServer.DEMO_APP_SECRET, PHONE_NUMBER_ID, waId, "Sari", clock);
    }

    /** Replies to {@code waId} from both demos' Graph stand-ins, waiting (real time, bounded) for {@code n}. */
    private List<Outbox.OutgoingMessage> awaitReplies(String waId, int n) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        List<Outbox.OutgoingMessage> found = allReplies(waId);
        while (found.size() < n && System.nanoTime() < deadline) {
            Thread.sleep(20);   // the workers send on their own threads
            found = allReplies(waId);
        }
        return found;
    }

    private List<Outbox.OutgoingMessage> allReplies(String waId) {
        List<Outbox.OutgoingMessage> all = new ArrayList<>(a.outbox().after(0, "+" + waId));
        all.addAll(b.outbox().after(0, "+" + waId));
        return all;
    }

    /** The count {@code sql} returns once it reaches {@code expected} (the log is written after the send), or after 20 s. */
    private long awaitCount(String sql, long expected) throws SQLException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        long n = count(sql);
        while (n < expected && System.nanoTime() < deadline) {
            Thread.sleep(20);
            n = count(sql);
        }
        return n;
    }

    private long count(String sql) throws SQLException {
        try (Connection c = postgres.dataSource(database).getConnection();
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
