package io.github.whatsappai.webhook.model;

/**
 * Who sent an inbound message. Since 2026 either the phone-number identity ({@code waId}) or the
 * business-scoped user id ({@code userId}, "BSUID") may be missing, never both in a valid message.
 *
 * @param waId {@code from} / {@code contacts[].wa_id}: digits, no {@code +}; {@code null} when withheld
 * @param userId {@code from_user_id} / {@code contacts[].user_id}, e.g. {@code US.1349…}; {@code null} in older payloads
 * @param parentUserId {@code from_parent_user_id}, when enabled
 * @param profileName {@code contacts[].profile.name}: self-chosen, untrusted, may be {@code null}
 * @param username {@code contacts[].profile.username}, when the user has one
 */
public record Sender(String waId, String userId, String parentUserId, String profileName, String username) {

    /** The id a conversation is keyed by: the business-scoped id when present, else the wa_id. */
    public String conversationId() {
        return userId != null ? userId : waId;
    }
}
