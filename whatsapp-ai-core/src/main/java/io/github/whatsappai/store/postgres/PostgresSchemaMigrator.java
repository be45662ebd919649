package io.github.whatsappai.store.postgres;

import io.github.whatsappai.store.StoreUnavailableException;

import javax.sql.DataSource;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Applies the {@link PostgresStateStore}'s schema: the versioned scripts shipped in this jar under
 * {@value #LOCATION}, in version order, each recorded in {@code whatsapp_ai.schema_history}.
 *
 * <p>Everything lives in the schema {@value #SCHEMA}, never in {@code public} (which Supabase
 * exposes through its REST API), and the scripts sit outside {@code db/migration}, so a host
 * application's Flyway does not pick them up. Teams that prefer their own tool apply the same files
 * ({@link #scripts()}) with Flyway or Liquibase instead and switch this migrator off with
 * {@link PostgresStateStore.Builder#migrate(boolean)}; docs/storage.md shows both.
 *
 * <p>Works through a transaction pooler (PgBouncer's or Supabase's transaction mode): all of it is
 * one transaction serialised by a transaction-scoped advisory lock ({@code pg_advisory_xact_lock}),
 * so instances starting together apply each version once and a failing script leaves nothing
 * behind. It needs no extension and no superuser: the role must own the schema {@value #SCHEMA}
 * (or be allowed to create it). An applied script that has changed since (another SHA-256) is
 * refused. Thread-safe.
 */
public final class PostgresSchemaMigrator {

    /** The schema holding every table of the store. */
    public static final String SCHEMA = "whatsapp_ai";
    /** The classpath folder of the scripts. */
    public static final String LOCATION = "io/github/whatsappai/store/postgres/";
    /** The scripts, oldest first (Flyway's naming). */
    public static final List<String> MIGRATIONS = List.of("V1__state.sql", "V2__media.sql");

    private static final Pattern NAME = Pattern.compile("V(\\d+)__(\\w+)\\.sql");
    /** Distinct from any key the examples' migrator uses: "wa-state". */
    private static final long LOCK_KEY = 0x77612d7374617465L;

    private final DataSource dataSource;
    private final List<Migration> migrations;

    /** A migrator for the bundled scripts, applied through {@code dataSource}. */
    public PostgresSchemaMigrator(DataSource dataSource) {
        this(dataSource, Integer.MAX_VALUE);
    }

    /** A migrator that applies the bundled scripts up to {@code lastVersion} only (an earlier release's schema). */
    PostgresSchemaMigrator(DataSource dataSource, int lastVersion) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.migrations = load().stream().filter(m -> m.version() <= lastVersion).toList();
    }

    /** The bundled scripts by file name, oldest first: for exporting to Flyway or Liquibase. */
    public static Map<String, String> scripts() {
        Map<String, String> out = new LinkedHashMap<>();
        for (Migration m : load()) {
            out.put(m.script(), m.sql());
        }
        return out;
    }

    /**
     * Applies every script not yet recorded, in one transaction.
     *
     * @return the versions this call applied, oldest first; empty when the schema was current
     * @throws StoreUnavailableException when the database refused (nothing was applied)
     * @throws IllegalStateException when an applied script has changed since
     */
    public List<Integer> migrate() {
        try (Connection c = dataSource.getConnection()) {
            boolean autoCommit = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                List<Integer> done = migrate(c);
                c.commit();
                return done;
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(c);
                throw e;
            } finally {
                c.setAutoCommit(autoCommit);
            }
        } catch (SQLException e) {
            throw new StoreUnavailableException("cannot apply the whatsapp_ai schema (SQLState " + e.getSQLState()
                    + ": " + e.getMessage() + "); the role needs to own the schema " + SCHEMA
                    + " or be allowed to create it", e);
        }
    }

    /** The versions recorded in the history, oldest first; empty when none was applied. */
    public List<Integer> appliedVersions() {
        try (Connection c = dataSource.getConnection()) {
            if (!historyExists(c)) {
                return List.of();
            }
            return List.copyOf(applied(c).keySet());
        } catch (SQLException e) {
            throw new StoreUnavailableException("cannot read the whatsapp_ai schema history (SQLState "
                    + e.getSQLState() + ")", e);
        }
    }

    private List<Integer> migrate(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("select pg_advisory_xact_lock(" + LOCK_KEY + ")");
        }
        // CREATE SCHEMA checks the database's CREATE privilege even with IF NOT EXISTS: a role that
        // only owns an existing schema must not get there.
        boolean schemaExists;
        try (PreparedStatement p = c.prepareStatement("select 1 from pg_namespace where nspname = ?")) {
            p.setString(1, SCHEMA);
            try (ResultSet rs = p.executeQuery()) {
                schemaExists = rs.next();
            }
        }
        try (Statement s = c.createStatement()) {
            if (!schemaExists) {
                s.execute("create schema " + SCHEMA);
            }
            s.execute("create table if not exists " + SCHEMA + ".schema_history ("
                    + " version integer primary key,"
                    + " description text not null,"
                    + " script text not null,"
                    + " checksum text not null,"
                    + " applied_at timestamptz not null default now())");
        }
        Map<Integer, String> applied = applied(c);
        List<Integer> done = new ArrayList<>();
        for (Migration m : migrations) {
            String checksum = applied.get(m.version());
            if (checksum != null) {
                if (!checksum.equals(m.checksum())) {
                    throw new IllegalStateException("the whatsapp_ai schema script " + m.script()
                            + " was changed after it was applied; restore it and add a new version instead");
                }
                continue;
            }
            try (Statement s = c.createStatement()) {
                s.execute(m.sql());
            }
            try (PreparedStatement p = c.prepareStatement("insert into " + SCHEMA
                    + ".schema_history (version, description, script, checksum) values (?, ?, ?, ?)")) {
                p.setInt(1, m.version());
                p.setString(2, m.description());
                p.setString(3, m.script());
                p.setString(4, m.checksum());
                p.executeUpdate();
            }
            done.add(m.version());
        }
        return List.copyOf(done);
    }

    private static boolean historyExists(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select to_regclass('" + SCHEMA + ".schema_history') is not null")) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    private static Map<Integer, String> applied(Connection c) throws SQLException {
        Map<Integer, String> out = new TreeMap<>();
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select version, checksum from " + SCHEMA + ".schema_history")) {
            while (rs.next()) {
                out.put(rs.getInt(1), rs.getString(2));
            }
        }
        return out;
    }

    private static void rollbackQuietly(Connection c) {
        try {
            c.rollback();
        } catch (SQLException ignored) {
            // the connection is broken; the pool discards it and the transaction is gone with it
        }
    }

    private static List<Migration> load() {
        List<Migration> out = new ArrayList<>();
        int last = 0;
        for (String script : MIGRATIONS) {
            Matcher m = NAME.matcher(script);
            if (!m.matches()) {
                throw new IllegalStateException("schema script " + script + " is not named V<n>__<description>.sql");
            }
            int version = Integer.parseInt(m.group(1));
            if (version <= last) {
                throw new IllegalStateException("schema scripts must be listed in increasing version order: " + script);
            }
            last = version;
            String sql = read(LOCATION + script);
            out.add(new Migration(version, m.group(2).replace('_', ' '), script, sql, sha256(sql)));
        }
        return List.copyOf(out);
    }

    private static String read(String resource) {
        try (InputStream in = PostgresSchemaMigrator.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("schema script " + resource + " is missing from the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read schema script " + resource, e);
        }
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    private record Migration(int version, String description, String script, String sql, String checksum) {
    }
}
