package io.github.whatsappai.examples.jdbc;

import io.github.whatsappai.ai.ChatTurn;
import io.github.whatsappai.spi.Session;
import io.github.whatsappai.spi.SessionStore;
import io.github.whatsappai.webhook.model.ConversationKey;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * {@link SessionStore} over {@code chat_sessions} and {@code chat_history}, for several instances
 * sharing one database.
 *
 * <p>{@code touch} locks the conversation's current session row ({@code SELECT … FOR UPDATE}) and
 * either extends it or, when it has been idle longer than the timeout or a new one is forced, ends
 * it and inserts a new one; a partial unique index keeps one current session per
 * (phone_number_id, user_key) even when two instances start the first session together. Ended
 * sessions stay in the table. Session ids are random UUIDs.
 *
 * <p>History is bounded on both sides: {@code history} reads at most {@code maxTurns} of the newest
 * turns, and {@code append} keeps only the newest {@link #maxStoredTurns()} turns of a session.
 *
 * <p>Thread-safe. Failures are thrown as {@link StorageException}.
 */
public final class JdbcSessionStore implements SessionStore {

    /** Turns kept per session unless configured otherwise. */
    public static final int DEFAULT_MAX_STORED_TURNS = 200;

    private final Jdbc jdbc;
    private final int maxStoredTurns;

    /**
     * A store keeping {@value #DEFAULT_MAX_STORED_TURNS} turns per session.
     *
     * @param dataSource whose schema was created by {@link SchemaMigrator}
     */
    public JdbcSessionStore(DataSource dataSource) {
        this(dataSource, DEFAULT_MAX_STORED_TURNS);
    }

    /**
     * A store keeping the newest {@code maxStoredTurns} turns per session.
     *
     * @param dataSource whose schema was created by {@link SchemaMigrator}
     * @param maxStoredTurns at least 1
     */
    public JdbcSessionStore(DataSource dataSource, int maxStoredTurns) {
        if (maxStoredTurns < 1) {
            throw new IllegalArgumentException("maxStoredTurns must be at least 1, was " + maxStoredTurns);
        }
        this.jdbc = new Jdbc(dataSource);
        this.maxStoredTurns = maxStoredTurns;
    }

    /** How many of the newest turns {@code append} keeps per session. */
    public int maxStoredTurns() {
        return maxStoredTurns;
    }

    @Override
    public Session touch(ConversationKey key, String userId, Instant now, Duration idleTimeout, boolean forceNew) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(now, "now");
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        return jdbc.inTransaction("touch a chat session", connection -> {
            Session current = current(connection, key);
            if (current != null && !forceNew && !isIdle(current, now, idleTimeout)) {
                Instant last = current.lastActivityAt().isAfter(now) ? current.lastActivityAt() : now;
                try (PreparedStatement ps = connection.prepareStatement(
                        "update chat_sessions set last_activity_at = ?, user_id = ? where id = ?")) {
                    Jdbc.setInstant(ps, 1, last);
                    ps.setString(2, userId);
                    ps.setString(3, current.id());
                    ps.executeUpdate();
                }
                return new Session(current.id(), key, userId, current.startedAt(), last, false);
            }
            if (current != null) {
                try (PreparedStatement ps = connection.prepareStatement(
                        "update chat_sessions set is_current = false, ended_at = ? where id = ?")) {
                    Jdbc.setInstant(ps, 1, now);
                    ps.setString(2, current.id());
                    ps.executeUpdate();
                }
            }
            String id = UUID.randomUUID().toString();
            try (PreparedStatement ps = connection.prepareStatement("insert into chat_sessions (id, phone_number_id,"
                    + " user_key, user_id, started_at, last_activity_at, is_current) values (?, ?, ?, ?, ?, ?, true)")) {
                ps.setString(1, id);
                ps.setString(2, key.phoneNumberId());
                ps.setString(3, key.userKey());
                ps.setString(4, userId);
                Jdbc.setInstant(ps, 5, now);
                Jdbc.setInstant(ps, 6, now);
                ps.executeUpdate(); // a concurrent first session violates chat_sessions_current: retried
            }
            return new Session(id, key, userId, now, now, true);
        });
    }

    @Override
    public List<ChatTurn> history(String sessionId, int maxTurns) {
        Objects.requireNonNull(sessionId, "sessionId");
        if (maxTurns < 0) {
            throw new IllegalArgumentException("maxTurns must not be negative, was " + maxTurns);
        }
        if (maxTurns == 0) {
            return List.of();
        }
        return jdbc.inTransaction("read chat history", connection -> {
            List<ChatTurn> turns = new ArrayList<>();
            try (PreparedStatement ps = connection.prepareStatement("select role, content, at from chat_history"
                    + " where session_id = ? order by seq desc limit ?")) {
                ps.setString(1, sessionId);
                ps.setInt(2, maxTurns);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        ChatTurn.Role role = "user".equals(rs.getString("role")) ? ChatTurn.Role.USER : ChatTurn.Role.ASSISTANT;
                        turns.add(new ChatTurn(role, rs.getString("content"), Jdbc.getInstant(rs, "at")));
                    }
                }
            }
            Collections.reverse(turns);
            return List.copyOf(turns);
        });
    }

    @Override
    public void append(String sessionId, List<ChatTurn> turns) {
        Objects.requireNonNull(sessionId, "sessionId");
        Objects.requireNonNull(turns, "turns");
        if (turns.isEmpty()) {
            return;
        }
        jdbc.inTransaction("append chat history", connection -> {
            try (PreparedStatement ps = connection.prepareStatement(
                    "insert into chat_history (session_id, role, content, at) values (?, ?, ?, ?)")) {
                for (ChatTurn turn : turns) {
                    ps.setString(1, sessionId);
                    ps.setString(2, turn.role().wireName());
                    ps.setString(3, turn.content());
                    Jdbc.setInstant(ps, 4, turn.at());
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            try (PreparedStatement prune = connection.prepareStatement("delete from chat_history where session_id = ?"
                    + " and seq <= (select seq from chat_history where session_id = ? order by seq desc offset ? limit 1)")) {
                prune.setString(1, sessionId);
                prune.setString(2, sessionId);
                prune.setInt(3, maxStoredTurns);
                return prune.executeUpdate();
            }
        });
    }

    private static boolean isIdle(Session session, Instant now, Duration idleTimeout) {
        return Duration.between(session.lastActivityAt(), now).compareTo(idleTimeout) > 0;
    }

    private static Session current(Connection connection, ConversationKey key) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("select id, user_id, started_at, last_activity_at"
                + " from chat_sessions where phone_number_id = ? and user_key = ? and is_current for update")) {
            ps.setString(1, key.phoneNumberId());
            ps.setString(2, key.userKey());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                return new Session(rs.getString("id"), key, rs.getString("user_id"),
                        Jdbc.getInstant(rs, "started_at"), Jdbc.getInstant(rs, "last_activity_at"), false);
            }
        }
    }
}
