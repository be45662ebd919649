package io.github.whatsappai.examples.jdbc;

import io.github.whatsappai.WhatsAppAiException;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;

/**
 * A database operation of one of the JDBC implementations failed: the database is unreachable, a
 * connection could not be had from the pool in time, or a statement failed.
 *
 * <p>The message names the operation, the SQLState and a fixed description of its class with what
 * to check. It never copies the driver's message: PostgreSQL's can quote the values of a row
 * ({@code Key (wa_id)=(…) already exists}, {@code Failing row contains (…)}), which would put phone
 * numbers and message texts into logs. It never contains the connection URL or a password either.
 * The driver's exception stays available as {@link #getCause()} for debugging; the SDK's
 * {@code LoggingEventListener} logs it with phone numbers and business-scoped ids masked, but code
 * of your own that prints this exception's stack trace prints the driver's message as it is.
 *
 * <p>The pipeline treats it like any other SPI failure: the batch is kept and retried with
 * backoff, so messages survive a database outage.
 */
public class StorageException extends WhatsAppAiException {

    private static final long serialVersionUID = 1L;

    private final String operation;
    private final String sqlState;
    private final boolean connectionFailure;

    /**
     * Wraps a driver failure.
     *
     * @param operation what was being done, e.g. {@code "reserve a credit"}
     * @param cause the driver's exception
     */
    public StorageException(String operation, SQLException cause) {
        super(describe(operation, cause), cause);
        this.operation = operation;
        this.sqlState = cause.getSQLState();
        this.connectionFailure = cause instanceof SQLTransientConnectionException
                || (sqlState != null && sqlState.startsWith("08"));
    }

    /**
     * A failure that has no driver exception behind it.
     *
     * @param operation what was being done
     * @param message what went wrong
     */
    public StorageException(String operation, String message) {
        super("database operation '" + operation + "' failed: " + message);
        this.operation = operation;
        this.sqlState = null;
        this.connectionFailure = false;
    }

    /** What was being done, e.g. {@code "find or create a user"}. */
    public String operation() {
        return operation;
    }

    /** The SQLState of the driver's exception ({@code 08…} for connection problems), or {@code null}. */
    public String sqlState() {
        return sqlState;
    }

    /**
     * Whether the database could not be reached (SQLState class {@code 08}, or no connection
     * available from the pool in time), as opposed to a statement that failed on a working
     * connection.
     */
    public boolean isConnectionFailure() {
        return connectionFailure;
    }

    private static String describe(String operation, SQLException cause) {
        String state = cause.getSQLState();
        StringBuilder sb = new StringBuilder("database operation '").append(operation).append("' failed");
        if (state != null) {
            sb.append(" (SQLState ").append(state).append(')');
        }
        return sb.append(": ").append(explain(state, cause)).append(" (").append(cause.getClass().getSimpleName())
                .append("; its message is not copied here because it can hold personal data, see getCause())")
                .toString();
    }

    /** A fixed description of what went wrong and what to check, by SQLState class. */
    private static String explain(String state, SQLException cause) {
        if (cause instanceof SQLTransientConnectionException) {
            return "no connection could be had from the pool in time; check that the database is up and reachable "
                    + "and that the pool is large enough";
        }
        if (state == null || state.length() < 2) {
            return "the driver or the connection pool failed without an SQLState";
        }
        return switch (state.substring(0, 2)) {
            case "08" -> "the database could not be reached or the connection broke; check the URL and that the "
                    + "server is up and reachable";
            case "28" -> "the database refused the credentials; check the user and the password";
            case "3D" -> "the database does not exist; check the database name in the URL";
            case "42" -> "a statement does not fit the schema or lacks a privilege; apply the schema migration "
                    + "(SchemaMigrator) and check the user's grants";
            case "23" -> "a row broke a constraint of the schema (unique, not null, foreign key or check)";
            case "22" -> "a value does not fit its column";
            case "40" -> "a concurrent transaction kept aborting this one (serialization failure or deadlock)";
            case "53" -> "the database is out of resources (disk, memory or connections)";
            case "57" -> "the database cancelled the statement or is shutting down";
            case "25" -> "the transaction was in an invalid state";
            case "58", "XX" -> "the database had an internal error; see its log";
            default -> "the database reported an error of SQLState class " + state.substring(0, 2);
        };
    }
}
