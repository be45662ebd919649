package io.github.whatsappai.bench;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.github.whatsappai.store.Arrival;
import io.github.whatsappai.store.BufferPolicy;
import io.github.whatsappai.store.Claim;
import io.github.whatsappai.store.StateStore;
import io.github.whatsappai.store.postgres.PostgresStateStore;
import io.github.whatsappai.webhook.model.BusinessNumber;
import io.github.whatsappai.webhook.model.ConversationKey;
import io.github.whatsappai.webhook.model.InboundMessage;
import io.github.whatsappai.webhook.model.Sender;
import io.github.whatsappai.webhook.model.TextContent;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Timed load driver for {@link PostgresStateStore} on an embedded PostgreSQL 14 with its default,
 * crash-safe settings (fsync on) on this machine:
 * <ol>
 *   <li><b>append</b>: 1, 8 and 64 threads each call {@code append} with one new message (one
 *       delivery) in a loop for a fixed time; appends/s and the p50/p99 latency of one call;</li>
 *   <li><b>hand-off</b>: 10,000 conversations due within one second, two store instances each
 *       claiming as the engine does (at the next deadline, polling at least every 250 ms); the
 *       lateness from each burst's due time to its claim.</li>
 * </ol>
 * Run: {@code ./mvnw -B -q -Pbench -pl whatsapp-ai-core test-compile exec:exec
 * -Dbench.main=io.github.whatsappai.bench.PostgresStateStoreBench -Dbench.args="10"} (seconds per
 * append run; 0 runs the hand-off only).
 */
public final class PostgresStateStoreBench {

    /** Bursts per claimDue call: BENCH_CLAIM_CHUNK, default 200 (the engine's MessageBuffer asks for 4096). */
    private static final int CLAIM_CHUNK = Integer.parseInt(System.getenv().getOrDefault("BENCH_CLAIM_CHUNK", "200"));
    private static final LongAdder CALLS = new LongAdder();
    private static final LongAdder CALL_NANOS = new LongAdder();
    private static final BusinessNumber BUSINESS = new BusinessNumber("waba", "106540352242922", "15550000000");

