package io.github.whatsappai.examples.jdbc;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.Set;

/**
 * Runs units of work in a transaction for the JDBC implementations: commits, rolls back on any
 * failure, retries races the database resolves by aborting one side (unique violation,
 * serialization failure, deadlock) and turns every {@link SQLException} into a
 * {@link StorageException} that names the operation.
 */
final class Jdbc {

    /** SQLStates worth a fresh attempt: a concurrent transaction won a race. */
    private static final Set<String> RACE_STATES = Set.of("23505", "40001", "40P01");
    private static final int MAX_ATTEMPTS = 5;

    private final DataSource dataSource;

    Jdbc(DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    /** Work done on one connection inside one transaction. */
    @FunctionalInterface
    interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    /**
     * Runs {@code work} in a transaction, retrying it a few times when a concurrent transaction
     * won a race.
     *
     * @throws StorageException when the database fails or the race persists
     */
    <T> T inTransaction(String operation, Work<T> work) {
        SQLException last = null;
        for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
            try {
                return once(work);
            } catch (SQLException e) {
                last = e;
                if (e.getSQLState() == null || !RACE_STATES.contains(e.getSQLState())) {
                    break;
                }
            }
        }
        throw new StorageException(operation, last);
    }

    private <T> T once(Work<T> work) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            boolean autoCommit = connection.getAutoCommit();
            connection.setAutoCommit(false);
            try {
                T result = work.run(connection);
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException | Error e) {
                rollbackQuietly(connection, e);
                throw e;
            } finally {
                restoreAutoCommit(connection, autoCommit);
            }
        }
    }

    private static void rollbackQuietly(Connection connection, Throwable failure) {
        try {
            connection.rollback();
        } catch (SQLException rollbackFailure) {
            failure.addSuppressed(rollbackFailure);
        }
    }

    private static void restoreAutoCommit(Connection connection, boolean autoCommit) {
        try {
            if (!connection.isClosed()) {
                connection.setAutoCommit(autoCommit);
            }
        } catch (SQLException ignored) {
            // the connection is broken; the pool discards it when it is closed
        }
    }

    /** Binds an instant as {@code timestamptz}, or SQL NULL. */
    static void setInstant(PreparedStatement statement, int index, Instant instant) throws SQLException {
        if (instant == null) {
            statement.setNull(index, Types.TIMESTAMP_WITH_TIMEZONE);
        } else {
            statement.setObject(index, OffsetDateTime.ofInstant(instant, ZoneOffset.UTC));
        }
    }

    /** Reads a {@code timestamptz} column as an instant, or {@code null}. */
    static Instant getInstant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    /** Binds an integer or SQL NULL. */
    static void setInteger(PreparedStatement statement, int index, Integer value) throws SQLException {
        if (value == null) {
            statement.setNull(index, Types.INTEGER);
        } else {
            statement.setInt(index, value);
        }
    }
}
