package io.github.whatsappai.store.postgres;

import io.github.whatsappai.store.StoreUnavailableException;

import javax.sql.DataSource;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;

/**
 * The JDBC plumbing of the PostgreSQL store: transactions with a retry on deadlock or serialization
 * failure, statements with a timeout, arrays, and errors turned into
 * {@link StoreUnavailableException}s that never carry the driver's message (it can quote rows).
 */
final class Sql {

    /** Work inside one transaction. */
    @FunctionalInterface
    interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    private static final int ATTEMPTS = 3;

    private final DataSource dataSource;
    private final int queryTimeoutSeconds;

    Sql(DataSource dataSource, int queryTimeoutSeconds) {
        this.dataSource = dataSource;
        this.queryTimeoutSeconds = queryTimeoutSeconds;
    }

    /** Runs {@code work} in one transaction; retried on deadlock or serialization failure. */
    <T> T tx(String operation, Work<T> work) {
        SQLException last = null;
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            try (Connection c = dataSource.getConnection()) {
                return inTransaction(c, work);
            } catch (SQLException e) {
                last = e;
                if (!retryable(e)) {
                    break;
                }
            }
        }
        throw unavailable(operation, last);
    }

    static <T> T inTransaction(Connection c, Work<T> work) throws SQLException {
        boolean autoCommit = c.getAutoCommit();
        if (autoCommit) {
            c.setAutoCommit(false);
        }
        try {
            T result = work.run(c);
            c.commit();
            return result;
        } catch (SQLException | RuntimeException | Error e) {
            try {
                c.rollback();
            } catch (SQLException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        } finally {
            if (autoCommit) {
                try {
                    c.setAutoCommit(true);
                } catch (SQLException ignored) {
                    // a broken connection: the pool discards it
                }
            }
        }
    }

    /** A statement with this store's query timeout. */
    PreparedStatement prepare(Connection c, String sql) throws SQLException {
        return prepare(c, sql, queryTimeoutSeconds);
    }

    static PreparedStatement prepare(Connection c, String sql, int timeoutSeconds) throws SQLException {
        PreparedStatement p = c.prepareStatement(sql);
        p.setQueryTimeout(timeoutSeconds);
        return p;
    }

    static Array texts(Connection c, String[] values) throws SQLException {
        return c.createArrayOf("text", values);
    }

    static Array longs(Connection c, Long[] values) throws SQLException {
        return c.createArrayOf("int8", values);
    }

    static Array ints(Connection c, Integer[] values) throws SQLException {
        return c.createArrayOf("int4", values);
    }

    static void setLongOrNull(PreparedStatement p, int index, Long value) throws SQLException {
        if (value == null) {
            p.setNull(index, Types.BIGINT);
        } else {
            p.setLong(index, value);
        }
    }

    static void setIntOrNull(PreparedStatement p, int index, int value) throws SQLException {
        if (value < 0) {
            p.setNull(index, Types.INTEGER);
        } else {
            p.setInt(index, value);
        }
    }

    /** A nullable bigint column; {@code null} when SQL NULL. */
    static Long longOrNull(ResultSet rs, String column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : v;
    }

    static int intOrMinusOne(ResultSet rs, String column) throws SQLException {
        int v = rs.getInt(column);
        return rs.wasNull() ? -1 : v;
    }

    /** Deadlock or serialization failure: the transaction may simply be run again. */
    static boolean retryable(SQLException e) {
        String state = e.getSQLState();
        return "40P01".equals(state) || "40001".equals(state);
    }

    /** The exception callers get: the operation and SQLState, never the driver's message. */
    static StoreUnavailableException unavailable(String operation, SQLException e) {
        String state = e == null ? null : e.getSQLState();
        SQLException scrubbed = null;
        if (e != null) {
            // keep the type and SQLState for diagnosis; drop the text, which may quote a row
            scrubbed = new SQLException(e.getClass().getName(), state, e.getErrorCode());
            scrubbed.setStackTrace(e.getStackTrace());
        }
        StoreUnavailableException out = new StoreUnavailableException("PostgreSQL state store could not "
                + operation + (state != null ? " (SQLState " + state + ")" : "")
                + "; nothing was changed, try again once the database is reachable", scrubbed);
        return out;
    }
}
