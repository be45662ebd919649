package io.github.whatsappai.examples.testing;

import com.zaxxer.hikari.HikariDataSource;
import io.github.whatsappai.examples.jdbc.DataSources;
import io.github.whatsappai.examples.jdbc.SchemaMigrator;
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
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Gives each test a fresh PostgreSQL database on one embedded server per JVM (started once by
 * {@link EmbeddedPostgres#start()}, stopped when the test run ends). Migrated databases are copied
 * from a template migrated once with {@link SchemaMigrator}, so each test costs one
 * {@code CREATE DATABASE … TEMPLATE}.
 *
 * <p>Register as an instance field: {@code @RegisterExtension final PostgresExtension db = PostgresExtension.migrated();}.
 * Its {@code beforeEach} runs before any {@code @BeforeEach} method of the test class or its superclasses.
 */
public final class PostgresExtension implements BeforeEachCallback, AfterEachCallback {

    private static final String TEMPLATE = "whatsapp_ai_template";
    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static EmbeddedPostgres server;

    private final boolean migrated;
    private String database;
    private HikariDataSource dataSource;

    private PostgresExtension(boolean migrated) {
        this.migrated = migrated;
    }

    /** A fresh database with the schema applied. */
    public static PostgresExtension migrated() {
        return new PostgresExtension(true);
    }

    /** A fresh, empty database. */
    public static PostgresExtension empty() {
        return new PostgresExtension(false);
    }

    @Override
    public void beforeEach(ExtensionContext context) throws SQLException {
        EmbeddedPostgres pg = server(context);
        database = "t_" + COUNTER.incrementAndGet();
        execute(pg.getPostgresDatabase(), "create database " + database
                + (migrated ? " template " + TEMPLATE : " template template0"));
        dataSource = DataSources.hikari(jdbcUrl(), "postgres", null, config -> {
            config.setMaximumPoolSize(20);
            config.setMinimumIdle(0);
        });
    }

    @Override
    public void afterEach(ExtensionContext context) throws SQLException {
        if (dataSource != null) {
            dataSource.close();
            execute(server.getPostgresDatabase(), "drop database if exists " + database);
        }
    }

    /** The test's pool (up to 20 connections); closed after the test. */
    public HikariDataSource dataSource() {
        return dataSource;
    }

    /** The test database's JDBC URL (user {@code postgres}, any password). */
    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + server.getPort() + "/" + database;
    }

    /** The embedded server's port. */
    public int port() {
        return server.getPort();
    }

    /** The test database's name. */
    public String databaseName() {
        return database;
    }

    private static synchronized EmbeddedPostgres server(ExtensionContext context) throws SQLException {
        if (server == null) {
            try {
                server = EmbeddedPostgres.start();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start embedded PostgreSQL", e);
            }
            execute(server.getPostgresDatabase(), "create database " + TEMPLATE);
            DataSource template = server.getDatabase("postgres", TEMPLATE);
            new SchemaMigrator(template).migrate();
            EmbeddedPostgres started = server;
            context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
                    .put(PostgresExtension.class, (AutoCloseable) started::close);
        }
        return server;
    }

    private static void execute(DataSource dataSource, String sql) throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
