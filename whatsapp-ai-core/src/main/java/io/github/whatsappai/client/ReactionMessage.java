package io.github.whatsappai.client;

/**
 * A reaction to a message. Reactions cannot quote ({@code context} is not allowed for them).
 *
 * @param messageId the wamid reacted to
 * @param emoji the emoji; the empty string (or {@code null}) removes an earlier reaction
 */
public record ReactionMessage(String messageId, String emoji) implements OutboundMessage {

    /** The longest emoji sequence accepted (a family or flag with modifiers stays well below it). */
    public static final int MAX_EMOJI = 32;

    /** Checks the arguments; {@code null} emoji becomes the empty string. */
    public ReactionMessage {
        Limits.required(messageId, "the message id to react to");
        emoji = emoji == null ? "" : emoji;
        if (!emoji.isEmpty() && emoji.isBlank()) {
            throw new IllegalArgumentException("a reaction emoji must be an emoji or empty (to remove), not whitespace");
        }
        Limits.max(emoji, MAX_EMOJI, "reaction emoji");
    }

    /** A reaction that removes the earlier one on {@code messageId}. */
    public static ReactionMessage remove(String messageId) {
        return new ReactionMessage(messageId, "");
    }

    /** Always {@code reaction}. */
    @Override
    public String type() {
        return "reaction";
    }
}
