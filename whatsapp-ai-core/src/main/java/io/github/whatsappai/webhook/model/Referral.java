package io.github.whatsappai.webhook.model;

/**
 * {@code messages[].referral}: the Click-to-WhatsApp ad or post the user came from. Any field may be
 * {@code null}.
 */
public record Referral(String sourceUrl, String sourceId, String sourceType, String body, String headline,
                       String mediaType, String imageUrl, String videoUrl, String thumbnailUrl,
                       String ctwaClid, String welcomeMessageText) {
}
