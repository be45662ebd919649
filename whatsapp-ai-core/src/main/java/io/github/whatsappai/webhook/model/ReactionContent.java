package io.github.whatsappai.webhook.model;

/**
 * {@code type: reaction}. Reactions go to the listener, never to the AI.
 *
 * @param messageId the wamid reacted to
 * @param emoji the emoji, or {@code null} when the user removed the reaction
 */
public record ReactionContent(String messageId, String emoji) implements MessageContent {

    /** Whether this removes an earlier reaction. */
    public boolean removed() {
        return emoji == null || emoji.isEmpty();
    }

    @Override
    public String describe() {
        return removed() ? "[reaction removed]" : "[reaction: " + emoji + "]";
    }
}
