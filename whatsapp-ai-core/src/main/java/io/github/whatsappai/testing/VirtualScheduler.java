package io.github.whatsappai.testing;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.Delayed;
import java.util.concurrent.Executors;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.RunnableScheduledFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A {@link ScheduledExecutorService} on virtual time: tasks run only when the test calls
 * {@link #advance(Duration)} or {@link #runDueTasks()}, on the test's thread, in order of their due
 * time (then of scheduling), with the {@link ManualClock} set to each task's due time while it runs.
 * {@link #execute(Runnable)} and {@code submit} queue a task due now. So a test replays 15 seconds
 * of buffering, retries with backoff or a day of session timeout deterministically, without sleeping.
 *
 * <p>Thread-safe: tasks may be scheduled from any thread; they still run only inside
 * {@code advance}/{@code runDueTasks}; when the code under test schedules from its own threads (an
 * HTTP client's callbacks, say), {@link #awaitPendingTasks(int, Duration)} waits for those tasks to
 * arrive. An exception thrown by a task completes its future
 * exceptionally (and ends a periodic task), as in {@link java.util.concurrent.ScheduledThreadPoolExecutor};
 * {@link #failures()} lists them so a test can assert there were none.
 */
public final class VirtualScheduler extends AbstractExecutorService implements ScheduledExecutorService {

    private final ManualClock clock;
    private final PriorityQueue<Task<?>> queue = new PriorityQueue<>();
    private final List<Throwable> failures = new ArrayList<>();
    private long sequence;
    private boolean shutdown;

    /** A scheduler moving {@code clock}. */
    public VirtualScheduler(ManualClock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** A scheduler with its own clock at {@link ManualClock#atDefaultStart()}. */
    public VirtualScheduler() {
        this(ManualClock.atDefaultStart());
    }

    /** The clock this scheduler moves. */
    public ManualClock clock() {
        return clock;
    }

    /**
     * Moves time forward by {@code duration}, running every task that falls due on the way (also
     * those scheduled by other tasks meanwhile), each with the clock at its due time; the clock ends
     * at now + {@code duration}.
     *
     * @return how many tasks ran
     */
    public int advance(Duration duration) {
        if (duration.isNegative()) {
            throw new IllegalArgumentException("time cannot go back: " + duration);
        }
        Instant target = clock.instant().plus(duration);
        int ran = 0;
        while (true) {
            Task<?> next;
            synchronized (this) {
                next = queue.peek();
                if (next == null || next.time.isAfter(target)) {
                    break;
                }
                queue.poll();
            }
            if (next.time.isAfter(clock.instant())) {
                clock.setInstant(next.time);
            }
            next.run();
            ran++;
        }
        clock.setInstant(target);
        return ran;
    }

    /** Runs every task due at the current time (including tasks they schedule for now); returns how many ran. */
    public int runDueTasks() {
        return advance(Duration.ZERO);
    }

    /** Tasks waiting to run (cancelled tasks excluded). */
    public synchronized int pendingTasks() {
        return (int) queue.stream().filter(t -> !t.isCancelled()).count();
    }

    /** When the next waiting task is due, if any. */
    public synchronized Optional<Instant> nextTaskTime() {
        return queue.stream().filter(t -> !t.isCancelled()).map(t -> t.time).min(Instant::compareTo);
    }

    /** How long from now until the next waiting task is due (zero when it is due now), if any. */
    public synchronized Optional<Duration> nextTaskDelay() {
        Instant now = clock.instant();
        return nextTaskTime().map(t -> t.isAfter(now) ? Duration.between(now, t) : Duration.ZERO);
    }

    /**
     * Waits, in real time, until at least {@code count} tasks are waiting, for tasks scheduled by
     * other threads; returns at once if they already are. Virtual time does not move meanwhile.
     *
     * @param count   how many waiting tasks to wait for
     * @param timeout the real-time limit, a safety net against a test that would hang
     * @throws TimeoutException     if fewer than {@code count} tasks are waiting after {@code timeout}
     * @throws InterruptedException if the waiting thread is interrupted
     */
    public synchronized void awaitPendingTasks(int count, Duration timeout)
            throws InterruptedException, TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (pendingTasks() < count) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new TimeoutException("expected " + count + " waiting tasks within " + timeout
                        + ", have " + pendingTasks());
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
    }

    /**
     * Runs {@code call}, which blocks until tasks of this scheduler have run (a blocking API whose
     * retry waits are tasks here), on a new thread, and meanwhile runs those tasks on this thread as
     * they are scheduled, moving the clock to each; returns what {@code call} returns or throws what
     * it throws. Each wait that virtual time made is passed to {@code waits} first, so a test can
     * assert the backoff without sleeping through it.
     *
     * @param call          the blocking call
     * @param waits         hears each virtual wait (from now to the next task), in order
     * @param realTimeLimit the real-time safety net against a call that never returns
     * @param <T>           what the call returns
     * @return what {@code call} returned
     * @throws Exception        what {@code call} threw
     * @throws TimeoutException when {@code call} did not return within {@code realTimeLimit}
     */
    public <T> T runBlocking(Callable<T> call, java.util.function.Consumer<Duration> waits, Duration realTimeLimit)
            throws Exception {
        java.util.concurrent.FutureTask<T> task = new java.util.concurrent.FutureTask<>(call);
        Thread caller = new Thread(task, "virtual-scheduler-caller");
        caller.setDaemon(true);
        caller.start();
        long deadline = System.nanoTime() + realTimeLimit.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<Duration> next = nextTaskDelay();
            if (next.isPresent()) {
                waits.accept(next.get());
                advance(next.get());
                continue;
            }
            try {
                return task.get(5, TimeUnit.MILLISECONDS);
            } catch (TimeoutException stillRunning) {
                // the call is busy elsewhere (an HTTP exchange, say)
            } catch (java.util.concurrent.ExecutionException e) {
                if (e.getCause() instanceof Exception ex) {
                    throw ex;
                }
                if (e.getCause() instanceof Error err) {
                    throw err;
                }
                throw e;
            }
        }
        caller.interrupt();
        throw new TimeoutException("the call did not return within " + realTimeLimit + " of real time");
    }

    /** Exceptions thrown by tasks so far, oldest first. */
    public synchronized List<Throwable> failures() {
        return List.copyOf(failures);
    }

    @Override
    public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
        Objects.requireNonNull(command, "command");
        return enqueue(new Task<Void>(Executors.callable(command, null), due(delay, unit), 0));
    }

    @Override
    public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
        Objects.requireNonNull(callable, "callable");
        return enqueue(new Task<>(callable, due(delay, unit), 0));
    }

    @Override
    public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
        if (period <= 0) {
            throw new IllegalArgumentException("period must be positive, was " + period);
        }
        return enqueue(new Task<Void>(Executors.callable(command, null), due(initialDelay, unit),
                unit.toNanos(period)));
    }

    @Override
    public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
        if (delay <= 0) {
            throw new IllegalArgumentException("delay must be positive, was " + delay);
        }
        return enqueue(new Task<Void>(Executors.callable(command, null), due(initialDelay, unit),
                -unit.toNanos(delay)));
    }

    /** Queues {@code command} to run at the current virtual time, on the next {@link #advance}/{@link #runDueTasks}. */
    @Override
    public void execute(Runnable command) {
        schedule(command, 0, TimeUnit.NANOSECONDS);
    }

    @Override
    public synchronized void shutdown() {
        shutdown = true;
    }

    @Override
    public synchronized List<Runnable> shutdownNow() {
        shutdown = true;
        List<Runnable> waiting = new ArrayList<>(queue);
        queue.clear();
        return waiting;
    }

    @Override
    public synchronized boolean isShutdown() {
        return shutdown;
    }

    @Override
    public synchronized boolean isTerminated() {
        return shutdown && queue.isEmpty();
    }

    /** Does not wait (virtual time does not pass by itself): reports whether the scheduler is terminated. */
    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) {
        return isTerminated();
    }

    @Override
    public String toString() {
        return "VirtualScheduler[" + clock.instant() + ", " + pendingTasks() + " pending]";
    }

    private Instant due(long delay, TimeUnit unit) {
        return clock.instant().plusNanos(Math.max(0, unit.toNanos(delay)));
    }

    private synchronized <V> Task<V> enqueue(Task<V> task) {
        if (shutdown) {
            throw new RejectedExecutionException("the scheduler is shut down");
        }
        task.seq = sequence++;
        queue.add(task);
        notifyAll();
        return task;
    }

    private synchronized void failed(Throwable t) {
        failures.add(t);
    }

    /** One scheduled task; {@code period} > 0 is a fixed rate, < 0 a fixed delay, 0 one-shot. */
    private final class Task<V> extends FutureTask<V> implements RunnableScheduledFuture<V> {
        private Instant time;
        private final long period;
        private long seq;

        Task(Callable<V> callable, Instant time, long period) {
            super(callable);
            this.time = time;
            this.period = period;
        }

        @Override
        public boolean isPeriodic() {
            return period != 0;
        }

        @Override
        public long getDelay(TimeUnit unit) {
            return unit.convert(Duration.between(clock.instant(), time).toNanos(), TimeUnit.NANOSECONDS);
        }

        @Override
        public int compareTo(Delayed other) {
            if (other instanceof Task<?> t) {
                int c = time.compareTo(t.time);
                return c != 0 ? c : Long.compare(seq, t.seq);
            }
            return Long.compare(getDelay(TimeUnit.NANOSECONDS), other.getDelay(TimeUnit.NANOSECONDS));
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            boolean cancelled = super.cancel(mayInterruptIfRunning);
            if (cancelled) {
                synchronized (VirtualScheduler.this) {
                    queue.remove(this);
                }
            }
            return cancelled;
        }

        @Override
        public void run() {
            if (!isPeriodic()) {
                super.run();
            } else if (runAndReset()) {
                time = period > 0 ? time.plusNanos(period) : clock.instant().plusNanos(-period);
                synchronized (VirtualScheduler.this) {
                    if (!shutdown) {
                        queue.add(this);
                        VirtualScheduler.this.notifyAll();
                    }
                }
            }
        }

        @Override
        protected void setException(Throwable t) {
            failed(t);
            super.setException(t);
        }
    }
}
