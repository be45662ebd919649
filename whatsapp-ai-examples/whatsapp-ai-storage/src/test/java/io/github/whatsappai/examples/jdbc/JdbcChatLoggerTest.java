package io.github.whatsappai.examples.jdbc;

import io.github.whatsappai.examples.testing.ChatLogRows;
import io.github.whatsappai.examples.testing.PostgresExtension;
import io.github.whatsappai.examples.testing.Sql;
import io.github.whatsappai.spi.ChatLogEntry;
import io.github.whatsappai.spi.ChatLogEntry.Direction;
import io.github.whatsappai.spi.ChatLogger;
import io.github.whatsappai.spi.ChatLoggerContract;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class JdbcChatLoggerTest extends ChatLoggerContract {

    private static final Instant T0 = Instant.parse("2026-06-01T10:00:00Z");

    @RegisterExtension
    final PostgresExtension db = PostgresExtension.migrated();

    @Override
    protected ChatLogger createChatLogger() {
        return new JdbcChatLogger(db.dataSource());
    }

    @Override
    protected List<ChatLogEntry> readBack(ChatLogger logger, String sessionId) {
        return ChatLogRows.read(db.dataSource(), sessionId);
    }

    static ChatLogEntry inbound(String wamid, String text) {
        return new ChatLogEntry(wamid, "s1", "u1", null, "phone-1", "15551234567", "US.1349120865",
                Direction.INBOUND, wamid, null, "text", text, T0, T0.plusSeconds(1), null, null, null, null, null);
    }

    static ChatLogEntry reply(String key, List<String> wamids, String error) {
        return new ChatLogEntry(key, "s1", "u1", ChatLogEntry.CHANNEL_WHATSAPP, "phone-1", null, "US.1349120865",
                Direction.OUTBOUND, wamids.isEmpty() ? null : wamids.get(0), wamids, "text", "Olá! *Hi*",
                T0.plusSeconds(5), T0.plusSeconds(6), "openrouter/free", 120, 30, new BigDecimal("0.000123"), error);
    }

    @Test
    void storesEveryFieldOfABatchInOrder() {
        List<ChatLogEntry> batch = List.of(inbound("wamid.A", "hello"), inbound("wamid.B", "and more"),
                reply("reply:wamid.B", List.of("wamid.OUT1", "wamid.OUT2"), null));

        new JdbcChatLogger(db.dataSource()).log(batch);

        assertThat(ChatLogRows.read(db.dataSource())).containsExactlyElementsOf(batch);
        assertThat(Sql.strings(db.dataSource(), "select direction || '/' || role from chat_logs order by id"))
                .containsExactly("inbound/user", "inbound/user", "outbound/assistant");
    }

    @Test
    void loggingTheSameKeyAgainStoresItOnce() {
        JdbcChatLogger logger = new JdbcChatLogger(db.dataSource());
        ChatLogEntry a = inbound("wamid.A", "hello");
        logger.log(List.of(a, a));
        logger.log(List.of(inbound("wamid.A", "a redelivery with other text"), inbound("wamid.B", "next")));

        assertThat(ChatLogRows.read(db.dataSource())).extracting(ChatLogEntry::idempotencyKey, ChatLogEntry::content)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("wamid.A", "hello"),
                        org.assertj.core.groups.Tuple.tuple("wamid.B", "next"));
    }

    @Test
    void storesASendErrorWithoutMessageIds() {
        ChatLogEntry failed = reply("reply:x", List.of(), "131047 re-engagement message");
        new JdbcChatLogger(db.dataSource()).log(List.of(failed));

        assertThat(ChatLogRows.read(db.dataSource())).containsExactly(failed);
        assertThat(Sql.strings(db.dataSource(), "select outbound_message_ids::text from chat_logs")).containsExactly("[]");
    }

    @Test
    void anEmptyBatchIsANoOp() {
        new JdbcChatLogger(db.dataSource()).log(List.of());
        assertThat(ChatLogRows.read(db.dataSource())).isEmpty();
    }
}
