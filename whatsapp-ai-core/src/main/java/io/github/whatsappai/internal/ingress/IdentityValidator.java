package io.github.whatsappai.internal.ingress;

import io.github.whatsappai.webhook.model.InboundMessage;
import io.github.whatsappai.webhook.model.Sender;

import java.util.regex.Pattern;

/**
 * Checks that a message carries a usable id and sender (DESIGN.md "Identity"): a wa_id of 7–15
 * digits and/or a business-scoped user id (ISO country code, {@code .}, then 1–128 letters, digits
 * and dots, e.g. {@code US.1349…} or the parent form {@code US.ENT.…}); at least one of them, and
 * every one that is present must be valid. Thread-safe.
 */
final class IdentityValidator {

    /** wamids are up to 128 characters; a little slack for future formats. */
    static final int MAX_MESSAGE_ID_LENGTH = 256;

    private static final Pattern WA_ID = Pattern.compile("[0-9]{7,15}");
    private static final Pattern BSUID = Pattern.compile("[A-Z]{2}\\.[A-Za-z0-9.]{1,128}");

    /** Why {@code message} must be rejected, or {@code null} when it is acceptable. */
    String problem(InboundMessage message) {
        String id = message.id();
        if (id == null || id.isBlank()) {
            return "message has no id";
        }
        if (id.length() > MAX_MESSAGE_ID_LENGTH) {
            return "message id is longer than " + MAX_MESSAGE_ID_LENGTH + " characters";
        }
        Sender s = message.sender();
        if (s.waId() == null && s.userId() == null) {
            return "sender has neither a wa_id nor a business-scoped user id";
        }
        if (s.waId() != null && !WA_ID.matcher(s.waId()).matches()) {
            return "wa_id is not 7-15 digits";
        }
        if (s.userId() != null && !BSUID.matcher(s.userId()).matches()) {
            return "business-scoped user id is not a country code, '.', and 1-128 letters, digits or dots";
        }
        if (s.parentUserId() != null && !BSUID.matcher(s.parentUserId()).matches()) {
            return "parent business-scoped user id is malformed";
        }
        return null;
    }
}
