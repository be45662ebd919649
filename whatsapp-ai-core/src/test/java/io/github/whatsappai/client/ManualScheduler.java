package io.github.whatsappai.client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.Delayed;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A scheduler on virtual time for tests: tasks run only when the test advances the clock, on the
 * test's thread. {@link #nanoTime()} is the matching ticker. Other threads (the HTTP client's) may
 * schedule concurrently; {@link #awaitTasks} waits for them with a real-time safety timeout.
 */
final class ManualScheduler extends AbstractExecutorService implements ScheduledExecutorService {

    private final PriorityQueue<Task> queue = new PriorityQueue<>();
    private long now = 1_000_000_000L;
    private long seq;

    synchronized long nanoTime() {
        return now;
    }

    /** Virtual time elapsed since the start, for assertions. */
    synchronized Duration elapsed() {
        return Duration.ofNanos(now - 1_000_000_000L);
    }

    /** Runs every task due up to now + {@code d}, in time order, moving the clock with them. */
    void advance(Duration d) {
        long target;
        synchronized (this) {
            target = now + d.toNanos();
        }
        while (true) {
            Task t;
            synchronized (this) {
                Task head = queue.peek();
                if (head == null || head.at > target) {
                    now = target;
                    return;
                }
                t = queue.poll();
                now = Math.max(now, t.at);
            }
            t.run();
        }
    }

    /** Runs tasks due now (delay zero). */
    void runDue() {
        advance(Duration.ZERO);
    }

    /** Number of tasks waiting. */
    synchronized int taskCount() {
        return queue.size();
    }

    /** Delay until the earliest task, or {@code null} when none. */
    synchronized Duration nextDelay() {
        Task head = queue.peek();
        return head == null ? null : Duration.ofNanos(head.at - now);
    }

    /** Waits (real time, up to 10 s) until at least {@code n} tasks are queued. */
    synchronized void awaitTasks(int n) throws InterruptedException, TimeoutException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (queue.size() < n) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new TimeoutException("expected " + n + " scheduled tasks, have " + queue.size());
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
    }

    @Override
    public synchronized ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
        Task t = new Task(now + Math.max(0, unit.toNanos(delay)), seq++, command);
        queue.add(t);
        notifyAll();
        return t;
    }

    @Override
    public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
        throw new UnsupportedOperationException();
    }

    @Override
    public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
        throw new UnsupportedOperationException();
    }

    @Override
    public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void execute(Runnable command) {
        schedule(command, 0, TimeUnit.NANOSECONDS);
    }

    @Override
    public void shutdown() {
    }

    @Override
    public List<Runnable> shutdownNow() {
        return new ArrayList<>();
    }

    @Override
    public boolean isShutdown() {
        return false;
    }

    @Override
    public boolean isTerminated() {
        return false;
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) {
        return true;
    }

    private final class Task implements ScheduledFuture<Object>, Runnable {
        final long at;
        final long order;
        final Runnable command;
        volatile boolean cancelled;
        volatile boolean done;

        Task(long at, long order, Runnable command) {
            this.at = at;
            this.order = order;
            this.command = command;
        }

        @Override
        public void run() {
            if (!cancelled) {
                command.run();
            }
            done = true;
        }

        @Override
        public long getDelay(TimeUnit unit) {
            return unit.convert(at - nanoTime(), TimeUnit.NANOSECONDS);
        }

        @Override
        public int compareTo(Delayed o) {
            Task t = (Task) o;
            return at != t.at ? Long.compare(at, t.at) : Long.compare(order, t.order);
        }

        @Override
        public boolean cancel(boolean mayInterrupt) {
            synchronized (ManualScheduler.this) {
                cancelled = true;
                return queue.remove(this);
            }
        }

        @Override
        public boolean isCancelled() {
            return cancelled;
        }

        @Override
        public boolean isDone() {
            return done || cancelled;
        }

        @Override
        public Object get() {
            return null;
        }

        @Override
        public Object get(long timeout, TimeUnit unit) {
            return null;
        }
    }
}
