package io.github.whatsappai.examples.jdbc;

import io.github.whatsappai.WhatsAppAiException;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;

/**
 * A database operation of one of the JDBC implementations failed: the database is unreachable, a
 * connection could not be had from the pool in time, or a statement failed.
 *
 * <p>The message names the operation and carries the driver's message and SQLState; it never
 * contains the connection URL or a password. The pipeline treats it like any other SPI failure:
 * the batch is kept and retried with backoff, so messages survive a database outage.
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
        StringBuilder sb = new StringBuilder("database operation '").append(operation).append("' failed");
        if (cause.getSQLState() != null) {
            sb.append(" (SQLState ").append(cause.getSQLState()).append(')');
        }
        sb.append(": ").append(cause.getMessage());
        Throwable root = cause.getCause();
        while (root != null && root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (root != null && root.getMessage() != null && !root.getMessage().equals(cause.getMessage())) {
            sb.append(" (caused by ").append(root.getClass().getSimpleName()).append(": ")
                    .append(root.getMessage()).append(')');
        }
        return sb.toString();
    }
}
