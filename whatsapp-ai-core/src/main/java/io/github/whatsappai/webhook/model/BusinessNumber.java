package io.github.whatsappai.webhook.model;

/**
 * The business side of a delivery: which WhatsApp Business Account and phone number it is for.
 *
 * @param wabaId {@code entry[].id}, the WhatsApp Business Account id
 * @param phoneNumberId {@code metadata.phone_number_id}: replies are sent from this id
 * @param displayPhoneNumber {@code metadata.display_phone_number}, digits only
 */
public record BusinessNumber(String wabaId, String phoneNumberId, String displayPhoneNumber) {
}
