package io.github.whatsappai.client;

import java.util.ArrayDeque;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Outbound pacing for one phone number id: a token bucket holding {@code burst} tokens (default
 * {@value #DEFAULT_BURST}), refilled
 * one every {@code HEADROOM/rate} seconds (a late dispatch may catch up half an interval, so a
 * slightly late scheduler does not lower the long-run rate), plus a record of the last {@code rate}
 * dispatch times so that no window of {@code HEADROOM} seconds ever holds more than {@code rate}
 * dispatches. Two tokens by default, not more: a reply usually follows its read receipt at once, and making it
 * wait a whole interval behind it would add milliseconds to every answer, while longer bursts reach
 * Meta with more jitter than evenly spaced requests. Work that cannot go yet waits in FIFO order and
 * is released by a task on the scheduler; no thread ever sleeps. Thread-safe.
 */
final class Pacer {

    /**
     * The pacing window, 1.02 s instead of 1 s: the requests reach Meta with some jitter (threads,
     * connections, network), so pacing at exactly the configured rate would now and then put one
     * request too many into one of Meta's seconds. 2 % of headroom absorbs up to 20 ms of jitter;
     * the sustained rate is 98 % of the configured one.
     */
    static final double HEADROOM = 1.02;
    private static final long WINDOW = (long) (TimeUnit.SECONDS.toNanos(1) * HEADROOM);
    private static final long LONG_AGO = Long.MIN_VALUE / 4;
    /** Requests an idle pacer lets through back to back, by default. */
    static final int DEFAULT_BURST = 2;

    private final ScheduledExecutorService scheduler;
    private final LongSupplier ticker;
    private final long interval;
    /** How far ahead of {@code next} a request may go: (burst - 1) intervals. */
    private final long burstAllowance;
    private final long[] recent;
    private final ArrayDeque<Runnable> queue = new ArrayDeque<>();
    private int oldest;
    private long next = LONG_AGO;
    private boolean armed;

    Pacer(int ratePerSecond, ScheduledExecutorService scheduler, LongSupplier ticker) {
        this(ratePerSecond, DEFAULT_BURST, scheduler, ticker);
    }

    Pacer(int ratePerSecond, int burst, ScheduledExecutorService scheduler, LongSupplier ticker) {
        if (burst < 1 || burst > ratePerSecond) {
            throw new IllegalArgumentException("burst must be between 1 and the rate, was " + burst);
        }
        this.scheduler = scheduler;
        this.ticker = ticker;
        this.interval = (WINDOW + ratePerSecond - 1) / ratePerSecond;
        this.burstAllowance = (burst - 1) * interval;
        this.recent = new long[ratePerSecond];
        java.util.Arrays.fill(recent, LONG_AGO);
    }

    /** Runs {@code task} now if the pace allows it, else queues it behind the waiting ones. */
    void submit(Runnable task) {
        boolean runNow;
        synchronized (this) {
            runNow = queue.isEmpty() && tryAcquire(ticker.getAsLong());
            if (!runNow) {
                queue.add(task);
                arm();
            }
        }
        if (runNow) {
            task.run();
        }
    }

    /** How many tasks are waiting (for tests and diagnostics). */
    synchronized int waiting() {
        return queue.size();
    }

    private void drain() {
        ArrayDeque<Runnable> ready = new ArrayDeque<>();
        synchronized (this) {
            armed = false;
            long now = ticker.getAsLong();
            while (!queue.isEmpty() && tryAcquire(now)) {
                ready.add(queue.poll());
            }
            arm();
        }
        for (Runnable r : ready) {
            r.run();
        }
    }

    private void arm() {
        if (armed || queue.isEmpty()) {
            return;
        }
        armed = true;
        long now = ticker.getAsLong();
        long at = Math.max(next - burstAllowance, recent[oldest] + WINDOW);
        scheduler.schedule(this::drain, Math.max(0, at - now), TimeUnit.NANOSECONDS);
    }

    private boolean tryAcquire(long now) {
        if (now < next - burstAllowance || now - recent[oldest] < WINDOW) {
            return false;
        }
        recent[oldest] = now;
        oldest = (oldest + 1) % recent.length;
        next = Math.max(next, now - interval / 2) + interval;
        return true;
    }
}
