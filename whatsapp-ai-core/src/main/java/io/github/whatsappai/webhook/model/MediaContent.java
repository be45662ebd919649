package io.github.whatsappai.webhook.model;

/**
 * {@code type: image | audio | video | document | sticker}. The media itself is never inline:
 * {@code mediaId} turns into a download URL through the Graph API (or {@code url} when Meta sent it).
 *
 * @param kind which media type
 * @param mediaId media id, downloadable for 7 days
 * @param mimeType MIME type, may be {@code null}
 * @param sha256 checksum as sent, may be {@code null}
 * @param caption caption (image, video, document), or {@code null}
 * @param filename file name (document), or {@code null}
 * @param url download URL sent since late 2025 (needs the access token), or {@code null}
 * @param voice audio recorded with the push-to-talk button
 * @param animated animated sticker
 */
public record MediaContent(MediaKind kind, String mediaId, String mimeType, String sha256, String caption,
                           String filename, String url, boolean voice, boolean animated)
        implements MessageContent {

    /** The media message types. */
    public enum MediaKind {
        IMAGE, AUDIO, VIDEO, DOCUMENT, STICKER;

        /** The wire name, e.g. {@code image}. */
        public String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    @Override
    public String describe() {
        String label = kind == MediaKind.AUDIO && voice ? "voice message" : kind.wireName();
        StringBuilder sb = new StringBuilder("[").append(label);
        if (filename != null && !filename.isBlank()) {
            sb.append(": ").append(filename);
        }
        if (caption != null && !caption.isBlank()) {
            sb.append(filename != null && !filename.isBlank() ? " – " : ": ").append(caption);
        }
        return sb.append(']').toString();
    }
}
