package io.github.whatsappai.examples.demo;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import javax.sql.DataSource;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One embedded PostgreSQL for a test class of the demo (fsync off: nothing here outlives the test),
 * and a new database on it for each test, so that no test sees another's rows.
 */
final class DemoPostgres implements AutoCloseable {

    private final EmbeddedPostgres postgres;
    private final AtomicInteger databases = new AtomicInteger();

    private DemoPostgres(EmbeddedPostgres postgres) {
        this.postgres = postgres;
    }

    static DemoPostgres start() throws IOException {
        return new DemoPostgres(EmbeddedPostgres.builder().setServerConfig("fsync", "off").start());
    }

    /** Creates the database {@code prefix_N} and returns its name. */
    String newDatabase(String prefix) throws SQLException {
        String name = prefix + "_" + databases.incrementAndGet();
        try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("create database " + name);
        }
        return name;
    }

    /** The JDBC URL of {@code database}, as {@code DATABASE_URL} takes it. */
    String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/" + database + "?user=postgres";
    }

    DataSource dataSource(String database) {
        return postgres.getDatabase("postgres", database);
    }

    @Override
    public void close() throws IOException {
        postgres.close();
    }
}
