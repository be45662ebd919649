package io.github.whatsappai.examples.jdbc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.whatsappai.spi.ChatLogEntry;
import io.github.whatsappai.spi.ChatLogger;

import javax.sql.DataSource;
import java.sql.PreparedStatement;
import java.sql.Types;
import java.util.List;
import java.util.Objects;

/**
 * {@link ChatLogger} over the {@code chat_logs} table: each call is one batched
 * {@code INSERT … ON CONFLICT (idempotency_key) DO NOTHING} in one transaction, so a retried or
 * redelivered entry is stored once and a failed call stores nothing.
 *
 * <p>Columns (see docs/storage.md): direction {@code inbound}/{@code outbound}, role
 * {@code user}/{@code assistant}, the wamid in {@code wa_message_id}, every part's wamid of a reply
 * in {@code outbound_message_ids} (a JSON array), Meta's timestamp in {@code wa_timestamp}.
 *
 * <p>Thread-safe. Failures are thrown as {@link StorageException}; the pipeline retries them.
 */
public final class JdbcChatLogger implements ChatLogger {

    static final String INSERT = "insert into chat_logs (idempotency_key, wa_message_id, direction,"
            + " phone_number_id, user_bsuid, wa_id, role, message_type, content, session_id, user_id, channel,"
            + " model, prompt_tokens, completion_tokens, cost_usd, error, outbound_message_ids, wa_timestamp,"
            + " logged_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?)"
            + " on conflict (idempotency_key) do nothing";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Jdbc jdbc;

    /**
     * A logger over {@code dataSource}, whose schema was created by {@link SchemaMigrator}.
     *
     * @param dataSource e.g. {@link DataSources#hikari(String, String, String)}
     */
    public JdbcChatLogger(DataSource dataSource) {
        this.jdbc = new Jdbc(dataSource);
    }

    @Override
    public void log(List<ChatLogEntry> entries) {
        Objects.requireNonNull(entries, "entries");
        if (entries.isEmpty()) {
            return;
        }
        jdbc.inTransaction("write " + entries.size() + " chat log entries", connection -> {
            try (PreparedStatement ps = connection.prepareStatement(INSERT)) {
                for (ChatLogEntry e : entries) {
                    int i = 0;
                    ps.setString(++i, e.idempotencyKey());
                    ps.setString(++i, e.messageId());
                    ps.setString(++i, direction(e.direction()));
                    ps.setString(++i, e.phoneNumberId());
                    ps.setString(++i, e.bsuid());
                    ps.setString(++i, e.waId());
                    ps.setString(++i, e.direction().role());
                    ps.setString(++i, e.messageType());
                    ps.setString(++i, e.content());
                    ps.setString(++i, e.sessionId());
                    ps.setString(++i, e.userId());
                    ps.setString(++i, e.channel());
                    ps.setString(++i, e.model());
                    Jdbc.setInteger(ps, ++i, e.promptTokens());
                    Jdbc.setInteger(ps, ++i, e.completionTokens());
                    if (e.cost() == null) {
                        ps.setNull(++i, Types.NUMERIC);
                    } else {
                        ps.setBigDecimal(++i, e.cost());
                    }
                    ps.setString(++i, e.error());
                    ps.setString(++i, toJson(e.outboundMessageIds()));
                    Jdbc.setInstant(ps, ++i, e.timestamp());
                    Jdbc.setInstant(ps, ++i, e.loggedAt());
                    ps.addBatch();
                }
                return ps.executeBatch().length;
            }
        });
    }

    private static String toJson(List<String> ids) {
        try {
            return JSON.writeValueAsString(ids);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a list of strings as JSON", e);
        }
    }

    static String direction(ChatLogEntry.Direction direction) {
        return direction == ChatLogEntry.Direction.INBOUND ? "inbound" : "outbound";
    }
}
