package io.github.whatsappai.store.postgres;

import io.github.whatsappai.internal.NamedDaemonThreads;
import io.github.whatsappai.store.Appended;
import io.github.whatsappai.store.StateStore;
import io.github.whatsappai.store.StoreUnavailableException;
import io.github.whatsappai.webhook.model.ConversationKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Group commit for {@code append}: callers queue their rows and wait; each of a few committer
 * threads takes everything queued (up to a batch), runs it as one transaction and completes every
 * caller in it once the commit returned. While one transaction commits, the next batch collects, so
 * one commit serves many requests: the rate grows with concurrency instead of being bounded by one
 * commit per request.
 *
 * <p>A caller waits at most the write deadline. A request no committer has taken by then is
 * withdrawn (it will never be written); one that is being committed may still land (see
 * {@link PostgresStateStore}). Each transaction runs with a statement timeout and a network timeout
 * derived from the deadline.
 */
final class GroupCommit implements AutoCloseable {

    /** One arrival, ready to write. */
    record Row(String messageId, String phoneNumberId, String hintKey, String waId, String bsuid, long sentAt,
               long arrivedAt, String body) {
    }

    /** The statement's answer for one row. */
    record Result(String userKey, boolean accepted, long dueAt) {
    }

    /**
     * Writes unique rows with ONE statement: on a connection in auto-commit mode (a pool's default)
     * that statement is its own transaction, committed before the driver returns its answer, which
     * saves the round trips of {@code BEGIN} and {@code COMMIT}.
     */
    @FunctionalInterface
    interface Writer {
        Result[] write(Connection c, List<Row> rows, int timeoutSeconds) throws SQLException;
    }

    private static final Logger LOG = LoggerFactory.getLogger(GroupCommit.class);
    private static final int QUEUED = 0;
    private static final int TAKEN = 1;
    private static final int WITHDRAWN = 2;
    private static final int ATTEMPTS = 3;

    private final DataSource dataSource;
    private final Writer writer;
    private final int maxBatch;
    private final long deadlineNanos;
    private final int timeoutSeconds;
    private final int networkTimeoutMillis;
    private final LinkedBlockingQueue<Request> queue = new LinkedBlockingQueue<>();
    private final ExecutorService committers;
    private volatile boolean closed;

    GroupCommit(DataSource dataSource, Writer writer, int threads, int maxBatch, Duration deadline) {
        this.dataSource = dataSource;
        this.writer = writer;
        this.maxBatch = maxBatch;
        this.deadlineNanos = deadline.toNanos();
        this.timeoutSeconds = (int) Math.max(1, (deadline.toMillis() + 999) / 1000);
        this.networkTimeoutMillis = (int) Math.min(Integer.MAX_VALUE, deadline.toMillis() * 2 + 1000);
        this.committers = Executors.newFixedThreadPool(threads, NamedDaemonThreads.numbered("whatsapp-ai-store-commit-"));
        for (int i = 0; i < threads; i++) {
            committers.execute(this::run);
        }
    }

