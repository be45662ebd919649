package io.github.whatsappai.store.postgres;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import javax.sql.DataSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fresh PostgreSQL database per test on one embedded server per JVM (started on first use,
 * stopped when the test run ends), so each test costs one {@code CREATE DATABASE}: empty, or copied
 * from a template the store's schema was applied to once. Register as an instance field:
 * {@code @RegisterExtension final PostgresDatabase db = PostgresDatabase.migrated();}.
 */
final class PostgresDatabase implements BeforeEachCallback, AfterEachCallback {

    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static final String TEMPLATE = "store_template";
    private static EmbeddedPostgres server;

    private final List<HikariDataSource> pools = new ArrayList<>();
    private final boolean migrated;
    private String database;

    private PostgresDatabase(boolean migrated) {
        this.migrated = migrated;
    }

    /** A database with the store's schema applied. */
    static PostgresDatabase migrated() {
        return new PostgresDatabase(true);
    }

    /** An empty database. */
    static PostgresDatabase empty() {
        return new PostgresDatabase(false);
    }

    @Override
    public void beforeEach(ExtensionContext context) throws SQLException {
        EmbeddedPostgres pg = server(context);
        database = "store_" + COUNTER.incrementAndGet();
        execute(pg.getPostgresDatabase(), "create database " + database + " template "
                + (migrated ? TEMPLATE : "template0"));
    }

    @Override
    public void afterEach(ExtensionContext context) throws SQLException {
        pools.forEach(HikariDataSource::close);
        pools.clear();
        execute(server.getPostgresDatabase(), "drop database if exists " + database + " with (force)");
    }

    /** A new pool of up to {@code size} connections to the test database as {@code postgres}; closed after the test. */
    HikariDataSource pool(int size) {
        return pool("postgres", null, size);
    }

    /** A new pool to the test database as {@code user}. */
    HikariDataSource pool(String user, String password, int size) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(jdbcUrl());
        config.setUsername(user);
        config.setPassword(password);
        config.setMaximumPoolSize(size);
        config.setMinimumIdle(0);
        config.setConnectionTimeout(5_000);
        config.setPoolName("test-" + database + "-" + pools.size());
        HikariDataSource ds = new HikariDataSource(config);
        pools.add(ds);
        return ds;
    }

    String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + server.getPort() + "/" + database + "?logServerErrorDetail=false";
    }

    /** Runs {@code sql} on the test database as the superuser. */
    void execute(String sql) throws SQLException {
        execute(server.getDatabase("postgres", database), sql);
    }

    private static synchronized EmbeddedPostgres server(ExtensionContext context) {
        if (server == null) {
            try {
                server = EmbeddedPostgres.builder()
                        .setServerConfig("max_connections", "300")
                        // tests need no crash safety of the server itself: skip the fsyncs
                        .setServerConfig("fsync", "off")
                        .setServerConfig("full_page_writes", "off")
                        .start();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start embedded PostgreSQL", e);
            }
            try {
                execute(server.getPostgresDatabase(), "create database " + TEMPLATE + " template template0");
                new PostgresSchemaMigrator(server.getDatabase("postgres", TEMPLATE)).migrate();
            } catch (SQLException e) {
                throw new IllegalStateException("cannot prepare the template database", e);
            }
            EmbeddedPostgres started = server;
            context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
                    .put(PostgresDatabase.class, (AutoCloseable) started::close);
        }
        return server;
    }

    static void execute(DataSource dataSource, String sql) throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
