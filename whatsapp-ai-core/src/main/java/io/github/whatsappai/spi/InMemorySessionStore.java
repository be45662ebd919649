package io.github.whatsappai.spi;

import io.github.whatsappai.ai.ChatTurn;
import io.github.whatsappai.webhook.model.ConversationKey;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * A {@link SessionStore} in memory: one instance's sessions and prompt history.
 *
 * <p>Thread-safe (one lock). Bounded twice: each session keeps its last
 * {@link #DEFAULT_MAX_TURNS_PER_SESSION} turns (or the given number), and at most
 * {@link #DEFAULT_MAX_SESSIONS} conversations are remembered, the least recently active forgotten
 * first (with their history). A session replaced by a new one keeps no history in memory, and
 * appending to a session that is no longer kept does nothing. A conversation whose user id changed
 * (its user was forgotten and re-created) starts a new session.
 */
public final class InMemorySessionStore implements SessionStore {

    /** Conversations remembered by default. */
    public static final int DEFAULT_MAX_SESSIONS = 100_000;
    /** Turns kept per session by default. */
    public static final int DEFAULT_MAX_TURNS_PER_SESSION = 100;

    private final int maxSessions;
    private final int maxTurnsPerSession;
    private final Object lock = new Object();
    /** Access-ordered: the least recently touched conversation comes first. */
    private final LinkedHashMap<ConversationKey, Session> current = new LinkedHashMap<>(16, 0.75f, true);
    private final Map<String, ArrayDeque<ChatTurn>> histories = new HashMap<>();

    /** A store with the default bounds. */
    public InMemorySessionStore() {
        this(DEFAULT_MAX_SESSIONS, DEFAULT_MAX_TURNS_PER_SESSION);
    }

    /**
     * A store with the given bounds.
     *
     * @param maxSessions conversations remembered, positive
     * @param maxTurnsPerSession turns kept per session, positive
     */
    public InMemorySessionStore(int maxSessions, int maxTurnsPerSession) {
        if (maxSessions <= 0 || maxTurnsPerSession <= 0) {
            throw new IllegalArgumentException("maxSessions and maxTurnsPerSession must be positive, were "
                    + maxSessions + " and " + maxTurnsPerSession);
        }
        this.maxSessions = maxSessions;
        this.maxTurnsPerSession = maxTurnsPerSession;
    }

    @Override
    public Session touch(ConversationKey key, String userId, Instant now, Duration idleTimeout, boolean forceNew) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(now, "now");
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        synchronized (lock) {
            Session s = current.get(key);
            boolean expired = s == null || forceNew || !userId.equals(s.userId())
                    || Duration.between(s.lastActivityAt(), now).compareTo(idleTimeout) > 0;
            Session next;
            if (expired) {
                if (s != null) {
                    histories.remove(s.id());
                }
                next = new Session(UUID.randomUUID().toString(), key, userId, now, now, true);
                histories.put(next.id(), new ArrayDeque<>());
            } else {
                Instant last = now.isAfter(s.lastActivityAt()) ? now : s.lastActivityAt();
                next = new Session(s.id(), key, userId, s.startedAt(), last, false);
            }
            current.put(key, next);
            Iterator<Map.Entry<ConversationKey, Session>> it = current.entrySet().iterator();
            while (current.size() > maxSessions && it.hasNext()) {
                histories.remove(it.next().getValue().id());
                it.remove();
            }
            return next;
        }
    }

    @Override
    public List<ChatTurn> history(String sessionId, int maxTurns) {
        Objects.requireNonNull(sessionId, "sessionId");
        if (maxTurns < 0) {
            throw new IllegalArgumentException("maxTurns must not be negative, was " + maxTurns);
        }
        synchronized (lock) {
            ArrayDeque<ChatTurn> turns = histories.get(sessionId);
            if (turns == null || maxTurns == 0) {
                return List.of();
            }
            List<ChatTurn> all = new ArrayList<>(turns);
            return List.copyOf(all.subList(Math.max(0, all.size() - maxTurns), all.size()));
        }
    }

    @Override
    public void append(String sessionId, List<ChatTurn> turns) {
        Objects.requireNonNull(sessionId, "sessionId");
        Objects.requireNonNull(turns, "turns");
        turns.forEach(t -> Objects.requireNonNull(t, "turn"));
        synchronized (lock) {
            ArrayDeque<ChatTurn> history = histories.get(sessionId);
            if (history == null) {
                return;
            }
            for (ChatTurn t : turns) {
                history.addLast(t);
                if (history.size() > maxTurnsPerSession) {
                    history.removeFirst();
                }
            }
        }
    }

    /** How many conversations are remembered. */
    public int size() {
        synchronized (lock) {
            return current.size();
        }
    }
}
