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

    private static final LongAdder CALLS = new LongAdder();
    private static final LongAdder CALL_NANOS = new LongAdder();
    private static final BusinessNumber BUSINESS = new BusinessNumber("waba", "106540352242922", "15550000000");

    private PostgresStateStoreBench() {
    }

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        try (EmbeddedPostgres pg = EmbeddedPostgres.builder().setServerConfig("max_connections", "200").start()) {
            if (seconds > 0) {
                for (int threads : new int[] {1, 8, 64}) {
                    appendRun(pg, threads, seconds);
                }
            }
            handOff(pg, 10_000, "warm-up"); // a running server's JIT has compiled the claim path
            CALLS.reset();
            CALL_NANOS.reset();
            handOff(pg, 10_000, "measured");
        }
    }

    private static HikariDataSource pool(EmbeddedPostgres pg, String db, int size) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl("jdbc:postgresql://127.0.0.1:" + pg.getPort() + "/" + db);
        config.setUsername("postgres");
        config.setMaximumPoolSize(size);
        return new HikariDataSource(config);
    }

    private static String freshDatabase(EmbeddedPostgres pg, String name) throws Exception {
        try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
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

    private static void appendRun(EmbeddedPostgres pg, int threads, int seconds) throws Exception {
        String db = freshDatabase(pg, "bench_append_" + threads);
        try (HikariDataSource ds = pool(pg, db, 8);
             StateStore store = PostgresStateStore.builder(ds).notifications(false).build()) {
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
            for (Thread w : workers) {
                w.join();
            }
            long[] all = Arrays.stream(latencies).flatMapToLong(Arrays::stream).sorted().toArray();
            System.out.printf("append threads=%d: %.0f appends/s, p50 %.2f ms, p99 %.2f ms (%d appends in %d s)%n",
                    threads, count.sum() / (double) seconds, percentile(all, 0.50) / 1e6, percentile(all, 0.99) / 1e6,
                    count.sum(), seconds);
        }
    }

    private static void handOff(EmbeddedPostgres pg, int conversations, String label) throws Exception {
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
            AtomicLong claimed = new AtomicLong();
            Thread a = claimer(one, "one", lateness, claimed, conversations);
            Thread b = claimer(two, "two", lateness, claimed, conversations);
            a.start();
            b.start();
            a.join();
            b.join();
            long[] sorted = Arrays.stream(lateness).sorted().toArray();
            System.out.printf("hand-off (%s): %d conversations due within 1 s, 2 instances: lateness p50 %d ms,"
                    + " p99 %d ms, max %d ms%n", label, conversations, percentile(sorted, 0.50), percentile(sorted, 0.99),
                    sorted[sorted.length - 1]);
            System.out.printf("hand-off (%s): %d claimDue calls that claimed something, %.1f ms each on average%n",
                    label, CALLS.sum(), CALL_NANOS.sum() / 1e6 / Math.max(1, CALLS.sum()));
        }
    }

    /** Claims as the engine does: at the next deadline, polling at least every 250 ms; 200 bursts per call. */
    private static Thread claimer(StateStore store, String owner, long[] lateness, AtomicLong claimed, int total) {
        return new Thread(() -> {
            while (claimed.get() < total) {
                long now = System.currentTimeMillis();
                long started = System.nanoTime();
                List<Claim> claims = store.claimDue(now, 200, owner, now + 30_000);
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

    private static long percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
    }
}
