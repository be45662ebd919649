package io.github.whatsappai.examples.jdbc;

import io.github.whatsappai.spi.CreditGate;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * {@link CreditGate} over {@code users.credits} and {@code credit_reservations}.
 *
 * <p>{@code reserve} takes the credit with one conditional update
 * ({@code UPDATE users SET credits = credits - ? WHERE id = ? AND credits >= ?}) and records the
 * reservation, keyed by the reply's idempotency key, in the same transaction: the balance never
 * goes negative however many instances spend concurrently, and reserving again with the same key
 * returns the first reservation without taking a second credit (once it was refunded, reserving
 * with the key takes a credit anew, as a retried reply should). {@code commit} and {@code refund}
 * move a reservation out of state {@code reserved} once; only the refund puts the credit back, so
 * repeating either, or refunding after a commit, changes nothing. A user id with no {@code users}
 * row has no credit.
 *
 * <p>Thread-safe. Failures are thrown as {@link StorageException}.
 */
public final class JdbcCreditGate implements CreditGate {

    /** Credits one AI reply costs unless configured otherwise. */
    public static final long DEFAULT_CREDITS_PER_REPLY = 1;

    private final Jdbc jdbc;
    private final long creditsPerReply;

    /**
     * A gate charging {@value #DEFAULT_CREDITS_PER_REPLY} credit per reply.
     *
     * @param dataSource whose schema was created by {@link SchemaMigrator}
     */
    public JdbcCreditGate(DataSource dataSource) {
        this(dataSource, DEFAULT_CREDITS_PER_REPLY);
    }

    /**
     * A gate charging {@code creditsPerReply} credits per reply.
     *
     * @param dataSource whose schema was created by {@link SchemaMigrator}
     * @param creditsPerReply at least 1
     */
    public JdbcCreditGate(DataSource dataSource, long creditsPerReply) {
        if (creditsPerReply < 1) {
            throw new IllegalArgumentException("creditsPerReply must be at least 1, was " + creditsPerReply);
        }
        this.jdbc = new Jdbc(dataSource);
        this.creditsPerReply = creditsPerReply;
    }

    @Override
    public Optional<Reservation> reserve(String userId, String idempotencyKey) {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(idempotencyKey, "idempotencyKey");
        return jdbc.inTransaction("reserve a credit", connection -> {
            ReservationRow existing = find(connection, idempotencyKey, true);
            if (existing != null && !existing.refunded()) {
                return Optional.of(existing.reservation());
            }
            try (PreparedStatement take = connection.prepareStatement("update users set credits = credits - ?,"
                    + " updated_at = now() where id = ? and credits >= ?")) {
                take.setLong(1, creditsPerReply);
                take.setString(2, userId);
                take.setLong(3, creditsPerReply);
                if (take.executeUpdate() == 0) {
                    connection.rollback();
                    return held(connection, idempotencyKey);
                }
            }
            String sql = existing != null
                    ? "update credit_reservations set user_id = ?, amount = ?, state = 'reserved', updated_at = now()"
                    + " where id = ? and state = 'refunded'"
                    : "insert into credit_reservations (user_id, amount, id, state) values (?, ?, ?, 'reserved')"
                    + " on conflict (id) do nothing";
            try (PreparedStatement record = connection.prepareStatement(sql)) {
                record.setString(1, userId);
                record.setLong(2, creditsPerReply);
                record.setString(3, idempotencyKey);
                if (record.executeUpdate() == 0) {
                    connection.rollback(); // reserved concurrently under the same key: give this credit back
                    return held(connection, idempotencyKey);
                }
            }
            return Optional.of(new Reservation(idempotencyKey, userId, creditsPerReply));
        });
    }

    @Override
    public void commit(Reservation reservation) {
        Objects.requireNonNull(reservation, "reservation");
        jdbc.inTransaction("commit a credit reservation", connection -> {
            try (PreparedStatement ps = connection.prepareStatement("update credit_reservations set state = 'committed',"
                    + " updated_at = now() where id = ? and state = 'reserved'")) {
                ps.setString(1, reservation.id());
                return ps.executeUpdate();
            }
        });
    }

    @Override
    public void refund(Reservation reservation) {
        Objects.requireNonNull(reservation, "reservation");
        jdbc.inTransaction("refund a credit reservation", connection -> {
            try (PreparedStatement release = connection.prepareStatement("update credit_reservations set state = 'refunded',"
                    + " updated_at = now() where id = ? and state = 'reserved' returning user_id, amount")) {
                release.setString(1, reservation.id());
                try (ResultSet rs = release.executeQuery()) {
                    if (!rs.next()) {
                        return 0;
                    }
                    try (PreparedStatement giveBack = connection.prepareStatement(
                            "update users set credits = credits + ?, updated_at = now() where id = ?")) {
                        giveBack.setLong(1, rs.getLong("amount"));
                        giveBack.setString(2, rs.getString("user_id"));
                        return giveBack.executeUpdate();
                    }
                }
            }
        });
    }

    /**
     * The user's current balance (credits not reserved), or empty when there is no such user.
     *
     * @param userId the application's user id
     * @return the balance, or empty
     * @throws StorageException when the database fails
     */
    public OptionalLong balance(String userId) {
        Objects.requireNonNull(userId, "userId");
        return jdbc.inTransaction("read a credit balance", connection -> {
            try (PreparedStatement ps = connection.prepareStatement("select credits from users where id = ?")) {
                ps.setString(1, userId);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? OptionalLong.of(rs.getLong(1)) : OptionalLong.empty();
                }
            }
        });
    }

    /** The reservation under {@code id} while it holds a credit (reserved or committed). */
    private static Optional<Reservation> held(Connection connection, String id) throws SQLException {
        ReservationRow row = find(connection, id, false);
        return row == null || row.refunded() ? Optional.empty() : Optional.of(row.reservation());
    }

    private static ReservationRow find(Connection connection, String id, boolean lock) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(
                "select user_id, amount, state from credit_reservations where id = ?" + (lock ? " for update" : ""))) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? new ReservationRow(new Reservation(id, rs.getString(1), rs.getLong(2)),
                        "refunded".equals(rs.getString(3))) : null;
            }
        }
    }

    private record ReservationRow(Reservation reservation, boolean refunded) {
    }
}
