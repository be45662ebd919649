package io.github.whatsappai.examples.testing;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.whatsappai.spi.ChatLogEntry;

import javax.sql.DataSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/** Reads {@code chat_logs} back as {@link ChatLogEntry} values, in insertion order. */
public final class ChatLogRows {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ChatLogRows() {
    }

    /** Every row of {@code chat_logs}, oldest first. */
    public static List<ChatLogEntry> read(DataSource dataSource) {
        return read(dataSource, null);
    }

    /** The rows of {@code chat_logs} of one session (all when {@code sessionId} is null), oldest first. */
    public static List<ChatLogEntry> read(DataSource dataSource, String sessionId) {
        List<ChatLogEntry> entries = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(
                "select * from chat_logs where ? is null or session_id = ? order by id")) {
            s.setString(1, sessionId);
            s.setString(2, sessionId);
            ResultSet rs = s.executeQuery();
            while (rs.next()) {
                ChatLogEntry.Direction direction = "inbound".equals(rs.getString("direction"))
                        ? ChatLogEntry.Direction.INBOUND : ChatLogEntry.Direction.OUTBOUND;
                entries.add(new ChatLogEntry(rs.getString("idempotency_key"), rs.getString("session_id"),
                        rs.getString("user_id"), rs.getString("channel"), rs.getString("phone_number_id"),
                        rs.getString("wa_id"), rs.getString("user_bsuid"), direction, rs.getString("wa_message_id"),
                        JSON.readValue(rs.getString("outbound_message_ids"), new TypeReference<List<String>>() { }),
                        rs.getString("message_type"), rs.getString("content"), instant(rs, "wa_timestamp"),
                        instant(rs, "logged_at"), rs.getString("model"), (Integer) rs.getObject("prompt_tokens"),
                        (Integer) rs.getObject("completion_tokens"), rs.getBigDecimal("cost_usd"), rs.getString("error")));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read chat_logs", e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return entries;
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }
}
