package io.github.whatsappai.examples.demo;

import com.zaxxer.hikari.HikariDataSource;
import io.github.whatsappai.WhatsAppAiConfig;
import io.github.whatsappai.examples.jdbc.DataSources;
import io.github.whatsappai.examples.jdbc.SchemaMigrator;
import io.github.whatsappai.examples.jdbc.StorageException;
import io.github.whatsappai.store.StateStore;
import io.github.whatsappai.store.StoreStats;
import io.github.whatsappai.store.StoreUnavailableException;
import io.github.whatsappai.store.postgres.PostgresStateStore;

import javax.sql.DataSource;

/**
 * The demo's PostgreSQL when {@code DATABASE_URL} is set: one connection pool shared by the
 * reference JDBC storage (users, credits, sessions, chat logs; tables applied by its
 * {@link SchemaMigrator}) and the SDK's durable {@link PostgresStateStore} (delivery ledger, pending
 * messages, claims, reply outbox; schema {@code whatsapp_ai} applied by the SDK's migrator when the
 * store is built).
 *
 * <p>With the durable store, every demo process on the same database is a replica: a burst whose
 * messages reached different processes is one burst answered once, a redelivery to the other process
 * is recognised, and a process that stops (or dies) leaves its bursts to the others.
 */
final class DemoDatabase implements AutoCloseable {

    /**
     * Connections of the shared pool: the store's two commit threads and its LISTEN connection, the
     * timer's claims and the 16 workers' store and storage calls, with room to spare. Two demos on
     * one database use 48 of PostgreSQL's default 100.
     */
    static final int POOL_SIZE = 24;

    private final HikariDataSource pool;
    private final PostgresStateStore stateStore;

    private DemoDatabase(HikariDataSource pool, PostgresStateStore stateStore) {
        this.pool = pool;
        this.stateStore = stateStore;
    }

    /**
     * Opens the pool, applies both schemas and builds the durable store with the config's buffer
     * policy (every process on one database must use the same).
     *
     * @throws IllegalArgumentException when the URL is not a PostgreSQL URL
     * @throws IllegalStateException when the database is unreachable (a schema cannot be applied)
     */
    static DemoDatabase open(String url, String user, String password, WhatsAppAiConfig config) {
        HikariDataSource pool = DataSources.hikari(url, user, password, c -> c.setMaximumPoolSize(POOL_SIZE));
        try {
            new SchemaMigrator(pool).migrate();
            PostgresStateStore store = PostgresStateStore.builder(pool)
                    .policy(config.buffer())
                    .ledgerRetention(config.guards().maxMessageAge().plusHours(1))
                    .build();
            return new DemoDatabase(pool, store);
        } catch (StorageException | StoreUnavailableException e) {
            pool.close();
            // the demo prints this in one line: the schemas need the database at start
            throw new IllegalStateException("PostgreSQL at DATABASE_URL is not reachable, so its schemas could not be"
                    + " applied; start it, check the URL and credentials, or unset DATABASE_URL for in-memory storage ("
                    + e.getMessage() + ")", e);
        } catch (RuntimeException | Error e) {
            pool.close();
            throw e;
        }
    }

    /** The pool, for the JDBC storage and the health check. */
    DataSource dataSource() {
        return pool;
    }

    /** The durable state store to hand to {@code WhatsAppAi.builder().stateStore(…)}. */
    StateStore stateStore() {
        return stateStore;
    }

    /**
     * Conversations left in the database when this process stopped: those with messages no instance
     * has claimed yet (shared by every instance, whichever received them), plus the bursts this
     * process released at close for another instance to take over.
     *
     * @param released the bursts this process released ({@code Event.BurstsReleased})
     * @return the count, or -1 when the database cannot be read
     */
    long leftAfterClose(int released) {
        try {
            // the unclaimed count does not depend on the time asked
            StoreStats stats = stateStore.stats(0);
            return stats.pendingConversations() + released;
        } catch (RuntimeException e) {
            return -1;
        }
    }

    /** Stops the store's commit threads and listener, then the pool; after the SDK closed. */
    @Override
    public void close() {
        try {
            stateStore.close();
        } finally {
            pool.close();
        }
    }
}
