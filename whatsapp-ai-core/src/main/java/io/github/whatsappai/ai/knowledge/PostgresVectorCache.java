package io.github.whatsappai.ai.knowledge;

import javax.sql.DataSource;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A {@link VectorCache} in PostgreSQL: one row per passage vector, keyed by the hex SHA-256 of the
 * model id and the passage text, the vector as little-endian 32-bit floats in a {@code bytea}.
 * Use the durable state store's {@link DataSource}, so that a restart re-embeds only changed
 * passages:
 *
 * <pre>{@code
 * PdfKnowledgeBase kb = PdfKnowledgeBase.builder()
 *         .settings(config.knowledgeBase())
 *         .vectorCache(PostgresVectorCache.create(dataSource))   // creates its table when missing
 *         .build();
 * }</pre>
 *
 * <p>The table ({@value #DEFAULT_TABLE} unless named) is created with {@code CREATE TABLE IF NOT
 * EXISTS} by {@link #create}; rows are only added (a key already present keeps its vector). Each
 * row carries the last date (UTC, from the cache's clock) it was stored, read or
 * {@linkplain #markUsed marked in use}; {@link #deleteUnusedBefore(Instant)} removes the rows no
 * one has used since a cutoff. A {@link PdfKnowledgeBase} with this cache does both on its own,
 * once a day: it marks the vectors of its index, then deletes what nobody marked within its
 * {@linkplain PdfKnowledgeBase.Builder#vectorRetention retention} (30 days by default), so
 * several knowledge bases can share the table without removing each other's vectors. Reads and
 * writes go in chunks of {@value #CHUNK} keys per statement or batch. Thread-safe: it holds no
 * connection between calls.
 */
public final class PostgresVectorCache implements VectorCache {

    /** The default table name. */
    public static final String DEFAULT_TABLE = "whatsapp_ai_passage_vectors";
    /** Keys per statement. */
    static final int CHUNK = 500;

    private static final Pattern TABLE = Pattern.compile("[a-z_][a-z0-9_]{0,62}(?:\\.[a-z_][a-z0-9_]{0,62})?");

    private final DataSource dataSource;
    private final String table;
    private final Clock clock;

    private PostgresVectorCache(DataSource dataSource, String table, Clock clock) {
        this.dataSource = dataSource;
        this.table = table;
        this.clock = clock;
    }

    /**
     * A cache in {@value #DEFAULT_TABLE}, creating the table when it is missing.
     *
     * @throws IllegalStateException when the database cannot be reached or the table not created
     */
    public static PostgresVectorCache create(DataSource dataSource) {
        return create(dataSource, DEFAULT_TABLE);
    }

    /**
     * A cache in {@code table} (lower-case letters, digits and {@code _}, optionally one schema
     * prefix such as {@code app.vectors}), creating it when it is missing.
     *
     * @throws IllegalArgumentException when {@code table} is not such a name
     * @throws IllegalStateException when the database cannot be reached or the table not created
     */
    public static PostgresVectorCache create(DataSource dataSource, String table) {
        return create(dataSource, table, Clock.systemUTC());
    }

    /**
     * Like {@link #create(DataSource, String)}, with the clock that dates reads and writes (give
     * the knowledge base's clock, e.g. a test's manual one). Default: the system UTC clock.
     *
     * @throws IllegalArgumentException when {@code table} is not a lower-case SQL name
     * @throws IllegalStateException when the database cannot be reached or the table not created
     */
    public static PostgresVectorCache create(DataSource dataSource, String table, Clock clock) {
        Objects.requireNonNull(dataSource, "dataSource");
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(clock, "clock");
        if (!TABLE.matcher(table).matches()) {
            throw new IllegalArgumentException("the vector cache table must be a lower-case SQL name such as "
                    + DEFAULT_TABLE + " or app.passage_vectors, was '" + table + "'");
        }
        PostgresVectorCache cache = new PostgresVectorCache(dataSource, table, clock);
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute("create table if not exists " + table + " (key char(64) primary key, "
                    + "vector bytea not null, used_on date not null default current_date)");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create the vector cache table " + table + " (SQL state "
                    + e.getSQLState() + "): check the database URL and that the user may create tables", e);
        }
        return cache;
    }

    @Override
    public Map<String, float[]> getAll(Collection<String> keys) {
        Map<String, float[]> found = new HashMap<>();
        if (keys.isEmpty()) {
            return found;
        }
        List<String> all = new ArrayList<>(keys);
        LocalDate today = today(clock.instant());
        try (Connection c = dataSource.getConnection();
             PreparedStatement select = c.prepareStatement("select key, vector from " + table + " where key = any (?)");
             PreparedStatement touch = touch(c)) {
            for (int from = 0; from < all.size(); from += CHUNK) {
                Array array = c.createArrayOf("text", all.subList(from, Math.min(all.size(), from + CHUNK)).toArray());
                select.setArray(1, array);
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        found.put(rs.getString(1), decode(rs.getBytes(2)));
                    }
                }
                touch(touch, array, today);
                array.free();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read cached vectors from " + table + " (SQL state "
                    + e.getSQLState() + ")", e);
        }
        return found;
    }

    @Override
    public void putAll(Map<String, float[]> vectors) {
        if (vectors.isEmpty()) {
            return;
        }
        LocalDate today = today(clock.instant());
        // a key another instance stored meanwhile keeps its vector and is dated today
        try (Connection c = dataSource.getConnection();
             PreparedStatement insert = c.prepareStatement("insert into " + table + " as t (key, vector, used_on) "
                     + "values (?, ?, ?) on conflict (key) do update set used_on = excluded.used_on "
                     + "where t.used_on < excluded.used_on")) {
            int pending = 0;
            for (Map.Entry<String, float[]> e : vectors.entrySet()) {
                insert.setString(1, e.getKey());
                insert.setBytes(2, encode(e.getValue()));
                insert.setObject(3, today);
                insert.addBatch();
                if (++pending == CHUNK) {
                    insert.executeBatch();
                    pending = 0;
                }
            }
            if (pending > 0) {
                insert.executeBatch();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot write vectors to " + table + " (SQL state " + e.getSQLState() + ")", e);
        }
    }

    /** Dates the rows of {@code keys} with {@code when}'s day (UTC) unless they carry that day or a later one. */
    @Override
    public void markUsed(Collection<String> keys, Instant when) {
        if (keys.isEmpty()) {
            return;
        }
        List<String> all = new ArrayList<>(keys);
        LocalDate day = today(when);
        try (Connection c = dataSource.getConnection(); PreparedStatement touch = touch(c)) {
            for (int from = 0; from < all.size(); from += CHUNK) {
                Array array = c.createArrayOf("text", all.subList(from, Math.min(all.size(), from + CHUNK)).toArray());
                touch(touch, array, day);
                array.free();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot mark vectors in use in " + table + " (SQL state "
                    + e.getSQLState() + ")", e);
        }
    }

    /**
     * Deletes the rows not stored, read or marked in use since {@code cutoff}'s date (UTC), e.g. a
     * month ago: vectors of passages that left every document. Returns how many were deleted.
     */
    @Override
    public int deleteUnusedBefore(Instant cutoff) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement delete = c.prepareStatement("delete from " + table + " where used_on < ?")) {
            delete.setObject(1, today(cutoff));
            return delete.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot delete unused vectors from " + table + " (SQL state "
                    + e.getSQLState() + ")", e);
        }
    }

    private PreparedStatement touch(Connection c) throws SQLException {
        return c.prepareStatement("update " + table + " set used_on = ? where key = any (?) and used_on < ?");
    }

    private static void touch(PreparedStatement touch, Array keys, LocalDate day) throws SQLException {
        touch.setObject(1, day);
        touch.setArray(2, keys);
        touch.setObject(3, day);
        touch.executeUpdate();
    }

    private static LocalDate today(Instant instant) {
        return instant.atZone(ZoneOffset.UTC).toLocalDate();
    }

    static byte[] encode(float[] vector) {
        ByteBuffer b = ByteBuffer.allocate(vector.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : vector) {
            b.putFloat(f);
        }
        return b.array();
    }

    static float[] decode(byte[] bytes) {
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        float[] v = new float[bytes.length / Float.BYTES];
        for (int i = 0; i < v.length; i++) {
            v[i] = b.getFloat();
        }
        return v;
    }

    @Override
    public String toString() {
        return "PostgresVectorCache[" + table + ']';
    }
}
