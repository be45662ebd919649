package io.github.whatsappai.examples.jdbc;

import io.github.whatsappai.spi.UserIdentity;
import io.github.whatsappai.spi.UserMapper;

import javax.sql.DataSource;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Objects;

/**
 * {@link UserMapper} over the {@code users} table: finds the user by wa_id or business-scoped id
 * (BSUID), creating one with the table's default credits on first contact. One call is one
 * {@code select whatsapp_ai_find_or_create_user(wa_id, bsuid, profile_name)}: the schema's function,
 * which {@code SupabaseUserMapper} calls too, so both behave alike.
 *
 * <p>Safe under concurrent first messages from the same person, within one instance or across
 * several: creation is an {@code INSERT … ON CONFLICT DO NOTHING} against the unique wa_id and
 * BSUID columns, and the loser of the race reads the winner's row, so exactly one user exists.
 *
 * <p>Linking: when a message carries both ids, the user found by either gets the missing one, so a
 * person who later withholds their phone number keeps their account. The BSUID is the conversation
 * key and wins conflicts: when it and the wa_id point at two different users, the BSUID's user is
 * returned; a wa_id already held by a user with another BSUID (a recycled phone number) stays where
 * it is and the new BSUID gets a user of its own. A non-blank profile name (trimmed, at most 256
 * characters) is stored and kept current.
 *
 * <p>Thread-safe. Failures are thrown as {@link StorageException}.
 */
public final class JdbcUserMapper implements UserMapper {

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
        return jdbc.inTransaction("find or create a user", connection -> {
            try (PreparedStatement ps = connection.prepareStatement("select whatsapp_ai_find_or_create_user(?, ?, ?)")) {
                ps.setString(1, identity.waId());
                ps.setString(2, identity.bsuid());
                ps.setString(3, identity.profileName());
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getString(1);
                }
            }
        });
    }
}