    /** Queues {@code rows} and waits for the commit holding them. */
    List<Appended> append(List<Row> rows) {
        if (closed) {
            throw new StoreUnavailableException("PostgreSQL state store is closed; nothing was recorded", null);
        }
        Request request = new Request(rows);
        queue.add(request);
        try {
            return request.result.get(deadlineNanos, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            boolean withdrawn = request.state.compareAndSet(QUEUED, WITHDRAWN);
            throw new StoreUnavailableException("PostgreSQL state store did not commit within "
                    + Duration.ofNanos(deadlineNanos).toMillis() + " ms"
                    + (withdrawn ? "; nothing was recorded" : "; the commit was under way and may still land")
                    + ", so the delivery is not acknowledged", null);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof StoreUnavailableException s) {
                throw new StoreUnavailableException(s.getMessage(), s);
            }
            throw new IllegalStateException("appending to the PostgreSQL state store failed", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            request.state.compareAndSet(QUEUED, WITHDRAWN);
            throw new StoreUnavailableException("interrupted while waiting for the PostgreSQL state store", null);
        }
    }

    private void run() {
        while (!closed) {
            List<Request> batch;
            try {
                batch = take();
            } catch (InterruptedException e) {
                return;
            }
            if (!batch.isEmpty()) {
                commit(batch);
            }
        }
    }

    /** Waits for one request, then takes what else is queued, up to the batch size in rows. */
    private List<Request> take() throws InterruptedException {
        List<Request> batch = new ArrayList<>();
        int rows = 0;
        Request first = queue.poll(200, TimeUnit.MILLISECONDS);
        while (first != null) {
            if (first.state.compareAndSet(QUEUED, TAKEN)) {
                batch.add(first);
                rows += first.rows.size();
            }
            if (rows >= maxBatch) {
                break;
            }
            Request next = queue.peek();
            if (next == null || (rows > 0 && rows + next.rows.size() > maxBatch)) {
                break;
            }
            first = queue.poll();
        }
        return batch;
    }

    private void commit(List<Request> batch) {
        // one row per message id: a second copy in the same group is a duplicate of the first
        List<Row> unique = new ArrayList<>();
        Map<String, Integer> index = new HashMap<>();
        for (Request r : batch) {
            for (Row row : r.rows) {
                index.computeIfAbsent(row.messageId(), id -> {
                    unique.add(row);
                    return unique.size() - 1;
                });
            }
        }
        Result[] results;
        try {
            results = write(unique);
        } catch (StoreUnavailableException e) {
            batch.forEach(r -> r.result.completeExceptionally(e));
            return;
        } catch (RuntimeException | Error e) {
            LOG.error("appending to the PostgreSQL state store failed unexpectedly: {}", e.getClass().getName());
            batch.forEach(r -> r.result.completeExceptionally(e));
            return;
        }
        Map<String, Boolean> firstSeen = new HashMap<>();
        for (Request r : batch) {
            List<Appended> out = new ArrayList<>(r.rows.size());
            for (Row row : r.rows) {
                Result res = results[index.get(row.messageId())];
                boolean first = firstSeen.putIfAbsent(row.messageId(), Boolean.TRUE) == null;
                ConversationKey key = new ConversationKey(row.phoneNumberId(), res.userKey());
                out.add(first && res.accepted()
                        ? new Appended(Appended.Outcome.ACCEPTED, key, res.dueAt())
                        : new Appended(Appended.Outcome.DUPLICATE, key, StateStore.NONE));
            }
            r.result.complete(out);
        }
    }

    private Result[] write(List<Row> rows) {
        SQLException last = null;
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            try (Connection c = dataSource.getConnection()) {
                int previous = c.getNetworkTimeout();
                c.setNetworkTimeout(Runnable::run, networkTimeoutMillis);
                try {
                    return c.getAutoCommit()
                            ? writer.write(c, rows, timeoutSeconds)
                            : Sql.inTransaction(c, conn -> writer.write(conn, rows, timeoutSeconds));
                } finally {
                    try {
                        c.setNetworkTimeout(Runnable::run, previous);
                    } catch (SQLException ignored) {
                        // a broken connection: the pool discards it
                    }
                }
            } catch (SQLException e) {
                last = e;
                if (!Sql.retryable(e)) {
                    break;
                }
            }
        }
        throw Sql.unavailable("record the delivery", last);
    }

    /** Stops the committers; queued requests fail. */
    @Override
    public void close() {
        closed = true;
        committers.shutdown();
        try {
            if (!committers.awaitTermination(5, TimeUnit.SECONDS)) {
                committers.shutdownNow();
            }
        } catch (InterruptedException e) {
            committers.shutdownNow();
            Thread.currentThread().interrupt();
        }
        Request r;
        while ((r = queue.poll()) != null) {
            if (r.state.compareAndSet(QUEUED, WITHDRAWN)) {
                r.result.completeExceptionally(new StoreUnavailableException(
                        "PostgreSQL state store closed before the delivery was recorded", null));
            }
        }
    }

    private static final class Request {
        final List<Row> rows;
        final AtomicInteger state = new AtomicInteger(QUEUED);
        final CompletableFuture<List<Appended>> result = new CompletableFuture<>();

        Request(List<Row> rows) {
            this.rows = rows;
        }
    }
}
