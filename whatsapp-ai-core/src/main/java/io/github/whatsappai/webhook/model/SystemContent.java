package io.github.whatsappai.webhook.model;

/**
 * {@code type: system}: e.g. the user changed number. Goes to the listener, never to the AI.
 *
 * @param systemType {@code user_changed_number}, {@code customer_identity_changed}, … (any string)
 * @param body human-readable text
 * @param newWaId the user's new wa_id, or {@code null}
 * @param newUserId the user's new business-scoped id, or {@code null}
 */
public record SystemContent(String systemType, String body, String newWaId, String newUserId)
        implements MessageContent {

    @Override
    public String describe() {
        return "[system: " + (body != null ? body : systemType) + "]";
    }
}
