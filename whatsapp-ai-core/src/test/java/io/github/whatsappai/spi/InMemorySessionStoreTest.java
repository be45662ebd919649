package io.github.whatsappai.spi;

import io.github.whatsappai.ai.ChatTurn;
import io.github.whatsappai.webhook.model.ConversationKey;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class InMemorySessionStoreTest extends SessionStoreContract {

    @Override
    protected SessionStore createSessionStore() {
        return new InMemorySessionStore();
    }

    @Test
    void keepsTheLastTurnsOfASession() {
        InMemorySessionStore store = new InMemorySessionStore(10, 3);
        Instant t = Instant.parse("2026-03-01T10:00:00Z");
        Session s = store.touch(new ConversationKey("1", "15550001"), "u", t, Duration.ofHours(1), false);
        for (int i = 0; i < 5; i++) {
            store.append(s.id(), List.of(new ChatTurn(ChatTurn.Role.USER, "t" + i, t)));
        }
        assertThat(store.history(s.id(), 10)).extracting(ChatTurn::content).containsExactly("t2", "t3", "t4");
    }

    @Test
    void forgetsTheLeastRecentlyActiveConversationBeyondItsBound() {
        InMemorySessionStore store = new InMemorySessionStore(2, 10);
        Instant t = Instant.parse("2026-03-01T10:00:00Z");
        Duration idle = Duration.ofHours(1);
        ConversationKey a = new ConversationKey("1", "a");
        Session sa = store.touch(a, "u", t, idle, false);
        store.touch(new ConversationKey("1", "b"), "u", t, idle, false);
        store.touch(a, "u", t, idle, false);
        store.touch(new ConversationKey("1", "c"), "u", t, idle, false);
        assertThat(store.size()).isEqualTo(2);
        assertThat(store.touch(a, "u", t, idle, false).id()).isEqualTo(sa.id());
    }
}
