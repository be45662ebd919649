package io.github.whatsappai.spi;

import java.util.Objects;

/**
 * Who wrote, as the webhook identified them. At least one of {@code waId} and {@code bsuid} is set.
 *
 * @param phoneNumberId the business phone number id the user wrote to
 * @param waId the user's WhatsApp phone id (digits, no {@code +}), or {@code null} when withheld
 * @param bsuid the business-scoped user id, or {@code null} in older payloads
 * @param profileName the self-chosen display name (untrusted), or {@code null}
 */
public record UserIdentity(String phoneNumberId, String waId, String bsuid, String profileName) {

    public UserIdentity {
        Objects.requireNonNull(phoneNumberId, "phoneNumberId");
        if (waId == null && bsuid == null) {
            throw new IllegalArgumentException("a user identity needs a wa_id or a business-scoped user id");
        }
    }
}
