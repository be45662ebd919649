package io.github.whatsappai.store.postgres;

import io.github.whatsappai.internal.NamedDaemonThreads;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * LISTENs on {@link PostgresStateStore#WAKE_CHANNEL} on one held connection and calls the wake-up
 * for each notification, and once after every (re)connection (something may have been missed). It
 * reaches the PostgreSQL JDBC driver's {@code PGConnection.getNotifications(int)} reflectively, so
 * core needs no driver at compile time; with another driver it stops at once and polling alone
 * finds the work. A lost connection is retried every 5 s until stopped.
 */
final class WakeListener {

    private static final Logger LOG = LoggerFactory.getLogger(WakeListener.class);
    private static final String PG_CONNECTION = "org.postgresql.PGConnection";
    private static final long RETRY_MILLIS = 5_000;

    private final DataSource dataSource;
    private final Runnable wake;
    private final Thread thread;
    private volatile boolean running = true;

    WakeListener(DataSource dataSource, Runnable wake) {
        this.dataSource = dataSource;
        this.wake = wake;
        this.thread = NamedDaemonThreads.named("whatsapp-ai-store-listen").newThread(this::run);
    }

    void start() {
        thread.start();
    }

    void stop() {
        running = false;
        thread.interrupt();
        try {
            thread.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        while (running) {
            try (Connection c = dataSource.getConnection()) {
                Object pg;
                Method poll;
                try {
                    Class<?> type = Class.forName(PG_CONNECTION, false, c.getClass().getClassLoader() != null
                            ? c.getClass().getClassLoader() : WakeListener.class.getClassLoader());
                    pg = c.unwrap(type);
                    poll = type.getMethod("getNotifications", int.class);
                } catch (ClassNotFoundException | NoSuchMethodException | SQLException e) {
                    LOG.info("state store wake-ups are off: the connection is not the PostgreSQL JDBC driver's;"
                            + " polling finds the work alone");
                    return;
                }
                if (!c.getAutoCommit()) {
                    c.setAutoCommit(true);
                }
                try (Statement s = c.createStatement()) {
                    s.execute("listen " + PostgresStateStore.WAKE_CHANNEL);
                }
                wake.run();
                while (running) {
                    Object[] notes = (Object[]) poll.invoke(pg, 500);
                    if (notes != null && notes.length > 0) {
                        wake.run();
                    }
                }
            } catch (InvocationTargetException | SQLException e) {
                if (running) {
                    LOG.debug("state store wake-up connection lost ({}); retrying in {} ms",
                            e.getClass().getSimpleName(), RETRY_MILLIS);
                    sleep();
                }
            } catch (IllegalAccessException | RuntimeException e) {
                LOG.warn("state store wake-ups stopped ({}); polling finds the work alone", e.getClass().getName());
                return;
            }
        }
    }

    private void sleep() {
        try {
            Thread.sleep(RETRY_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }
}
