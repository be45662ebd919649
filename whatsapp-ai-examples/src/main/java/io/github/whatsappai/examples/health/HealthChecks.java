package io.github.whatsappai.examples.health;

import io.github.whatsappai.examples.health.HealthCheck.Result;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.function.IntSupplier;
import javax.sql.DataSource;

/** Ready-made {@link HealthCheck}s. */
public final class HealthChecks {

    private HealthChecks() {
    }

    /**
     * Up while {@code depth} is at most {@code max}: a backlog that keeps growing (bursts waiting for a
     * worker, an outbox the Graph API does not drain) means the instance should take no more traffic.
     * For the SDK's buffer pass {@code whatsAppAi::pendingConversations}; for a durable store, its
     * outbox depth.
     */
    public static HealthCheck backlog(String name, IntSupplier depth, int max) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(depth, "depth");
        if (max < 0) {
            throw new IllegalArgumentException("max must be >= 0, was " + max);
        }
        return () -> {
            int n;
            try {
                n = depth.getAsInt();
            } catch (RuntimeException e) {
                return Result.down(name, "depth unavailable: " + e.getClass().getSimpleName(), Map.of());
            }
            Map<String, Object> figures = Map.of("depth", n, "max", max);
            return n <= max ? Result.up(name, n + " waiting", figures)
                    : Result.down(name, n + " waiting, above " + max, figures);
        };
    }

    /**
     * Up when the database answers a validity check within {@code timeout} (JDBC's
     * {@link Connection#isValid(int)}, at least 1 s). Driver messages are left out of the result: they
     * can carry host names and user names.
     */
    public static HealthCheck dataSource(String name, DataSource dataSource, Duration timeout) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(dataSource, "dataSource");
        int seconds = (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toSeconds()));
        return () -> {
            try (Connection connection = dataSource.getConnection()) {
                return connection.isValid(seconds) ? Result.up(name, "reachable", Map.of())
                        : Result.down(name, "no answer within " + seconds + " s", Map.of());
            } catch (SQLException | RuntimeException e) {
                String state = e instanceof SQLException sql && sql.getSQLState() != null
                        ? " (SQLState " + sql.getSQLState() + ")" : "";
                return Result.down(name, "unreachable: " + e.getClass().getSimpleName() + state, Map.of());
            }
        };
    }
}
