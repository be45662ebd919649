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
 * EXISTS} by {@link #create}; rows are only added (a key already present is kept), and each read
 * stamps the rows it finds with the date, so rows that no index has asked for in a while can be
 * removed with {@link #deleteUnusedBefore(java.time.Instant)}. Reads and writes go in chunks of
 * {@value #CHUNK} keys per statement or batch. Thread-safe: it holds no connection between calls.
 */
public final class PostgresVectorCache implements VectorCache {

    /** The default table name. */
    public static final String DEFAULT_TABLE = "whatsapp_ai_passage_vectors";
    /** Keys per statement. */
    static final int CHUNK = 500;

    private static final Pattern TABLE = Pattern.compile("[a-z_][a-z0-9_]{0,62}(?:\\.[a-z_][a-z0-9_]{0,62})?");

    private final DataSource dataSource;
    private final String table;

    private PostgresVectorCache(DataSource dataSource, String table) {
        this.dataSource = dataSource;
        this.table = table;
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
        Objects.requireNonNull(dataSource, "dataSource");
        Objects.requireNonNull(table, "table");
        if (!TABLE.matcher(table).matches()) {
            throw new IllegalArgumentException("the vector cache table must be a lower-case SQL name such as "
                    + DEFAULT_TABLE + " or app.passage_vectors, was '" + table + "'");
        }
        PostgresVectorCache cache = new PostgresVectorCache(dataSource, table);
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
        try (Connection c = dataSource.getConnection();
             PreparedStatement select = c.prepareStatement("select key, vector from " + table + " where key = any (?)");
             PreparedStatement touch = c.prepareStatement("update " + table + " set used_on = current_date "
                     + "where key = any (?) and used_on < current_date")) {
            for (int from = 0; from < all.size(); from += CHUNK) {
                Array array = c.createArrayOf("text", all.subList(from, Math.min(all.size(), from + CHUNK)).toArray());
                select.setArray(1, array);
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        found.put(rs.getString(1), decode(rs.getBytes(2)));
                    }
                }
                touch.setArray(1, array);
                touch.executeUpdate();
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
        try (Connection c = dataSource.getConnection();
             PreparedStatement insert = c.prepareStatement("insert into " + table + " (key, vector) values (?, ?) "
                     + "on conflict (key) do nothing")) {
            int pending = 0;
            for (Map.Entry<String, float[]> e : vectors.entrySet()) {
                insert.setString(1, e.getKey());
                insert.setBytes(2, encode(e.getValue()));
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

    /**
     * Deletes the rows no read has found since {@code cutoff}'s date (UTC), e.g. a month ago:
     * vectors of passages that left every document. Returns how many were deleted.
     */
    public int deleteUnusedBefore(java.time.Instant cutoff) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement delete = c.prepareStatement("delete from " + table + " where used_on < ?")) {
            delete.setObject(1, cutoff.atZone(java.time.ZoneOffset.UTC).toLocalDate());
            return delete.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot delete unused vectors from " + table + " (SQL state "
                    + e.getSQLState() + ")", e);
        }
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
