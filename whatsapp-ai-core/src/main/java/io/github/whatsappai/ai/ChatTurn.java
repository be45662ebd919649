package io.github.whatsappai.ai;

import java.time.Instant;
import java.util.Objects;

/**
 * One turn of the prompt history.
 *
 * @param role who wrote it
 * @param content the text
 * @param at when it was written
 */
public record ChatTurn(Role role, String content, Instant at) {

    public ChatTurn {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(content, "content");
    }

    /** The chat roles of the history (the system prompt is not part of it). */
    public enum Role {
        USER, ASSISTANT;

        /** The OpenAI-style wire name: {@code user} or {@code assistant}. */
        public String wireName() {
            return this == USER ? "user" : "assistant";
        }
    }
}
