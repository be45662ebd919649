package io.github.whatsappai.spi;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The behaviour every {@link ChatLogger} must show. Extend it, implement {@link #createChatLogger()}
 * and {@link #readBack(ChatLogger, String)}; override {@link #givenUser()} and {@link #givenSession(String)}
 * when entries must refer to rows that exist. Each test uses a fresh session, so one logger (and one
 * database) may serve all tests. Timestamps are whole seconds, so any storage precision works.
 */
public abstract class ChatLoggerContract {

    /** The logger under test; called once per test. */
    protected abstract ChatLogger createChatLogger();

    /** Every entry stored for {@code sessionId}, in the order they were logged. */
    protected abstract List<ChatLogEntry> readBack(ChatLogger logger, String sessionId);

    /** A user id the entries may refer to; creates the user where the storage needs one. */
    protected String givenUser() {
        return "user-" + UUID.randomUUID();
    }

    /** A fresh session id of {@code userId} the entries may refer to. */
    protected String givenSession(String userId) {
        return UUID.randomUUID().toString();
    }

    private static final Instant T0 = Instant.parse("2026-03-01T10:15:30Z");

    /** An inbound text entry. */
    protected static ChatLogEntry inbound(String sessionId, String userId, String wamid, String text, Instant at) {
        return new ChatLogEntry(wamid, sessionId, userId, ChatLogEntry.CHANNEL_WHATSAPP, "106540352242922",
                "16315551181", null, ChatLogEntry.Direction.INBOUND, wamid, List.of(), "text", text, at, at,
                null, null, null, null, null);
    }

    /** An outbound reply entry with model, usage and the parts' wamids. */
    protected static ChatLogEntry reply(String sessionId, String userId, String key, String text, Instant at,
                                        List<String> outboundIds) {
        return new ChatLogEntry(key, sessionId, userId, ChatLogEntry.CHANNEL_WHATSAPP, "106540352242922",
                "16315551181", "US.1349120865", ChatLogEntry.Direction.OUTBOUND,
                outboundIds.isEmpty() ? null : outboundIds.get(0), outboundIds, "text", text, at, at,
                "openrouter/free", 120, 42, new BigDecimal("0.00015"), null);
    }

    private static String wamid() {
        return "wamid.HBgL" + UUID.randomUUID().toString().replace("-", "");
    }

    @Test
    public void storesEveryFieldOfAnInboundAndAnOutboundEntry() {
        ChatLogger logger = createChatLogger();
        String user = givenUser();
        String session = givenSession(user);
        ChatLogEntry in = inbound(session, user, wamid(), "Halo, apa kabar? 👋", T0);
        List<String> outIds = List.of(wamid(), wamid());
        ChatLogEntry out = reply(session, user, "reply:" + in.messageId(), "Baik! *Terima kasih*.", T0.plusSeconds(20),
                outIds);
        logger.log(List.of(in, out));

        List<ChatLogEntry> stored = readBack(logger, session);
        assertThat(stored).hasSize(2);
        assertSameEntry(stored.get(0), in);
        assertSameEntry(stored.get(1), out);
        assertThat(stored.get(1).outboundMessageIds()).containsExactlyElementsOf(outIds);
        assertThat(stored.get(1).cost()).isEqualByComparingTo(out.cost());
    }

    @Test
    public void loggingTheSameKeyTwiceStoresItOnce() {
        ChatLogger logger = createChatLogger();
        String user = givenUser();
        String session = givenSession(user);
        ChatLogEntry in = inbound(session, user, wamid(), "first", T0);
        logger.log(List.of(in));
        logger.log(List.of(in));
        ChatLogEntry second = inbound(session, user, wamid(), "second", T0.plusSeconds(1));
        logger.log(List.of(in, second));

        List<ChatLogEntry> stored = readBack(logger, session);
        assertThat(stored).extracting(ChatLogEntry::content).containsExactly("first", "second");
    }

    @Test
    public void keepsTheOrderEntriesWereLoggedIn() {
        ChatLogger logger = createChatLogger();
        String user = givenUser();
        String session = givenSession(user);
        List<ChatLogEntry> batch = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            batch.add(inbound(session, user, wamid(), "message " + i, T0.plusSeconds(i)));
        }
        logger.log(batch.subList(0, 3));
        logger.log(batch.subList(3, 5));
        logger.log(List.of(reply(session, user, "reply:" + batch.get(4).messageId(), "answer", T0.plusSeconds(30),
                List.of(wamid()))));

        assertThat(readBack(logger, session)).extracting(ChatLogEntry::content)
                .containsExactly("message 0", "message 1", "message 2", "message 3", "message 4", "answer");
    }

    @Test
    public void storesAReplyThatCouldNotBeSent() {
        ChatLogger logger = createChatLogger();
        String user = givenUser();
        String session = givenSession(user);
        ChatLogEntry failed = new ChatLogEntry("reply:" + wamid(), session, user, null, "106540352242922", null,
                "US.1349120865", ChatLogEntry.Direction.OUTBOUND, null, List.of(), "text", "not delivered",
                T0, T0, null, null, null, null, "131047: re-engagement message");
        logger.log(List.of(failed));

        List<ChatLogEntry> stored = readBack(logger, session);
        assertThat(stored).hasSize(1);
        assertThat(stored.get(0).channel()).isEqualTo(ChatLogEntry.CHANNEL_WHATSAPP);
        assertThat(stored.get(0).messageId()).isNull();
        assertThat(stored.get(0).waId()).isNull();
        assertThat(stored.get(0).error()).isEqualTo("131047: re-engagement message");
        assertThat(stored.get(0).outboundMessageIds()).isEmpty();
    }

    @Test
    public void concurrentRetriesOfOneEntryStoreItOnce() throws Exception {
        ChatLogger logger = createChatLogger();
        String user = givenUser();
        String session = givenSession(user);
        ChatLogEntry in = inbound(session, user, wamid(), "retried", T0);
        Concurrently.call(16, i -> () -> {
            logger.log(List.of(in));
            return null;
        });
        assertThat(readBack(logger, session)).hasSize(1);
    }

    /** Compares what every storage can keep exactly (timestamps are whole seconds in these tests). */
    protected static void assertSameEntry(ChatLogEntry actual, ChatLogEntry expected) {
        assertThat(actual.idempotencyKey()).isEqualTo(expected.idempotencyKey());
        assertThat(actual.sessionId()).isEqualTo(expected.sessionId());
        assertThat(actual.userId()).isEqualTo(expected.userId());
        assertThat(actual.channel()).isEqualTo(expected.channel());
        assertThat(actual.phoneNumberId()).isEqualTo(expected.phoneNumberId());
        assertThat(actual.waId()).isEqualTo(expected.waId());
        assertThat(actual.bsuid()).isEqualTo(expected.bsuid());
        assertThat(actual.direction()).isEqualTo(expected.direction());
        assertThat(actual.messageId()).isEqualTo(expected.messageId());
        assertThat(actual.messageType()).isEqualTo(expected.messageType());
        assertThat(actual.content()).isEqualTo(expected.content());
        assertThat(actual.timestamp()).isEqualTo(expected.timestamp());
        assertThat(actual.model()).isEqualTo(expected.model());
        assertThat(actual.promptTokens()).isEqualTo(expected.promptTokens());
        assertThat(actual.completionTokens()).isEqualTo(expected.completionTokens());
        assertThat(actual.error()).isEqualTo(expected.error());
    }
}
