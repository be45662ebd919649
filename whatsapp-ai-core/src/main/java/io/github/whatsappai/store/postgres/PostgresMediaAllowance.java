package io.github.whatsappai.store.postgres;

import io.github.whatsappai.store.MediaAllowance;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.LocalDate;
import java.util.Objects;

/**
 * The daily media allowance in {@code whatsapp_ai.media_allowance}, shared by every instance on the
 * database: one row per user and day, taken with one atomic statement (an upsert whose update only
 * happens under the limit), so concurrent takes from any number of instances never exceed it. Rows
 * hold a SHA-256 of the user id, never the id, and are deleted by
 * {@link PostgresStateStore#purge} once their day is over. Thread-safe.
 */
final class PostgresMediaAllowance implements MediaAllowance {

    private static final String T = PostgresSchemaMigrator.SCHEMA + ".";
    private static final String TAKE = "insert into " + T + "media_allowance as a (user_hash, day, used)"
            + " values (?, ?, 1) on conflict (user_hash, day) do update set used = a.used + 1 where a.used < ?"
            + " returning used";

    private final Sql sql;

    PostgresMediaAllowance(Sql sql) {
        this.sql = sql;
    }

    @Override
    public boolean take(String userId, LocalDate day, int limit) {
        byte[] user = hash(userId);
        Objects.requireNonNull(day, "day");
        if (limit <= 0) {
            return false;
        }
        return sql.tx("take a media allowance", c -> {
            try (PreparedStatement p = sql.prepare(c, TAKE)) {
                p.setBytes(1, user);
                p.setDate(2, Date.valueOf(day));
                p.setInt(3, limit);
                try (ResultSet rs = p.executeQuery()) {
                    return rs.next();
                }
            }
        });
    }

    @Override
    public int remaining(String userId, LocalDate day, int limit) {
        byte[] user = hash(userId);
        Objects.requireNonNull(day, "day");
        int used = sql.tx("read a media allowance", c -> {
            try (PreparedStatement p = sql.prepare(c, "select used from " + T + "media_allowance"
                    + " where user_hash = ? and day = ?")) {
                p.setBytes(1, user);
                p.setDate(2, Date.valueOf(day));
                try (ResultSet rs = p.executeQuery()) {
                    return rs.next() ? rs.getInt(1) : 0;
                }
            }
        });
        return Math.max(0, limit - used);
    }

    /** The key a user is counted under: no user id is stored. */
    static byte[] hash(String userId) {
        Objects.requireNonNull(userId, "userId");
        try {
            return MessageDigest.getInstance("SHA-256").digest(userId.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
