package io.github.whatsappai.examples.jdbc;

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
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Applies the bundled schema migrations ({@code io/github/whatsappai/storage/migration/V<n>__<description>.sql}
 * on the classpath) in version order and records each in its own {@value #HISTORY_TABLE} table, so
 * applying twice is a no-op. Both names are namespaced on purpose: a host application's Flyway
 * scans {@code db/migration} and writes {@code flyway_schema_history}, and neither picks these up
 * or collides with them.
 *
 * <p>Everything runs in one transaction under a PostgreSQL advisory lock: several instances that
 * start together apply each version once, and a failing script leaves the database unchanged. A
 * recorded version whose script has since changed (different SHA-256) is refused: applied
 * migrations must never be edited. Teams that use Flyway or Liquibase can apply the same files
 * with their tool instead; the names follow Flyway's convention.
 *
 * <p>Thread-safe; usually called once at start-up.
 */
public final class SchemaMigrator {

    /** The bundled migrations, oldest first; each is a resource under {@value #LOCATION}. */
    public static final List<String> MIGRATIONS = List.of("V1__whatsapp_ai_schema.sql");
    /** The classpath folder of the migrations (not Flyway's default {@code db/migration}). */
    public static final String LOCATION = "io/github/whatsappai/storage/migration/";
    /** The table that records the applied versions. */
    public static final String HISTORY_TABLE = "whatsapp_ai_schema_history";
    /** Where versions 0.1.0-SNAPSHOT recorded them before; taken over by {@link #migrate()}. */
    static final String LEGACY_HISTORY_TABLE = "schema_version";

    private static final Pattern NAME = Pattern.compile("V(\\d+)__(\\w+)\\.sql");
    private static final long LOCK_KEY = 0x7768617473617061L; // "whatsapa"

    private final Jdbc jdbc;
    private final List<Migration> migrations;

    /**
     * A migrator for the bundled {@link #MIGRATIONS}.
     *
     * @param dataSource where to apply them; needs the right to create tables
     */
    public SchemaMigrator(DataSource dataSource) {
        this.jdbc = new Jdbc(dataSource);
        this.migrations = load(MIGRATIONS);
    }

    /**
     * Applies every migration not yet recorded.
     *
     * @return the versions applied by this call, oldest first; empty when the schema was current
     * @throws StorageException when the database fails (nothing is applied then)
     * @throws IllegalStateException when an applied migration's script has changed
     */
    public List<Integer> migrate() {
        return jdbc.inTransaction("apply schema migrations", connection -> {
            try (Statement statement = connection.createStatement()) {
                statement.execute("select pg_advisory_xact_lock(" + LOCK_KEY + ")");
                statement.execute("create table if not exists " + HISTORY_TABLE + " ("
                        + " version integer primary key,"
                        + " description text not null,"
                        + " script text not null,"
                        + " checksum text not null,"
                        + " applied_at timestamptz not null default now())");
            }
            adoptLegacyHistory(connection);
            Map<Integer, String> applied = appliedChecksums(connection);
            List<Integer> done = new ArrayList<>();
            for (Migration migration : migrations) {
                String checksum = applied.get(migration.version());
                if (checksum != null) {
                    if (!checksum.equals(migration.checksum())) {
                        throw new IllegalStateException("schema migration " + migration.script()
                                + " was changed after it was applied; add a new version instead of editing it");
                    }
                    continue;
                }
                try (Statement statement = connection.createStatement()) {
                    statement.execute(migration.sql());
                }
                try (PreparedStatement insert = connection.prepareStatement(
                        "insert into " + HISTORY_TABLE + " (version, description, script, checksum) values (?, ?, ?, ?)")) {
                    insert.setInt(1, migration.version());
                    insert.setString(2, migration.description());
                    insert.setString(3, migration.script());
                    insert.setString(4, migration.checksum());
                    insert.executeUpdate();
                }
                done.add(migration.version());
            }
            return List.copyOf(done);
        });
    }

    /**
     * The versions recorded in {@value #HISTORY_TABLE}, oldest first; empty when none was applied.
     *
     * @throws StorageException when the database fails
     */
    public List<Integer> appliedVersions() {
        return jdbc.inTransaction("read the schema version", connection -> {
            try (PreparedStatement exists = connection.prepareStatement(
                    "select to_regclass('" + HISTORY_TABLE + "') is not null");
                 ResultSet rs = exists.executeQuery()) {
                rs.next();
                if (!rs.getBoolean(1)) {
                    return List.of();
                }
            }
            return appliedChecksums(connection).keySet().stream().sorted().toList();
        });
    }

    /**
     * Databases migrated before the history table was namespaced recorded the same scripts in
     * {@value #LEGACY_HISTORY_TABLE}: take those rows over once, so the applied versions are not run
     * again. Rows of other scripts in that table (another tool's) are left alone.
     */
    private void adoptLegacyHistory(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("select to_regclass('" + LEGACY_HISTORY_TABLE + "') is not null, "
                     + "exists (select 1 from " + HISTORY_TABLE + ")")) {
            rs.next();
            if (!rs.getBoolean(1) || rs.getBoolean(2)) {
                return;
            }
        }
        try (PreparedStatement copy = connection.prepareStatement("insert into " + HISTORY_TABLE
                + " (version, description, script, checksum, applied_at)"
                + " select version, description, script, checksum, applied_at from " + LEGACY_HISTORY_TABLE
                + " where script = any (?)")) {
            copy.setArray(1, connection.createArrayOf("text",
                    migrations.stream().map(Migration::script).toArray()));
            copy.executeUpdate();
        }
    }

    private static Map<Integer, String> appliedChecksums(Connection connection) throws SQLException {
        Map<Integer, String> applied = new HashMap<>();
        try (Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("select version, checksum from " + HISTORY_TABLE)) {
            while (rs.next()) {
                applied.put(rs.getInt(1), rs.getString(2));
            }
        }
        return applied;
    }

    private static List<Migration> load(List<String> scripts) {
        List<Migration> loaded = new ArrayList<>();
        int previous = 0;
        for (String script : scripts) {
            Matcher m = NAME.matcher(script);
            if (!m.matches()) {
                throw new IllegalStateException("migration name " + script + " does not match V<n>__<description>.sql");
            }
            int version = Integer.parseInt(m.group(1));
            if (version <= previous) {
                throw new IllegalStateException("migrations must be listed in increasing version order: " + scripts);
            }
            previous = version;
            String sql = read(LOCATION + script);
            loaded.add(new Migration(version, m.group(2).replace('_', ' '), script, sql, sha256(sql)));
        }
        return List.copyOf(loaded);
    }

    private static String read(String resource) {
        try (InputStream in = SchemaMigrator.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("migration resource " + resource + " is missing from the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read migration resource " + resource, e);
        }
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    private record Migration(int version, String description, String script, String sql, String checksum) {
    }
}
