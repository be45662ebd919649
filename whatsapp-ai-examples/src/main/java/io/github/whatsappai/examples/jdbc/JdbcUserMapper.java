package io.github.whatsappai.examples.jdbc;

import io.github.whatsappai.internal.Redaction;
import io.github.whatsappai.spi.UserIdentity;
import io.github.whatsappai.spi.UserMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * {@link UserMapper} over the {@code users} table: finds the user by wa_id or business-scoped id
 * (BSUID), creating one with the table's default credits on first contact.
 *
 * <p>Safe under concurrent first messages from the same person, within one instance or across
 * several: creation is an {@code INSERT … ON CONFLICT DO NOTHING} against the unique wa_id and
 * BSUID columns, and the loser of the race reads the winner's row, so exactly one user exists.
 *
 * <p>Linking: when a message carries both ids, the user found by either gets the missing one, so a
 * person who later withholds their phone number keeps their account. The BSUID is the conversation
 * key and wins conflicts: when it and the wa_id point at two different users, the BSUID's user is
 * returned (and a warning logged); a wa_id already held by a user with another BSUID (a recycled
 * phone number) stays where it is and the new BSUID gets a user of its own. A non-blank profile name
 * is stored and kept current.
 *
 * <p>Thread-safe. Failures are thrown as {@link StorageException}.
 */
public final class JdbcUserMapper implements UserMapper {

    private static final Logger LOG = LoggerFactory.getLogger(JdbcUserMapper.class);
    private static final int MAX_PROFILE_NAME = 256;
    private static final int MAX_ROUNDS = 4;

    private final Jdbc jdbc;

    /**
     * A mapper over {@code dataSource}, whose schema was created by {@link SchemaMigrator}.
     *
     * @param dataSource e.g. {@link DataSources#hikari(String, String, String)}
     */
    public JdbcUserMapper(DataSource dataSource) {
        this.jdbc = new Jdbc(dataSource);
    }

    @Override
    public String findOrCreateUser(UserIdentity identity) {
        Objects.requireNonNull(identity, "identity");
        return jdbc.inTransaction("find or create a user", connection -> resolve(connection, identity));
    }

    private static String resolve(Connection connection, UserIdentity identity) throws SQLException {
        String waId = identity.waId();
        String bsuid = identity.bsuid();
        String profileName = profileName(identity.profileName());
        for (int round = 0; round < MAX_ROUNDS; round++) {
            List<UserRow> rows = lock(connection, waId, bsuid);
            UserRow byBsuid = rows.stream().filter(r -> bsuid != null && bsuid.equals(r.bsuid())).findFirst().orElse(null);
            UserRow byWaId = rows.stream().filter(r -> waId != null && waId.equals(r.waId())).findFirst().orElse(null);
            String userId;
            if (byBsuid != null) {
                userId = byBsuid.id();
                if (waId != null && byWaId == null && byBsuid.waId() == null) {
                    update(connection, "update users set wa_id = ?, updated_at = now() where id = ?", waId, userId);
                } else if (byWaId != null && !byWaId.id().equals(userId)) {
                    LOG.warn("wa_id {} belongs to user {} but business-scoped id {} to user {}; using the latter",
                            Redaction.maskId(waId), byWaId.id(), Redaction.maskId(bsuid), userId);
                }
            } else if (byWaId != null && (bsuid == null || byWaId.bsuid() == null)) {
                userId = byWaId.id();
                if (bsuid != null) {
                    update(connection, "update users set bsuid = ?, updated_at = now() where id = ?", bsuid, userId);
                }
            } else {
                boolean waIdTaken = byWaId != null;
                if (waIdTaken) {
                    LOG.warn("wa_id {} belongs to a user with another business-scoped id; creating a user for {}",
                            Redaction.maskId(waId), Redaction.maskId(bsuid));
                }
                userId = insert(connection, waIdTaken ? null : waId, bsuid, profileName);
                if (userId == null) {
                    continue; // a concurrent transaction created the user first: read it
                }
            }
            if (profileName != null) {
                try (PreparedStatement ps = connection.prepareStatement("update users set profile_name = ?, updated_at = now()"
                        + " where id = ? and profile_name is distinct from ?")) {
                    ps.setString(1, profileName);
                    ps.setString(2, userId);
                    ps.setString(3, profileName);
                    ps.executeUpdate();
                }
            }
            return userId;
        }
        throw new SQLException("concurrent changes to the same user kept conflicting", "40001");
    }

    private static List<UserRow> lock(Connection connection, String waId, String bsuid) throws SQLException {
        List<UserRow> rows = new ArrayList<>(2);
        try (PreparedStatement ps = connection.prepareStatement(
                "select id, wa_id, bsuid from users where wa_id = ? or bsuid = ? order by id for update")) {
            ps.setString(1, waId);
            ps.setString(2, bsuid);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(new UserRow(rs.getString(1), rs.getString(2), rs.getString(3)));
                }
            }
        }
        return rows;
    }

    /** Inserts the user; {@code null} when a concurrent transaction inserted a conflicting one. */
    private static String insert(Connection connection, String waId, String bsuid, String profileName) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("insert into users (wa_id, bsuid, profile_name)"
                + " values (?, ?, ?) on conflict do nothing returning id")) {
            ps.setString(1, waId);
            ps.setString(2, bsuid);
            ps.setString(3, profileName);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    private static void update(Connection connection, String sql, String value, String userId) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            ps.setString(1, value);
            ps.setString(2, userId);
            ps.executeUpdate();
        }
    }

    private static String profileName(String name) {
        if (name == null || name.isBlank()) {
            return null;
        }
        String trimmed = name.strip();
        if (trimmed.length() <= MAX_PROFILE_NAME) {
            return trimmed;
        }
        int end = Character.isHighSurrogate(trimmed.charAt(MAX_PROFILE_NAME - 1)) ? MAX_PROFILE_NAME - 1 : MAX_PROFILE_NAME;
        return trimmed.substring(0, end);
    }

    private record UserRow(String id, String waId, String bsuid) {
    }
}
