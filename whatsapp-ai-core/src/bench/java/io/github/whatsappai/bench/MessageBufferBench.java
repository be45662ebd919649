package io.github.whatsappai.bench;

import io.github.whatsappai.store.BufferPolicy;
import io.github.whatsappai.buffer.MessageBuffer;
import io.github.whatsappai.webhook.model.BusinessNumber;
import io.github.whatsappai.webhook.model.InboundMessage;
import io.github.whatsappai.webhook.model.Sender;
import io.github.whatsappai.webhook.model.TextContent;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@link MessageBuffer} figures.
 *
 * <ul>
 *   <li>JMH {@link #add()}: {@code add} throughput on one thread, cycling over {@code conversations}
 *       pending conversations with pre-built messages; a real single-thread timer flushes full batches
 *       (20 messages) to a no-op processor meanwhile, so the figure includes that contention.</li>
 *   <li>{@link #main(String[])} {@code footprint [n]}: retained heap per pending conversation with
 *       {@code n} (default 1,000,000) conversations of one short message each. Messages are built as
 *       the parser would (own strings per message and per delivery); used heap is read after repeated
 *       {@code System.gc()} before the messages exist, with the messages held in an array, and with only
 *       the buffer holding them. Reports the total per conversation and the buffer's own share.</li>
 *   <li>{@code main deadline [n]}: {@code n} (default 100,000) conversations due within the same second
 *       on the real clock (window 2 s); a wrapper around a two-thread worker pool stamps the moment each
 *       batch is handed to the pool, and the processor records that moment minus the batch's deadline. Reports max and percentiles.</li>
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g"})
public class MessageBufferBench {

    @Param({"65536"})
    public int conversations;

    private MessageBuffer buffer;
    private ScheduledThreadPoolExecutor timer;
    private InboundMessage[] messages;
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        timer = new ScheduledThreadPoolExecutor(1);
        timer.setRemoveOnCancelPolicy(true);
        buffer = MessageBuffer.builder()
                .policy(BufferPolicy.defaults())
                .executor(Runnable::run)
                .scheduler(timer)
                .processor(batch -> CompletableFuture.completedFuture(null))
                .build();
        messages = messages(conversations, Instant.now());
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        buffer.close(Duration.ofSeconds(10));
        timer.shutdownNow();
    }

    /** One {@code add} to one of the pending conversations, in turn. */
    @Benchmark
    @Threads(1)
    public void add() {
        int i = next;
        buffer.add(messages[i]);
        next = i + 1 == messages.length ? 0 : i + 1;
    }

    /** One short text per conversation, with strings owned by each message as a parsed delivery has. */
    static InboundMessage[] messages(int n, Instant at) {
        InboundMessage[] out = new InboundMessage[n];
        for (int i = 0; i < n; i++) {
            String waId = new String("6281" + (100_000_000 + i));
            BusinessNumber business = new BusinessNumber(new String("102290129340398"),
                    new String("106540352242922"), new String("15550783881"));
            Sender sender = new Sender(waId, null, null, new String("User " + i), null);
            String id = "wamid.HBgNNjI4MTEwMDAwMDAwMBUCABIYFDNBRjk" + Integer.toHexString(0x100000 + i) + "AA==";
            out[i] = new InboundMessage(id, business, sender, at.plusMillis(i % 1000), new String("text"),
                    new TextContent(new String("Halo, apakah toko buka hari ini?")), null, null, null, null);
        }
        return out;
    }

    /** {@code footprint [n]} or {@code deadline [n]}; see the class documentation. */
    public static void main(String[] args) throws Exception {
        String what = args.length > 0 ? args[0] : "footprint";
        if ("footprint".equals(what)) {
            footprint(args.length > 1 ? Integer.parseInt(args[1]) : 1_000_000);
        } else if ("deadline".equals(what)) {
            deadline(args.length > 1 ? Integer.parseInt(args[1]) : 100_000);
        } else {
            throw new IllegalArgumentException("usage: footprint [n] | deadline [n]");
        }
    }

    private static long usedAfterGc() throws InterruptedException {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(100);
            used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
        }
        return used;
    }

    private static void footprint(int n) throws Exception {
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1);
        MessageBuffer buffer = MessageBuffer.builder()
                .policy(new BufferPolicy(Duration.ofHours(1), Duration.ofHours(1), 20))
                .executor(Runnable::run)
                .scheduler(timer)
                .processor(batch -> CompletableFuture.completedFuture(null))
                .build();
        long base = usedAfterGc();
        InboundMessage[] messages = messages(n, Instant.now());
        long withMessages = usedAfterGc();
        long arrayBytes = 16L + 4L * n;
        long start = System.nanoTime();
        for (InboundMessage m : messages) {
            buffer.add(m);
        }
        long addNanos = System.nanoTime() - start;
        Arrays.fill(messages, null);
        messages = null;
        long withBuffer = usedAfterGc();
        double messageBytes = (withMessages - base - arrayBytes) / (double) n;
        double totalBytes = (withBuffer - base) / (double) n;
        System.out.printf("pending conversations: %,d (buffer reports %,d)%n", n, buffer.pendingConversations());
        System.out.printf("retained heap per pending conversation: %.0f bytes (messages %.0f + buffer %.0f)%n",
                totalBytes, messageBytes, totalBytes - messageBytes);
        System.out.printf("first adds: %.2f M adds/s (cold, one thread, new conversations)%n",
                n / (addNanos / 1e9) / 1e6);
        buffer.close(Duration.ofSeconds(30));
        timer.shutdownNow();
    }

    private static void deadline(int n) throws Exception {
        for (int round = 1; round <= 3; round++) {
            System.out.printf("round %d%s:%n", round, round == 1 ? " (cold JIT)" : "");
            deadlineRound(n);
        }
    }

    private static void deadlineRound(int n) throws Exception {
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1);
        timer.setRemoveOnCancelPolicy(true);
        ThreadPoolExecutor workers = new ThreadPoolExecutor(2, 2, 1, TimeUnit.MINUTES, new LinkedBlockingQueue<>());
        ThreadLocal<Long> handedAt = new ThreadLocal<>();
        long[] lateness = new long[n];
        AtomicInteger handed = new AtomicInteger();
        AtomicLong lastHandOff = new AtomicLong();
        MessageBuffer buffer = MessageBuffer.builder()
                .policy(new BufferPolicy(Duration.ofSeconds(2), Duration.ofSeconds(60), 20))
                .executor(task -> {
                    long at = System.currentTimeMillis();
                    workers.execute(() -> {
                        handedAt.set(at);
                        task.run();
                    });
                })
                .scheduler(timer)
                .processor(batch -> {
                    long now = handedAt.get();
                    int i = handed.getAndIncrement();
                    if (i < n) {
                        lateness[i] = now - batch.deadline().toEpochMilli();
                    }
                    lastHandOff.set(now);
                    return CompletableFuture.completedFuture(null);
                })
                .build();
        InboundMessage[] messages = messages(n, Instant.now());
        long firstAdd = System.currentTimeMillis();
        for (InboundMessage m : messages) {
            buffer.add(m);
        }
        long lastAdd = System.currentTimeMillis();
        while (handed.get() < n) {
            Thread.sleep(50);
        }
        Arrays.sort(lateness);
        System.out.printf("%,d conversations added in %d ms (deadlines spread over the same %d ms)%n", n,
                lastAdd - firstAdd, lastAdd - firstAdd);
        System.out.printf("hand-off lateness after deadline: p50 %d ms, p99 %d ms, max %d ms%n",
                lateness[n / 2], lateness[(int) (n * 0.99)], lateness[n - 1]);
        buffer.close(Duration.ofSeconds(10));
        timer.shutdownNow();
        workers.shutdownNow();
    }
}