    private PostgresStateStoreBench() {
    }

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        int[] threadCounts = args.length > 1
                ? Arrays.stream(args[1].split(",")).mapToInt(Integer::parseInt).toArray()
                : new int[] {1, 8, 64};
        boolean handOff = args.length <= 2 || !"no-handoff".equals(args[2]);
        String url = System.getenv("BENCH_JDBC_URL");
        EmbeddedPostgres embedded = url == null
                ? EmbeddedPostgres.builder().setServerConfig("max_connections", "200").start() : null;
        Server pg = embedded != null
                ? new Server("jdbc:postgresql://127.0.0.1:" + embedded.getPort() + "/postgres?user=postgres")
                : new Server(url);
        try {
            System.out.println("PostgreSQL: " + pg.version() + (embedded != null ? " (embedded)" : " at BENCH_JDBC_URL"));
            if (seconds > 0) {
                for (int threads : threadCounts) {
                    appendRun(pg, threads, seconds);
                }
            }
            if (handOff) {
                handOff(pg, 10_000, "warm-up"); // a running server's JIT has compiled the claim path
                CALLS.reset();
                CALL_NANOS.reset();
                handOff(pg, 10_000, "measured");
            }
        } finally {
            if (embedded != null) {
                embedded.close();
            }
        }
    }

    /** The PostgreSQL server the bench runs on: a JDBC URL of its {@code postgres} database. */
    private record Server(String url) {

        String urlOf(String db) {
            int q = url.indexOf('?');
            String base = q < 0 ? url : url.substring(0, q);
            return base.substring(0, base.lastIndexOf('/') + 1) + db + (q < 0 ? "" : url.substring(q));
        }

        String version() throws Exception {
            try (Connection c = java.sql.DriverManager.getConnection(url); Statement s = c.createStatement();
                 java.sql.ResultSet rs = s.executeQuery("show server_version")) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    private static HikariDataSource pool(Server pg, String db, int size) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(pg.urlOf(db));
        config.setMaximumPoolSize(size);
        return new HikariDataSource(config);
    }

    private static String freshDatabase(Server pg, String name) throws Exception {
        try (Connection c = java.sql.DriverManager.getConnection(pg.url()); Statement s = c.createStatement()) {
            s.execute("drop database if exists " + name);
            s.execute("create database " + name);
        }
        return name;
    }

    private static Arrival arrival(String waId, String id, long at) {
        InboundMessage m = new InboundMessage(id, BUSINESS, new Sender(waId, null, null, "Bench", null),
                Instant.ofEpochMilli(at), "text", new TextContent("How much is the premium plan?"), null, null,
                null, null);
        return new Arrival(ConversationKey.of(m), m, at);
    }

    private static void appendRun(Server pg, int threads, int seconds) throws Exception {
        String db = freshDatabase(pg, "bench_append_" + threads);
        int commitThreads = Integer.parseInt(System.getenv().getOrDefault("BENCH_COMMIT_THREADS", "2"));
        try (HikariDataSource ds = pool(pg, db, commitThreads + 2);
             StateStore store = PostgresStateStore.builder(ds).notifications(false).commitThreads(commitThreads)
                     .build()) {
            AtomicLong ids = new AtomicLong();
            LongAdder count = new LongAdder();
            long[][] latencies = new long[threads][];
            CountDownLatch start = new CountDownLatch(1);
            List<Thread> workers = new ArrayList<>();
            long warmEnd = System.nanoTime() + Duration.ofSeconds(3).toNanos() + 200_000_000L;
            long end = warmEnd + Duration.ofSeconds(seconds).toNanos();
            for (int t = 0; t < threads; t++) {
                int slot = t;
                Thread w = new Thread(() -> {
                    long[] lat = new long[1 << 20];
                    int n = 0;
                    try {
                        start.await();
                    } catch (InterruptedException e) {
                        return;
                    }
                    long now;
                    while ((now = System.nanoTime()) < end) {
                        long id = ids.incrementAndGet();
                        // 20,000 people: most appends extend a conversation someone else also writes to
                        Arrival a = arrival("49" + (1_000_000 + id % 20_000), "wamid.B" + id, System.currentTimeMillis());
                        store.append(List.of(a));
                        long took = System.nanoTime() - now;
                        if (now > warmEnd) {
                            count.increment();
                            if (n < lat.length) {
                                lat[n++] = took;
                            }
                        }
                    }
                    latencies[slot] = Arrays.copyOf(lat, n);
                });
                workers.add(w);
                w.start();
            }
            start.countDown();
            long sleep = (warmEnd - System.nanoTime()) / 1_000_000;
            if (sleep > 0) {
                Thread.sleep(sleep);
            }
            long counted = count.sum();
            long cpuStart = processCpuNanos();
            long pgStart = serverCpuTicks(ds);
            for (Thread w : workers) {
                w.join();
            }
            long cpu = processCpuNanos() - cpuStart;
            long pgTicks = serverCpuTicks(ds) - pgStart;
            long[] all = Arrays.stream(latencies).flatMapToLong(Arrays::stream).sorted().toArray();
            System.out.printf("append threads=%d, commit threads=%d: %.0f appends/s, p50 %.2f ms, p99 %.2f ms"
                    + " (%d appends in %d s; CPU per append: this JVM %.0f µs, PostgreSQL %s)%n",
                    threads, commitThreads, count.sum() / (double) seconds, percentile(all, 0.50) / 1e6,
                    percentile(all, 0.99) / 1e6, count.sum(), seconds, cpu / 1e3 / Math.max(1, count.sum() - counted),
                    pgStart < 0 ? "not readable" : String.format("%.0f µs", pgTicks * 1e4 / Math.max(1, count.sum() - counted)));
        }
    }

    private static void handOff(Server pg, int conversations, String label) throws Exception {
        String db = freshDatabase(pg, "bench_handoff_" + label.replace('-', '_'));
        BufferPolicy policy = new BufferPolicy(Duration.ofSeconds(3), Duration.ofSeconds(60), 20);
        try (HikariDataSource ds = pool(pg, db, 16);
             StateStore one = PostgresStateStore.builder(ds).policy(policy).notifications(false).build();
             StateStore two = PostgresStateStore.builder(ds).policy(policy).notifications(false).migrate(false).build()) {
            // arrivals spread over one second, far enough ahead that appending them all ends first;
            // then every due time moves so that they fall due between 2 s and 3 s from now
            long base = System.currentTimeMillis() + 600_000;
            List<Arrival> batch = new ArrayList<>();
            for (int i = 0; i < conversations; i++) {
                batch.add(arrival("48" + (1_000_000 + i), "wamid.H" + label + i, base + (i * 1000L) / conversations));
                if (batch.size() == 500) {
                    one.append(batch);
                    batch = new ArrayList<>();
                }
            }
            if (!batch.isEmpty()) {
                one.append(batch);
            }
            long shift = base + policy.window().toMillis() - (System.currentTimeMillis() + 2_000);
            try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
                s.executeUpdate("update whatsapp_ai.conversation set due_at = due_at - " + shift);
            }
            long[] lateness = new long[conversations];
            long cpuStart = processCpuNanos();
            long pgStart = serverCpuTicks(ds);
            AtomicLong claimed = new AtomicLong();
            Thread a = claimer(one, "one", lateness, claimed, conversations);
            Thread b = claimer(two, "two", lateness, claimed, conversations);
            a.start();
            b.start();
            a.join();
            b.join();
            long cpu = processCpuNanos() - cpuStart;
            long pgTicks = serverCpuTicks(ds) - pgStart;
            long[] sorted = Arrays.stream(lateness).sorted().toArray();
            System.out.printf("hand-off (%s): %d conversations due within 1 s, 2 instances: lateness p50 %d ms,"
                    + " p99 %d ms, max %d ms%n", label, conversations, percentile(sorted, 0.50), percentile(sorted, 0.99),
                    sorted[sorted.length - 1]);
            System.out.printf("hand-off (%s): %d claimDue calls of up to %d that claimed something, %.1f ms each on average%n",
                    label, CALLS.sum(), CLAIM_CHUNK, CALL_NANOS.sum() / 1e6 / Math.max(1, CALLS.sum()));
            System.out.printf("hand-off (%s): CPU per claimed burst (both instances, polling included): this JVM %.0f µs,"
                    + " PostgreSQL %s%n", label, cpu / 1e3 / conversations,
                    pgStart < 0 ? "not readable" : String.format("%.0f µs", pgTicks * 1e4 / conversations));
        }
    }

    /**
     * Claims as the engine does: at the next deadline, polling at least every 250 ms; {@link #CLAIM_CHUNK}
     * bursts per call.
     */
    private static Thread claimer(StateStore store, String owner, long[] lateness, AtomicLong claimed, int total) {
        return new Thread(() -> {
            while (claimed.get() < total) {
                long now = System.currentTimeMillis();
                long started = System.nanoTime();
                List<Claim> claims = store.claimDue(now, CLAIM_CHUNK, owner, now + 30_000);
                long at = System.currentTimeMillis();
                if (!claims.isEmpty()) {
                    CALLS.increment();
                    CALL_NANOS.add(System.nanoTime() - started);
                }
                for (Claim c : claims) {
                    int i = (int) claimed.getAndIncrement();
                    lateness[i] = at - c.batch().deadline().toEpochMilli();
                }
                if (claims.isEmpty()) {
                    long next = Math.min(store.nextDeadline(), System.currentTimeMillis() + 250);
                    long sleep = next - System.currentTimeMillis();
                    if (sleep > 0) {
                        try {
                            Thread.sleep(sleep);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                }
            }
        });
    }

    /**
     * CPU ticks (1/100 s) used so far by the PostgreSQL server behind {@code ds}: the postmaster and
     * all its children (backends, WAL writer, checkpointer...), from /proc; -1 when not readable
     * (another machine, another OS).
     */
    private static long serverCpuTicks(javax.sql.DataSource ds) {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement();
             java.sql.ResultSet rs = s.executeQuery("select pg_backend_pid()")) {
            rs.next();
            String[] backend = procStat(rs.getInt(1));
            long postmaster = Long.parseLong(backend[1]);
            long ticks = 0;
            try (var dirs = java.nio.file.Files.list(java.nio.file.Path.of("/proc"))) {
                for (java.nio.file.Path d : (Iterable<java.nio.file.Path>) dirs::iterator) {
                    String name = d.getFileName().toString();
                    if (!name.chars().allMatch(Character::isDigit)) {
                        continue;
                    }
                    String[] f = procStat(Integer.parseInt(name));
                    if (f != null && (Long.parseLong(f[1]) == postmaster || Long.parseLong(name) == postmaster)) {
                        ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]);
                    }
                }
            }
            return ticks;
        } catch (Exception e) {
            return -1;
        }
    }

    /** The fields of /proc/PID/stat after the command name: [0] state, [1] ppid, ..., [11] utime, [12] stime. */
    private static String[] procStat(int pid) {
        try {
            String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc", Integer.toString(pid), "stat"));
            return stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        } catch (Exception e) {
            return null;
        }
    }

    /** CPU time of this whole JVM (every thread, GC and JIT included). */
    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static long percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
    }
}
