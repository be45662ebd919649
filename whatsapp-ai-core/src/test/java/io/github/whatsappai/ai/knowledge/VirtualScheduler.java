package io.github.whatsappai.ai.knowledge;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.Delayed;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A scheduler on virtual time for tests: tasks run on the calling thread when {@link #advance}
 * moves the clock past their time. Only one-shot {@code schedule} and {@code execute} are
 * supported (what the knowledge base uses). Not thread-safe.
 */
final class VirtualScheduler extends AbstractExecutorService implements ScheduledExecutorService {

    private final PriorityQueue<Task> queue = new PriorityQueue<>(
            Comparator.comparingLong((Task t) -> t.at).thenComparingLong(t -> t.seq));
    private long now;
    private long seq;
    private boolean shutdown;

    /** Runs every task due up to now + {@code d}, in time order, advancing the clock to each. */
    void advance(Duration d) {
        long until = now + d.toNanos();
        while (!queue.isEmpty() && queue.peek().at <= until) {
            Task t = queue.poll();
            now = t.at;
            if (!t.cancelled) {
                t.done = true;
                t.command.run();
            }
        }
        now = until;
    }

    /** Delays of the tasks waiting, from now, soonest first. */
    List<Duration> pendingDelays() {
        List<Task> tasks = new ArrayList<>(queue);
        tasks.sort(queue.comparator());
        List<Duration> out = new ArrayList<>();
        for (Task t : tasks) {
            if (!t.cancelled) {
                out.add(Duration.ofNanos(t.at - now));
            }
        }
        return out;
    }

    @Override
    public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
        if (shutdown) {
            throw new java.util.concurrent.RejectedExecutionException("shut down");
        }
        Task t = new Task(command, now + unit.toNanos(delay), seq++);
        queue.add(t);
        return t;
    }

    @Override
    public void execute(Runnable command) {
        schedule(command, 0, TimeUnit.NANOSECONDS);
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
    public void shutdown() {
        shutdown = true;
    }

    @Override
    public List<Runnable> shutdownNow() {
        shutdown = true;
        List<Runnable> out = new ArrayList<>();
        for (Task t : queue) {
            out.add(t.command);
        }
        queue.clear();
        return out;
    }

    @Override
    public boolean isShutdown() {
        return shutdown;
    }

    @Override
    public boolean isTerminated() {
        return shutdown && queue.isEmpty();
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) {
        return isTerminated();
    }

    private final class Task implements ScheduledFuture<Object> {
        final Runnable command;
        final long at;
        final long seq;
        boolean cancelled;
        boolean done;

        Task(Runnable command, long at, long seq) {
            this.command = command;
            this.at = at;
            this.seq = seq;
        }

        @Override
        public long getDelay(TimeUnit unit) {
            return unit.convert(at - now, TimeUnit.NANOSECONDS);
        }

        @Override
        public int compareTo(Delayed o) {
            return Long.compare(getDelay(TimeUnit.NANOSECONDS), o.getDelay(TimeUnit.NANOSECONDS));
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            if (done) {
                return false;
            }
            cancelled = true;
            return true;
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
