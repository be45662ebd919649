package io.github.whatsappai.examples.faults;

import io.github.whatsappai.examples.demo.DemoServer;
import io.github.whatsappai.testing.SignedWebhooks;
import io.github.whatsappai.testing.WebhookPayloads;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The fault-run driver: two demo processes ({@code java -jar whatsapp-ai-demo.jar}) on one
 * PostgreSQL database, a {@link GraphStub} as their Graph API, signed deliveries posted to both,
 * one fault, then the check that every acknowledged message was answered exactly once.
 *
 * <p>The driver acts as Meta: each conversation's burst is signed with the demos' app secret and
 * posted to the two processes (the messages of one burst alternate between them, as behind a load
 * balancer); a delivery answered 503, refused or timed out is redelivered later with exponential
 * backoff (1 s doubling to 30 s) to the other process. A delivery is acknowledged once it got a 200.
 *
 * <p>Faults ({@code --fault}):
 * <ul>
 *   <li>{@code kill9}: 1,000 conversations; once all are acknowledged (and, with
 *       {@code --kill-after-replies N}, once N replies went out, so the first process dies holding
 *       claims mid-reply), {@code kill -9} of the first process. The survivor answers the rest and
 *       takes the dead process's claims over when their lease runs out. With a window longer than
 *       the sending ({@code --demo-env MESSAGE_BUFFER_WINDOW=90s,MESSAGE_BUFFER_MAX_WAIT=120s}) all
 *       1,000 are still pending at the kill.</li>
 *   <li>{@code split}: 300 conversations of three messages split across both processes; 30% of the
 *       acknowledged deliveries are posted again to the other process (Meta's redelivery).</li>
 *   <li>{@code graph-down}: 200 conversations while the stub answers 503 for {@code --down} seconds
 *       (default 600); {@code --graph-mode REFUSED} refuses connections instead.</li>
 *   <li>{@code pg-down}: a new two-message conversation every 500 ms; PostgreSQL is stopped 30 s in
 *       for {@code --down} seconds (default 300) by {@code --pg-stop}/{@code --pg-start}; traffic
 *       goes on 60 s after it is back. Every POST must be answered 200 or 503.</li>
 *   <li>{@code receipt}: 100 conversations, no fault: the read receipt's order against the reply.</li>
 * </ul>
 *
 * <p>Checks, from the stub's record, the demos' event logs (the demos run with the events logger at
 * DEBUG: {@code BatchFlushed} carries a burst's size, {@code AiCompleted} marks one AI call) and the
 * chat log table: every acknowledged conversation got exactly one reply (one send per reply part,
 * no part twice), one AI call whose burst held every message, and (with {@code --check-chat-log})
 * one chat-log row per acknowledged message. Sender numbers are chosen so the masked keys in the log
 * ({@code 6ab********cd}) still tell the conversations apart. Exits 0 when every check passed.
 *
 * <p>Run through {@code whatsapp-ai-examples/src/check/fault-runs.sh}, which builds the jar, starts a
 * private PostgreSQL and passes the options.
 */
public final class FaultRun {

    private static final String PHONE_NUMBER_ID = DemoServer.DEMO_PHONE_NUMBER_ID;
    private static final Pattern FLUSHED = Pattern.compile("BatchFlushed\\[key=\\d+/6(\\d\\d)\\*+(\\d\\d), size=(\\d+)");
    private static final Pattern AI = Pattern.compile("AiCompleted\\[key=\\d+/6(\\d\\d)\\*+(\\d\\d),");
    private static final Pattern OUR_WAMID = Pattern.compile("wamid\\.FR\\.[0-9a-f]+\\.(\\d+)\\.(\\d+)");

    private final Map<String, String> options;
    private final String fault;
    private final String runId = Long.toHexString(System.currentTimeMillis());
    private final Path out;
    private final PrintStream report;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2))
            .executor(Executors.newFixedThreadPool(8)).build();
    private final ScheduledExecutorService redeliveries = Executors.newScheduledThreadPool(4);
    /** Posts deliveries; a thread per POST in flight (the HTTP client blocks). */
    private final java.util.concurrent.ExecutorService senders = Executors.newCachedThreadPool();
    private final Random random = new Random(42);
    private final List<Demo> demos = new ArrayList<>();
    private GraphStub stub;

    /** Per conversation: its messages, acknowledged or not. */
    private final Map<Integer, Conversation> conversations = new ConcurrentHashMap<>();
    private final AtomicLong posts = new AtomicLong();
    private final Map<String, AtomicLong> answers = new ConcurrentHashMap<>();
    /** I/O failures other than refused connections and timeouts, by exception and message. */
    private final Map<String, AtomicLong> ioErrors = new ConcurrentHashMap<>();
    private final AtomicInteger pendingDeliveries = new AtomicInteger();
    private final AtomicLong extraRedeliveries = new AtomicLong();

    private FaultRun(Map<String, String> options) throws IOException {
        this.options = options;
        this.fault = required("fault");
        this.out = Path.of(options.getOrDefault("out", "target/fault-runs/" + fault));
        Files.createDirectories(out);
        this.report = new PrintStream(new TeeStream(System.out, Files.newOutputStream(out.resolve("report.txt"))),
                true, StandardCharsets.UTF_8);
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument " + args[i]);
            }
            String name = args[i].substring(2);
            int eq = name.indexOf('=');
            if (eq > 0) {
                options.put(name.substring(0, eq), name.substring(eq + 1));
            } else {
                options.put(name, i + 1 < args.length && !args[i + 1].startsWith("--") ? args[++i] : "true");
            }
        }
        FaultRun run = new FaultRun(options);
        boolean passed = false;
        try {
            passed = run.run();
        } catch (Exception e) {
            run.report.println("fault run '" + run.fault + "' could not run: " + e);
        } finally {
            run.stopAll();
        }
        System.exit(passed ? 0 : 1);   // the HTTP client's threads would keep the JVM alive
    }

    private boolean run() throws Exception {
        report.println("fault run '" + fault + "' started " + Instant.now() + ", load " + load() + ", "
                + Runtime.getRuntime().availableProcessors() + " cores; logs in " + out.toAbsolutePath());
        stub = GraphStub.start(0, DemoServer.DEMO_APP_SECRET);
        for (String name : List.of("A", "B")) {   // one after the other: both at once starve a loaded machine
            Demo d = startDemo(name);
            demos.add(d);
            d.awaitReady();
            stub.addWebhook(d.webhook());
        }
        report.println("demos A (port " + demos.get(0).port + ") and B (port " + demos.get(1).port
                + ") on " + maskedUrl() + ", Graph stub at " + stub.baseUrl());
        return switch (fault) {
            case "kill9" -> kill9(intOption("conversations", 1000));
            case "split" -> split(intOption("conversations", 300), Double.parseDouble(options.getOrDefault("redeliver", "0.3")));
            case "graph-down" -> graphDown(intOption("conversations", 200), Duration.ofSeconds(intOption("down", 600)));
            case "pg-down" -> pgDown(Duration.ofSeconds(intOption("down", 300)));
            case "receipt" -> receipt(intOption("conversations", 100));
            default -> throw new IllegalArgumentException("--fault must be kill9, split, graph-down, pg-down or receipt");
        };
    }

    // ---- the faults ---------------------------------------------------------------------------

    private boolean kill9(int n) throws Exception {
        int killAfterReplies = intOption("kill-after-replies", 0);
        sendBursts(n, 3, 32);
        awaitAcknowledged(Duration.ofMinutes(5));
        long t0 = System.nanoTime();
        while (textSends() < killAfterReplies && System.nanoTime() - t0 < TimeUnit.MINUTES.toNanos(2)) {
            Thread.sleep(20);
        }
        Demo a = demos.get(0);
        Map<String, Long> before = storeFigures(a);
        stub.removeWebhook(a.webhook());
        a.kill9();
        report.println("kill -9 of A at " + Instant.now() + " with " + textSends() + " replies sent; in the store: "
                + before);
        return settleAndCheck(Duration.ofMinutes(10), false);
    }

    private boolean split(int n, double redeliverShare) throws Exception {
        sendBursts(n, 3, 16, redeliverShare);
        awaitAcknowledged(Duration.ofMinutes(5));
        return settleAndCheck(Duration.ofMinutes(5), false);
    }

    private boolean graphDown(int n, Duration down) throws Exception {
        GraphStub.Mode mode = GraphStub.Mode.valueOf(options.getOrDefault("graph-mode", "UNAVAILABLE"));
        stub.downFor(mode, down);
        Instant back = Instant.now().plus(down);
        report.println("Graph stub " + (mode == GraphStub.Mode.REFUSED ? "refuses connections" : "answers 503")
                + " from " + Instant.now() + " until " + back);
        sendBursts(n, 3, 16);
        awaitAcknowledged(Duration.ofMinutes(5));
        while (Instant.now().isBefore(back)) {
            Thread.sleep(1000);
        }
        report.println("Graph stub back at " + Instant.now() + " after " + stub.unavailableAnswers() + " answers 503");
        return settleAndCheck(Duration.ofMinutes(10), false);
    }

    private boolean pgDown(Duration down) throws Exception {
        String stop = required("pg-stop");
        String start = required("pg-start");
        Duration before = Duration.ofSeconds(30);
        Duration after = Duration.ofSeconds(60);
        long end = System.nanoTime() + before.plus(down).plus(after).toNanos();
        CountDownLatch stopped = new CountDownLatch(1);
        Thread fault = new Thread(() -> {
            try {
                Thread.sleep(before.toMillis());
                shell(stop);
                report.println("PostgreSQL stopped at " + Instant.now());
                stopped.countDown();
                Thread.sleep(down.toMillis());
                shell(start);
                report.println("PostgreSQL started at " + Instant.now());
            } catch (Exception e) {
                report.println("controlling PostgreSQL failed: " + e);
            }
        }, "pg-fault");
        fault.start();
        int i = 0;
        while (System.nanoTime() < end) {
            Conversation c = conversation(i++, 2);
            deliver(c, c.batchDelivery(), i % 2, 0);
            Thread.sleep(500);
        }
        fault.join();
        awaitAcknowledged(Duration.ofMinutes(10));
        return settleAndCheck(Duration.ofMinutes(10), true);
    }

    private boolean receipt(int n) throws Exception {
        sendBursts(n, 3, 8);
        awaitAcknowledged(Duration.ofMinutes(2));
        return settleAndCheck(Duration.ofMinutes(3), false);
    }

    // ---- sending as Meta does -----------------------------------------------------------------

    private void sendBursts(int n, int size, int concurrency) throws InterruptedException {
        sendBursts(n, size, concurrency, 0);
    }

    /**
     * Sends {@code n} conversations of {@code size} messages each, one delivery per message,
     * alternating between the two processes; {@code redeliverShare} of the acknowledged deliveries
     * are posted again to the other process a few seconds later.
     */
    private void sendBursts(int n, int size, int concurrency, double redeliverShare) throws InterruptedException {
        Semaphore slots = new Semaphore(concurrency);
        CountDownLatch done = new CountDownLatch(n);
        for (int i = 0; i < n; i++) {
            Conversation c = conversation(i, size);
            slots.acquire();
            senders.execute(() -> {
                try {
                    for (int k = 0; k < size; k++) {
                        Delivery d = c.messageDelivery(k);
                        int target = (c.index + k) % 2;
                        int status = postOnce(d, target);
                        if (status == 200 && random(redeliverShare)) {
                            extraRedeliveries.incrementAndGet();
                            redeliveries.schedule(() -> postOnce(d, 1 - target), 1 + randomInt(5), TimeUnit.SECONDS);
                        }
                    }
                } finally {
                    slots.release();
                    done.countDown();
                }
            });
        }
        done.await();
        report.println(n + " conversations of " + size + " messages posted (" + posts.get() + " POSTs so far, "
                + extraRedeliveries.get() + " extra redeliveries to the other process)");
    }

    private synchronized boolean random(double share) {
        return share > 0 && random.nextDouble() < share;
    }

    private synchronized int randomInt(int bound) {
        return random.nextInt(bound);
    }

    /** Posts {@code d} to {@code target}; on a failure it is redelivered later (backoff) to the other process. */
    private int postOnce(Delivery d, int target) {
        pendingDeliveries.incrementAndGet();
        int status = post(d, target);
        if (status != 200) {
            scheduleRedelivery(d, 1 - target, 1);
        }
        pendingDeliveries.decrementAndGet();
        return status;
    }

    private void deliver(Conversation c, Delivery d, int target, int attempt) {
        pendingDeliveries.incrementAndGet();
        senders.execute(() -> {
            try {
                int status = post(d, target);
                if (status != 200) {
                    scheduleRedelivery(d, 1 - target, attempt + 1);
                }
            } finally {
                pendingDeliveries.decrementAndGet();
            }
        });
    }

    private void scheduleRedelivery(Delivery d, int target, int attempt) {
        long delay = Math.min(30_000, 1000L << Math.min(attempt - 1, 5));
        pendingDeliveries.incrementAndGet();
        redeliveries.schedule(() -> {
            pendingDeliveries.decrementAndGet();
            deliver(d.conversation, d, target, attempt);
        }, delay, TimeUnit.MILLISECONDS);
    }

    /** One POST; returns the status, or -1 (refused), -2 (timed out), -3 (other I/O failure). */
    private int post(Delivery d, int target) {
        Demo demo = demos.get(target);
        HttpRequest request = HttpRequest.newBuilder(demo.webhook()).timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/json")
                .header("X-Hub-Signature-256", SignedWebhooks.signature(d.body, DemoServer.DEMO_APP_SECRET))
                .POST(HttpRequest.BodyPublishers.ofByteArray(d.body)).build();
        posts.incrementAndGet();
        int status;
        try {
            status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (java.net.http.HttpTimeoutException e) {
            status = -2;
        } catch (java.net.ConnectException e) {
            status = -1;
        } catch (IOException e) {
            status = -3;
            ioErrors.computeIfAbsent(e.getClass().getSimpleName() + ": " + e.getMessage() + " (to " + demo.name + ", "
                    + Instant.now() + ")", k -> new AtomicLong()).incrementAndGet();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            status = -3;
        }
        answers.computeIfAbsent(describe(status), k -> new AtomicLong()).incrementAndGet();
        if (status == 200) {
            d.acknowledged = true;
        }
        return status;
    }

    private static String describe(int status) {
        return switch (status) {
            case -1 -> "refused";
            case -2 -> "timed out";
            case -3 -> "I/O error";
            default -> Integer.toString(status);
        };
    }

    private void awaitAcknowledged(Duration max) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        while (System.nanoTime() < deadline) {
            if (pendingDeliveries.get() == 0 && unacknowledged() == 0) {
                break;
            }
            Thread.sleep(200);
        }
        report.println("acknowledged: " + (conversations.size() - unacknowledgedConversations()) + " of "
                + conversations.size() + " conversations; answers to " + posts.get() + " POSTs: " + new TreeMap<>(answers));
    }

    private long unacknowledged() {
        return conversations.values().stream().flatMap(c -> c.deliveries.stream()).filter(d -> !d.acknowledged).count();
    }

    private long unacknowledgedConversations() {
        return conversations.values().stream().filter(c -> !c.acknowledged()).count();
    }

    // ---- the check ----------------------------------------------------------------------------

    /**
     * Waits until every acknowledged conversation has a reply (or {@code max}), then one lease more
     * for replies that should not come, and checks.
     */
    private boolean settleAndCheck(Duration max, boolean chatLog) throws Exception {
        long started = System.nanoTime();
        long deadline = started + max.toNanos();
        while (System.nanoTime() < deadline && unanswered() > 0) {
            Thread.sleep(500);
        }
        report.println("all replies in " + (unanswered() == 0 ? "" : "NOT ") + "after "
                + Duration.ofNanos(System.nanoTime() - started).toSeconds() + " s; waiting 45 s more (a lease and more)"
                + " for replies that must not come");
        Thread.sleep(45_000);

        List<String> dump = new ArrayList<>();
        dump.add("seq,at,kind,to,messageId,callbackData");
        for (GraphStub.Call call : stub.calls()) {
            dump.add(call.seq() + "," + call.at() + "," + call.kind() + "," + call.to() + "," + call.messageId() + ","
                    + call.callbackData());
        }
        Files.write(out.resolve("graph-calls.csv"), dump, StandardCharsets.UTF_8);

        Map<Integer, List<GraphStub.Call>> sends = new HashMap<>();
        Map<Integer, Long> readSeq = new HashMap<>();
        for (GraphStub.Call call : stub.calls()) {
            if ("read".equals(call.kind())) {
                Matcher m = OUR_WAMID.matcher(call.messageId());
                if (m.matches()) {
                    readSeq.putIfAbsent(Integer.parseInt(m.group(1)), call.seq());
                }
            } else if (call.to() != null) {
                sends.computeIfAbsent(index(call.to()), k -> new ArrayList<>()).add(call);
            }
        }
        Map<Integer, Integer> aiCalls = new HashMap<>();
        Map<Integer, Integer> killedAiCalls = new HashMap<>();
        Map<Integer, List<Integer>> flushedSizes = new HashMap<>();
        for (Demo d : demos) {
            Map<Integer, Integer> calls = d.killed ? killedAiCalls : aiCalls;
            for (String line : Files.readAllLines(d.log, StandardCharsets.UTF_8)) {
                Matcher f = FLUSHED.matcher(line);
                if (f.find()) {
                    flushedSizes.computeIfAbsent(index(f.group(1), f.group(2)), k -> new ArrayList<>())
                            .add(Integer.parseInt(f.group(3)));
                }
                Matcher a = AI.matcher(line);
                if (a.find()) {
                    calls.merge(index(a.group(1), a.group(2)), 1, Integer::sum);
                }
            }
        }

        int acked = 0;
        int answeredOnce = 0;
        int unanswered = 0;
        int doubled = 0;
        int duplicateParts = 0;
        int oneAiCall = 0;
        int redoneAiCalls = 0;
        int wholeBurst = 0;
        int receiptFirst = 0;
        int receiptMissing = 0;
        List<String> problems = new ArrayList<>();
        for (Conversation c : conversations.values()) {
            if (!c.acknowledged()) {
                continue;
            }
            acked++;
            List<GraphStub.Call> mine = sends.getOrDefault(c.index, List.of());
            long distinctParts = mine.stream().map(GraphStub.Call::callbackData).distinct().count();
            long replies = mine.stream().map(call -> call.callbackData() == null ? call.messageId()
                    : call.callbackData().substring(0, call.callbackData().lastIndexOf('-'))).distinct().count();
            if (mine.isEmpty()) {
                unanswered++;
                problems.add("conversation " + c.index + " was not answered");
            } else if (replies > 1) {
                doubled++;
                problems.add("conversation " + c.index + " got " + replies + " replies");
            } else {
                answeredOnce++;
            }
            if (mine.size() > distinctParts) {
                duplicateParts++;
                problems.add("conversation " + c.index + ": a part was sent " + (mine.size() - distinctParts + 1) + " times");
            }
            // a process killed between its AI call and storing the reply loses that call: the
            // survivor asks again (the reply is still sent once); the survivors' calls must be one
            int live = aiCalls.getOrDefault(c.index, 0);
            int lost = killedAiCalls.getOrDefault(c.index, 0);
            if (live == 1 || live == 0 && lost == 1) {
                oneAiCall++;
                if (live == 1 && lost > 0) {
                    redoneAiCalls++;
                }
            } else {
                problems.add("conversation " + c.index + ": " + live + " AI calls (and " + lost + " in the killed process)");
            }
            List<Integer> sizes = flushedSizes.getOrDefault(c.index, List.of());
            if (!sizes.isEmpty() && sizes.stream().allMatch(s -> s == c.size)) {
                wholeBurst++;
            } else {
                problems.add("conversation " + c.index + ": bursts handed over with sizes " + sizes + ", expected " + c.size);
            }
            Long read = readSeq.get(c.index);
            if (read == null) {
                receiptMissing++;
            } else if (!mine.isEmpty() && read < mine.get(0).seq()) {
                receiptFirst++;
            } else if (!mine.isEmpty()) {
                problems.add("conversation " + c.index + ": the read receipt (call " + read + ") came after the reply (call "
                        + mine.get(0).seq() + "; graph-calls.csv)");
            }
        }
        report.println("acknowledged conversations: " + acked + " of " + conversations.size());
        report.println("answered exactly once: " + answeredOnce + "; unanswered: " + unanswered + "; answered twice: "
                + doubled + "; with a part sent twice: " + duplicateParts);
        report.println("one AI call: " + oneAiCall + (redoneAiCalls > 0 ? " (" + redoneAiCalls + " of them repeated by the"
                + " survivor: the killed process died between its AI call and storing the reply)" : "") + "; burst handed over whole (" + conversations.values().iterator().next().size
                + " messages): " + wholeBurst);
        report.println("read receipt before the reply: " + receiptFirst + " of " + (acked - receiptMissing)
                + " bursts with a receipt (" + receiptMissing + " receipts not recorded)");
        report.println("Graph stub: " + stub.calls().size() + " calls answered 200, " + stub.unavailableAnswers()
                + " answered 503");
        boolean passed = unanswered == 0 && doubled == 0 && duplicateParts == 0 && acked == oneAiCall
                && acked == wholeBurst && onlyExpectedAnswers();
        if (chatLog) {
            passed &= checkChatLog();
        }
        problems.stream().limit(20).forEach(p -> report.println("  " + p));
        report.println("fault run '" + fault + "' " + (passed ? "PASSED" : "FAILED") + " at " + Instant.now()
                + ", load " + load());
        return passed;
    }

    /** Every POST got 200 or 503 (pg-down), or 200, 503 or refused (the dead process of kill9). */
    private boolean onlyExpectedAnswers() {
        for (String answer : answers.keySet()) {
            boolean ok = answer.equals("200") || answer.equals("503") || fault.equals("kill9") && answer.equals("refused");
            if (!ok) {
                report.println("  unexpected answer to " + answers.get(answer) + " POSTs: " + answer);
                ioErrors.forEach((error, n) -> report.println("    " + n + " x " + error));
                return false;
            }
        }
        return true;
    }

    private boolean checkChatLog() throws SQLException {
        long expectedInbound = 0;
        List<String> ids = new ArrayList<>();
        for (Conversation c : conversations.values()) {
            if (c.acknowledged()) {
                expectedInbound += c.size;
                for (int k = 0; k < c.size; k++) {
                    ids.add(c.wamid(k));
                }
            }
        }
        long inbound;
        long distinct;
        long outbound;
        List<String> senders = conversations.values().stream().filter(Conversation::acknowledged)
                .map(c -> waId(c.index)).toList();
        try (Connection db = DriverManager.getConnection(required("database-url"));
             PreparedStatement p = db.prepareStatement("select count(*), count(distinct wa_message_id) from chat_logs"
                     + " where direction = 'inbound' and wa_message_id = any (?)");
             PreparedStatement q = db.prepareStatement("select count(*) from chat_logs where direction = 'outbound'"
                     + " and wa_id = any (?)")) {
            p.setArray(1, db.createArrayOf("text", ids.toArray()));
            try (ResultSet rs = p.executeQuery()) {
                rs.next();
                inbound = rs.getLong(1);
                distinct = rs.getLong(2);
            }
            q.setArray(1, db.createArrayOf("text", senders.toArray()));
            try (ResultSet rs = q.executeQuery()) {
                rs.next();
                outbound = rs.getLong(1);
            }
        }
        report.println("chat log: " + inbound + " inbound rows for " + expectedInbound + " acknowledged messages ("
                + distinct + " distinct); " + outbound + " outbound rows for " + senders.size() + " acknowledged conversations");
        return inbound == expectedInbound && distinct == expectedInbound;
    }

    private long unanswered() {
        java.util.Set<Integer> answered = new java.util.HashSet<>();
        for (GraphStub.Call call : stub.calls()) {
            if (call.to() != null && !"read".equals(call.kind())) {
                answered.add(index(call.to()));
            }
        }
        return conversations.values().stream().filter(c -> c.acknowledged() && !answered.contains(c.index)).count();
    }

    private long textSends() {
        return stub.calls().stream().filter(c -> c.to() != null).count();
    }

    /** What the store holds, read directly (pending conversations, claims by owner). */
    private Map<String, Long> storeFigures(Demo a) {
        Map<String, Long> figures = new LinkedHashMap<>();
        try (Connection db = DriverManager.getConnection(required("database-url"));
             PreparedStatement p = db.prepareStatement("select"
                     + " (select count(*) from whatsapp_ai.conversation where burst_id is null and pending_count > 0),"
                     + " (select count(*) from whatsapp_ai.conversation where burst_id is not null),"
                     + " (select count(*) from whatsapp_ai.outbox where state in ('PENDING', 'AMBIGUOUS'))");
             ResultSet rs = p.executeQuery()) {
            rs.next();
            figures.put("pendingConversations", rs.getLong(1));
            figures.put("burstsClaimed", rs.getLong(2));
            figures.put("openReplyParts", rs.getLong(3));
        } catch (SQLException e) {
            report.println("reading the store failed: " + e.getMessage());
        }
        return figures;
    }

    // ---- senders and deliveries ---------------------------------------------------------------

    /** The sender number of conversation {@code i}: {@code 6ab12345678cd}, masked in logs as {@code 6ab********cd}. */
    static String waId(int i) {
        String d = String.format("%04d", i);
        return "6" + d.substring(0, 2) + "12345678" + d.substring(2);
    }

    private static int index(String to) {
        String digits = to.replace("+", "");
        return Integer.parseInt(digits.substring(1, 3) + digits.substring(digits.length() - 2));
    }

    private static int index(String first, String last) {
        return Integer.parseInt(first + last);
    }

    private Conversation conversation(int i, int size) {
        if (i > 9999) {
            throw new IllegalArgumentException("at most 10,000 conversations (the masked keys must differ)");
        }
        Conversation c = new Conversation(i, size);
        conversations.put(i, c);
        return c;
    }

    private final class Conversation {
        final int index;
        final int size;
        final List<Delivery> deliveries = new ArrayList<>();
        final Instant at = Instant.now();

        Conversation(int index, int size) {
            this.index = index;
            this.size = size;
        }

        String wamid(int k) {
            return "wamid.FR." + runId + "." + index + "." + k;
        }

        private WebhookPayloads.MessageBuilder message(int k) {
            return WebhookPayloads.text(QUESTIONS[(index + k) % QUESTIONS.length] + " (" + index + "/" + k + ")")
                    .wamid(wamid(k)).phoneNumberId(PHONE_NUMBER_ID).from(waId(index)).userId(null)
                    .profileName("Sender " + index).timestamp(at.plusMillis(k));
        }

        /** Message {@code k} alone in one delivery. */
        synchronized Delivery messageDelivery(int k) {
            Delivery d = new Delivery(this, message(k).toBytes());
            deliveries.add(d);
            return d;
        }

        /** The whole burst in one delivery. */
        synchronized Delivery batchDelivery() {
            WebhookPayloads.Batch batch = WebhookPayloads.batch();
            for (int k = 0; k < size; k++) {
                batch.add(message(k));
            }
            Delivery d = new Delivery(this, batch.toBytes());
            deliveries.add(d);
            return d;
        }

        synchronized boolean acknowledged() {
            return !deliveries.isEmpty() && deliveries.stream().allMatch(d -> d.acknowledged);
        }
    }

    private static final String[] QUESTIONS = {
        "What are your opening hours?", "Do you deliver on Sundays?", "How much is delivery?",
        "Can I return an item?", "Which payment methods do you accept?", "Is there a warranty?",
    };

    private static final class Delivery {
        final Conversation conversation;
        final byte[] body;
        volatile boolean acknowledged;

        Delivery(Conversation conversation, byte[] body) {
            this.conversation = conversation;
            this.body = body;
        }
    }

    // ---- the demo processes -------------------------------------------------------------------

    private Demo startDemo(String name) throws IOException {
        int port = freePort();
        Path log = out.resolve("demo-" + name + ".log");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String opt : options.getOrDefault("java-opts", "-Xmx256m").split(" ")) {
            if (!opt.isBlank()) {
                command.add(opt);
            }
        }
        command.add("-Dlogback.configurationFile=" + required("logback"));
        command.add("-jar");
        command.add(required("jar"));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith("META_") || k.startsWith("OPENROUTER_") || k.startsWith("SUPABASE_")
                || k.startsWith("DATABASE_"));
        env.put("PORT", Integer.toString(port));
        env.put("DATABASE_URL", required("database-url"));
        env.put("META_GRAPH_API_BASE_URL", stub.baseUrl());
        env.put("RATE_LIMIT_PER_MINUTE", "1000");
        for (String pair : options.getOrDefault("demo-env", "").split(",")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                env.put(pair.substring(0, eq).strip(), pair.substring(eq + 1).strip());
            }
        }
        return new Demo(name, port, log, pb.start());
    }

    private final class Demo {
        final String name;
        final int port;
        final Path log;
        final Process process;
        volatile boolean killed;

        Demo(String name, int port, Path log, Process process) {
            this.name = name;
            this.port = port;
            this.log = log;
            this.process = process;
        }

        URI webhook() {
            return URI.create("http://127.0.0.1:" + port + DemoServer.WEBHOOK_PATH);
        }

        void awaitReady() throws Exception {
            URI handshake = URI.create(webhook() + "?hub.mode=subscribe&hub.verify_token=" + DemoServer.DEMO_VERIFY_TOKEN
                    + "&hub.challenge=1");
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("demo " + name + " exited; see " + log);
                }
                try {
                    if (http.send(HttpRequest.newBuilder(handshake).timeout(Duration.ofSeconds(5)).build(),
                            HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                        return;
                    }
                } catch (IOException e) {
                    // not listening yet
                }
                Thread.sleep(250);
            }
            throw new IllegalStateException("demo " + name + " did not start within 3 minutes; see " + log);
        }

        void kill9() throws Exception {
            killed = true;
            shell("kill -9 " + process.pid());
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }

    private void stopAll() {
        for (Demo d : demos) {
            if (d.process.isAlive()) {
                d.process.destroy(); // SIGTERM: the demo's shutdown line
                try {
                    if (!d.process.waitFor(60, TimeUnit.SECONDS)) {
                        d.process.destroyForcibly();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        if (stub != null) {
            stub.close();
        }
        redeliveries.shutdownNow();
        senders.shutdownNow();
    }

    // ---- helpers ------------------------------------------------------------------------------

    private void shell(String command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("bash", "-c", command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(out.resolve("shell.log").toFile())).start();
        if (!p.waitFor(2, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IOException("'" + command + "' failed; see " + out.resolve("shell.log"));
        }
    }

    private static int freePort() throws IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static String load() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).strip();
        } catch (IOException e) {
            return "unknown";
        }
    }

    private String maskedUrl() {
        return required("database-url").replaceAll("password=[^&]*", "password=****");
    }

    private String required(String name) {
        String v = options.get(name);
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException("--" + name + " is required (see whatsapp-ai-examples/src/check/fault-runs.sh)");
        }
        return v;
    }

    private int intOption(String name, int fallback) {
        return Integer.parseInt(options.getOrDefault(name, Integer.toString(fallback)));
    }

    /** Writes to two streams (the console and the report file). */
    private static final class TeeStream extends java.io.OutputStream {
        private final java.io.OutputStream a;
        private final java.io.OutputStream b;

        TeeStream(java.io.OutputStream a, java.io.OutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public void write(int c) throws IOException {
            a.write(c);
            b.write(c);
        }

        @Override
        public void write(byte[] buf, int off, int len) throws IOException {
            a.write(buf, off, len);
            b.write(buf, off, len);
        }

        @Override
        public void flush() throws IOException {
            a.flush();
            b.flush();
        }
    }
}
