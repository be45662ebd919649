package io.github.whatsappai.spi;

import io.github.whatsappai.ai.ChatTurn;
import io.github.whatsappai.webhook.model.ConversationKey;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The behaviour every {@link SessionStore} must show. Extend it and implement
 * {@link #createSessionStore()}; override {@link #givenUser()} when sessions must refer to an existing
 * user. Each test uses fresh conversation keys, so one store (and one database) may serve all tests.
 * Timestamps are whole seconds, so any storage precision works.
 */
public abstract class SessionStoreContract {

    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
    private static final Duration IDLE = Duration.ofHours(24);

    /** The store under test; called once per test. */
    protected abstract SessionStore createSessionStore();

    /** A user id sessions may refer to; creates the user where the storage needs one. */
    protected String givenUser() {
        return "user-" + UUID.randomUUID();
    }

    private static ConversationKey newKey() {
        return new ConversationKey("106540352242922", "US." + Math.floorMod(UUID.randomUUID().getMostSignificantBits(),
                1_000_000_000_000L));
    }

    private static ChatTurn user(String text, Instant at) {
        return new ChatTurn(ChatTurn.Role.USER, text, at);
    }

    private static ChatTurn assistant(String text, Instant at) {
        return new ChatTurn(ChatTurn.Role.ASSISTANT, text, at);
    }

    @Test
    public void firstTouchStartsASessionAndLaterTouchesKeepIt() {
        SessionStore store = createSessionStore();
        ConversationKey key = newKey();
        String user = givenUser();
        Session first = store.touch(key, user, T0, IDLE, false);
        assertThat(first.created()).isTrue();
        assertThat(first.key()).isEqualTo(key);
        assertThat(first.userId()).isEqualTo(user);
        assertThat(first.startedAt()).isEqualTo(T0);

        Session again = store.touch(key, user, T0.plusSeconds(60), IDLE, false);
        assertThat(again.id()).isEqualTo(first.id());
        assertThat(again.created()).isFalse();
        assertThat(again.startedAt()).isEqualTo(T0);
        assertThat(again.lastActivityAt()).isEqualTo(T0.plusSeconds(60));
    }

    @Test
    public void idleTimeoutStartsANewSessionCountedFromTheLastActivity() {
        SessionStore store = createSessionStore();
        ConversationKey key = newKey();
        String user = givenUser();
        Session first = store.touch(key, user, T0, IDLE, false);
        Instant later = T0.plus(Duration.ofHours(20));
        assertThat(store.touch(key, user, later, IDLE, false).id()).isEqualTo(first.id());
        assertThat(store.touch(key, user, later.plus(IDLE), IDLE, false).id())
                .as("exactly the idle timeout after the last activity: still the same session")
                .isEqualTo(first.id());

        Session next = store.touch(key, user, later.plus(IDLE).plus(IDLE).plusSeconds(1), IDLE, false);
        assertThat(next.id()).isNotEqualTo(first.id());
        assertThat(next.created()).isTrue();
        assertThat(store.history(next.id(), 10)).isEmpty();
    }

    @Test
    public void forceNewStartsANewSession() {
        SessionStore store = createSessionStore();
        ConversationKey key = newKey();
        String user = givenUser();
        Session first = store.touch(key, user, T0, IDLE, false);
        store.append(first.id(), List.of(user("hi", T0), assistant("hello", T0.plusSeconds(1))));

        Session reset = store.touch(key, user, T0.plusSeconds(5), IDLE, true);
        assertThat(reset.id()).isNotEqualTo(first.id());
        assertThat(reset.created()).isTrue();
        assertThat(store.history(reset.id(), 10)).isEmpty();
        assertThat(store.touch(key, user, T0.plusSeconds(6), IDLE, false).id()).isEqualTo(reset.id());
    }

    @Test
    public void conversationsHaveSeparateSessions() {
        SessionStore store = createSessionStore();
        String user = givenUser();
        Session a = store.touch(newKey(), user, T0, IDLE, false);
        Session b = store.touch(newKey(), user, T0, IDLE, false);
        assertThat(a.id()).isNotEqualTo(b.id());
    }

    @Test
    public void historyReturnsTheLastTurnsOldestFirst() {
        SessionStore store = createSessionStore();
        Session s = store.touch(newKey(), givenUser(), T0, IDLE, false);
        assertThat(store.history(s.id(), 10)).isEmpty();
        store.append(s.id(), List.of(user("q1", T0), assistant("a1", T0.plusSeconds(1))));
        store.append(s.id(), List.of(user("q2", T0.plusSeconds(2)), assistant("a2", T0.plusSeconds(3))));

        assertThat(store.history(s.id(), 10)).extracting(ChatTurn::content).containsExactly("q1", "a1", "q2", "a2");
        List<ChatTurn> lastThree = store.history(s.id(), 3);
        assertThat(lastThree).extracting(ChatTurn::content).containsExactly("a1", "q2", "a2");
        assertThat(lastThree).extracting(ChatTurn::role)
                .containsExactly(ChatTurn.Role.ASSISTANT, ChatTurn.Role.USER, ChatTurn.Role.ASSISTANT);
        assertThat(lastThree.get(2).at()).isEqualTo(T0.plusSeconds(3));
    }

    @Test
    public void historyIsKeptPerSession() {
        SessionStore store = createSessionStore();
        String user = givenUser();
        Session a = store.touch(newKey(), user, T0, IDLE, false);
        Session b = store.touch(newKey(), user, T0, IDLE, false);
        store.append(a.id(), List.of(user("for a", T0)));
        store.append(b.id(), List.of(user("for b", T0)));
        assertThat(store.history(a.id(), 10)).extracting(ChatTurn::content).containsExactly("for a");
        assertThat(store.history(b.id(), 10)).extracting(ChatTurn::content).containsExactly("for b");
    }

    @Test
    public void concurrentTouchesOfOneConversationShareOneSession() throws Exception {
        SessionStore store = createSessionStore();
        ConversationKey key = newKey();
        String user = givenUser();
        List<Session> sessions = Concurrently.call(16, i -> () -> store.touch(key, user, T0, IDLE, false));
        assertThat(sessions).filteredOn(Session::created).hasSize(1);
        assertThat(sessions).extracting(Session::id).containsOnly(sessions.get(0).id());
    }
}
