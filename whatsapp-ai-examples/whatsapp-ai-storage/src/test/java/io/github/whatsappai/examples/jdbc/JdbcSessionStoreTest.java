package io.github.whatsappai.examples.jdbc;

import io.github.whatsappai.ai.ChatTurn;
import io.github.whatsappai.ai.ChatTurn.Role;
import io.github.whatsappai.examples.testing.Concurrently;
import io.github.whatsappai.examples.testing.PostgresExtension;
import io.github.whatsappai.examples.testing.Sql;
import io.github.whatsappai.spi.Session;
import io.github.whatsappai.spi.SessionStore;
import io.github.whatsappai.spi.SessionStoreContract;
import io.github.whatsappai.webhook.model.ConversationKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class JdbcSessionStoreTest extends SessionStoreContract {

    private static final Instant T0 = Instant.parse("2026-06-01T10:00:00Z");
    private static final Duration IDLE = Duration.ofHours(24);
    private static final ConversationKey KEY = new ConversationKey("phone-1", "US.1349120865");

    @RegisterExtension
    final PostgresExtension db = PostgresExtension.migrated();

    @Override
    protected SessionStore createSessionStore() {
        return new JdbcSessionStore(db.dataSource());
    }

    @Test
    void startsExtendsAndExpiresSessions() {
        JdbcSessionStore store = new JdbcSessionStore(db.dataSource());
        Session first = store.touch(KEY, "u1", T0, IDLE, false);
        assertThat(first.created()).isTrue();
        assertThat(first.startedAt()).isEqualTo(T0);

        Session same = store.touch(KEY, "u1", T0.plus(IDLE), IDLE, false);
        assertThat(same.id()).isEqualTo(first.id());
        assertThat(same.created()).isFalse();
        assertThat(same.startedAt()).isEqualTo(T0);
        assertThat(same.lastActivityAt()).isEqualTo(T0.plus(IDLE));

        Session expired = store.touch(KEY, "u1", T0.plus(IDLE).plus(IDLE).plusSeconds(1), IDLE, false);
        assertThat(expired.id()).isNotEqualTo(first.id());
        assertThat(expired.created()).isTrue();

        Session reset = store.touch(KEY, "u1", T0.plus(IDLE).plus(IDLE).plusSeconds(2), IDLE, true);
        assertThat(reset.id()).isNotIn(first.id(), expired.id());
        assertThat(Sql.number(db.dataSource(), "select count(*) from chat_sessions")).isEqualTo(3);
        assertThat(Sql.number(db.dataSource(), "select count(*) from chat_sessions where is_current")).isEqualTo(1);
    }

    @Test
    void conversationsAreSeparatePerNumberAndUser() {
        JdbcSessionStore store = new JdbcSessionStore(db.dataSource());
        Session a = store.touch(KEY, "u1", T0, IDLE, false);
        Session b = store.touch(new ConversationKey("phone-2", KEY.userKey()), "u1", T0, IDLE, false);
        Session c = store.touch(new ConversationKey("phone-1", "15551234567"), "u2", T0, IDLE, false);
        assertThat(new HashSet<>(List.of(a.id(), b.id(), c.id()))).hasSize(3);
    }

    @Test
    void anOutOfOrderTouchNeverMovesLastActivityBack() {
        JdbcSessionStore store = new JdbcSessionStore(db.dataSource());
        store.touch(KEY, "u1", T0.plusSeconds(60), IDLE, false);
        Session earlier = store.touch(KEY, "u1", T0, IDLE, false);
        assertThat(earlier.lastActivityAt()).isEqualTo(T0.plusSeconds(60));
    }

    @Test
    void concurrentFirstTouchesShareOneSession() {
        JdbcSessionStore store = new JdbcSessionStore(db.dataSource());
        List<Session> sessions = Concurrently.run(12, i -> store.touch(KEY, "u1", T0, IDLE, false));

        assertThat(sessions.stream().map(Session::id).distinct()).hasSize(1);
        assertThat(sessions.stream().filter(Session::created)).hasSize(1);
        assertThat(Sql.number(db.dataSource(), "select count(*) from chat_sessions")).isEqualTo(1);
    }

    @Test
    void historyIsReturnedOldestFirstAndBoundedWhenReadAndStored() {
        JdbcSessionStore store = new JdbcSessionStore(db.dataSource(), 5);
        List<ChatTurn> turns = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            turns.add(new ChatTurn(i % 2 == 0 ? Role.USER : Role.ASSISTANT, "turn " + i, T0.plusSeconds(i)));
        }
        store.append("s1", turns.subList(0, 3));
        store.append("s1", turns.subList(3, 8));
        store.append("s2", List.of(new ChatTurn(Role.USER, "other session", null)));

        assertThat(store.history("s1", 3)).containsExactlyElementsOf(turns.subList(5, 8));
        assertThat(store.history("s1", 100)).containsExactlyElementsOf(turns.subList(3, 8));
        assertThat(store.history("s1", 0)).isEmpty();
        assertThat(store.history("unknown", 10)).isEmpty();
        assertThat(store.history("s2", 10)).containsExactly(new ChatTurn(Role.USER, "other session", null));
        assertThat(Sql.number(db.dataSource(), "select count(*) from chat_history where session_id = 's1'")).isEqualTo(5);
    }
}
