package io.github.whatsappai.spi;

import io.github.whatsappai.ai.ChatTurn;
import io.github.whatsappai.webhook.model.ConversationKey;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Keeps each conversation's current session and the prompt history window. The in-memory
 * implementation serves one instance; a shared store (PostgreSQL) serves several.
 *
 * <p>Thread-safe. The pipeline calls it for one conversation at a time, but for many conversations
 * concurrently. A thrown exception makes the pipeline keep the batch and retry it.
 */
public interface SessionStore {

    /**
     * Returns the conversation's session, starting a new one when there is none, when the last
     * activity is longer ago than {@code idleTimeout}, or when {@code forceNew} (a reset word); and
     * records {@code now} as its last activity.
     */
    Session touch(ConversationKey key, String userId, Instant now, Duration idleTimeout, boolean forceNew);

    /** The last {@code maxTurns} turns of the session, oldest first. */
    List<ChatTurn> history(String sessionId, int maxTurns);

    /** Appends turns to the session's history (the store may keep only the most recent ones). */
    void append(String sessionId, List<ChatTurn> turns);
}
