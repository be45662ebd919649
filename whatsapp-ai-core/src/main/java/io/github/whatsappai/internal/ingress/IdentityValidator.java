package io.github.whatsappai.internal.ingress;

import io.github.whatsappai.webhook.model.InboundMessage;
import io.github.whatsappai.webhook.model.Sender;

/**
 * Checks that a message carries a usable id and sender (see "Who sent a message" in
 * docs/whatsapp-protocol-notes.md): a wa_id of 7–15
 * digits and/or a business-scoped user id (ISO country code, {@code .}, then 1–128 letters, digits
 * and dots, e.g. {@code US.1349…} or the parent form {@code US.ENT.…}); at least one of them, and
 * every one that is present must be valid. Checked with plain character loops (no regular
 * expressions on the request path). Thread-safe.
 */
final class IdentityValidator {

    /** wamids are up to 128 characters; a little slack for future formats. */
    static final int MAX_MESSAGE_ID_LENGTH = 256;

    private static final int MIN_WA_ID_DIGITS = 7;
    private static final int MAX_WA_ID_DIGITS = 15;
    private static final int MAX_BSUID_TAIL = 128;

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
        if (s.waId() != null && !isWaId(s.waId())) {
            return "wa_id is not 7-15 digits";
        }
        if (s.userId() != null && !isBsuid(s.userId())) {
            return "business-scoped user id is not a country code, '.', and 1-128 letters, digits or dots";
        }
        if (s.parentUserId() != null && !isBsuid(s.parentUserId())) {
            return "parent business-scoped user id is malformed";
        }
        return null;
    }

    /** 7–15 ASCII digits. */
    static boolean isWaId(String s) {
        int n = s.length();
        if (n < MIN_WA_ID_DIGITS || n > MAX_WA_ID_DIGITS) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    /** Two ASCII capitals, {@code .}, then 1–128 ASCII letters, digits and dots. */
    static boolean isBsuid(String s) {
        int n = s.length();
        if (n < 4 || n > 3 + MAX_BSUID_TAIL || !isUpper(s.charAt(0)) || !isUpper(s.charAt(1)) || s.charAt(2) != '.') {
            return false;
        }
        for (int i = 3; i < n; i++) {
            char c = s.charAt(i);
            if (!isUpper(c) && !(c >= 'a' && c <= 'z') && !(c >= '0' && c <= '9') && c != '.') {
                return false;
            }
        }
        return true;
    }

    private static boolean isUpper(char c) {
        return c >= 'A' && c <= 'Z';
    }
}
