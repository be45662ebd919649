package io.github.whatsappai.examples.supabase;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.whatsappai.spi.ChatLogEntry;
import io.github.whatsappai.spi.ChatLogger;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * {@link ChatLogger} that inserts into a Supabase table over PostgREST:
 * {@code POST {SUPABASE_URL}/rest/v1/chat_logs?on_conflict=idempotency_key} with
 * {@code Prefer: resolution=ignore-duplicates,return=minimal}, so a retried or redelivered entry is
 * stored once. The table is the {@code chat_logs} table of {@code io/github/whatsappai/storage/migration/V1__whatsapp_ai_schema.sql}
 * (run it in the Supabase SQL editor, with the row level security statements at its top).
 *
 * <p>Each {@link #log(List)} call sends one request per chunk (default {@value #DEFAULT_CHUNK_SIZE}
 * rows) of a JSON array whose rows all have the same keys. Retries, keys and errors are the
 * {@link SupabaseClient}'s: after the retries a retryable {@link SupabaseException} tells the
 * pipeline to keep the entries for later; a non-retryable one (bad key, missing column) needs a
 * fix. When a later chunk fails, earlier chunks stay stored; logging the call again is harmless
 * because duplicates are ignored.
 *
 * <p>Thread-safe.
 */
public final class SupabaseChatLogger implements ChatLogger {

    /** The table written by default. */
    public static final String DEFAULT_TABLE = "chat_logs";
    /** The unique column that makes inserts idempotent. */
    public static final String CONFLICT_COLUMN = "idempotency_key";
    /** Rows per request by default. */
    public static final int DEFAULT_CHUNK_SIZE = 500;

    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");
    private static final String PREFER = "resolution=ignore-duplicates,return=minimal";
    private static final ObjectMapper JSON = new ObjectMapper().enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN);

    private final SupabaseClient client;
    private final String table;
    private final int chunkSize;

    /**
     * A logger writing {@value #DEFAULT_TABLE} in chunks of {@value #DEFAULT_CHUNK_SIZE} rows.
     *
     * @param client the project
     */
    public SupabaseChatLogger(SupabaseClient client) {
        this(client, DEFAULT_TABLE, DEFAULT_CHUNK_SIZE);
    }

    /**
     * A logger writing {@code table} in chunks of {@code chunkSize} rows.
     *
     * @param client the project
     * @param table a table with the columns of {@code chat_logs} (a plain identifier)
     * @param chunkSize rows per request, 1 to 10 000
     */
    public SupabaseChatLogger(SupabaseClient client, String table, int chunkSize) {
        this.client = Objects.requireNonNull(client, "client");
        if (table == null || !IDENTIFIER.matcher(table).matches()) {
            throw new IllegalArgumentException("table must be a plain identifier, was " + table);
        }
        if (chunkSize < 1 || chunkSize > 10_000) {
            throw new IllegalArgumentException("chunkSize must be between 1 and 10000, was " + chunkSize);
        }
        this.table = table;
        this.chunkSize = chunkSize;
    }

    /**
     * A logger from {@code SUPABASE_URL} and {@code SUPABASE_KEY} with the defaults, or empty when
     * {@code SUPABASE_URL} is unset or blank.
     *
     * @param environment e.g. {@code System.getenv()}
     * @return the logger, or empty
     * @throws IllegalArgumentException when the URL is set but invalid, or the key is missing
     */
    public static Optional<SupabaseChatLogger> fromEnvironment(Map<String, String> environment) {
        return SupabaseClient.fromEnvironment(environment).map(SupabaseChatLogger::new);
    }

    @Override
    public void log(List<ChatLogEntry> entries) {
        Objects.requireNonNull(entries, "entries");
        for (int from = 0; from < entries.size(); from += chunkSize) {
            List<ChatLogEntry> chunk = entries.subList(from, Math.min(entries.size(), from + chunkSize));
            client.post(table + "?on_conflict=" + CONFLICT_COLUMN, body(chunk), PREFER,
                    "insert of " + chunk.size() + " rows into " + table);
        }
    }

    /** The JSON array of {@code chunk}: every row has every column, in the same order. */
    static byte[] body(List<ChatLogEntry> chunk) {
        List<Map<String, Object>> rows = new ArrayList<>(chunk.size());
        for (ChatLogEntry e : chunk) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("idempotency_key", e.idempotencyKey());
            row.put("wa_message_id", e.messageId());
            row.put("direction", e.direction().name().toLowerCase(Locale.ROOT));
            row.put("phone_number_id", e.phoneNumberId());
            row.put("user_bsuid", e.bsuid());
            row.put("wa_id", e.waId());
            row.put("role", e.direction().role());
            row.put("message_type", e.messageType());
            row.put("content", e.content());
            row.put("session_id", e.sessionId());
            row.put("user_id", e.userId());
            row.put("channel", e.channel());
            row.put("model", e.model());
            row.put("prompt_tokens", e.promptTokens());
            row.put("completion_tokens", e.completionTokens());
            row.put("cost_usd", e.cost());
            row.put("error", e.error());
            row.put("outbound_message_ids", e.outboundMessageIds());
            row.put("wa_timestamp", e.timestamp() == null ? null : e.timestamp().toString());
            row.put("logged_at", e.loggedAt() == null ? null : e.loggedAt().toString());
            rows.add(row);
        }
        try {
            return JSON.writeValueAsBytes(rows);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write chat log rows as JSON", e);
        }
    }

    /** Shows the project and table; hides the key. */
    @Override
    public String toString() {
        return "SupabaseChatLogger[" + client + ", table=" + table + "]";
    }
}
