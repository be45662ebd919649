package io.github.whatsappai.ai;

import java.util.Objects;

/**
 * One downloaded media file of a burst, handed to a responder that {@linkplain AiResponder#acceptsMedia()
 * accepts media}. Its bytes live only as long as the request: history and the chat log keep text.
 * The array is handed over, not copied.
 *
 * @param messageId the wamid of the message that carried it
 * @param mediaId Meta's media id (kept for the log; the bytes are never stored)
 * @param kind how a model receives it
 * @param mimeType the checked type, one of the allowed types (e.g. {@code audio/ogg}, {@code image/jpeg})
 * @param label how the user turn names it, e.g. {@code voice message} or {@code document: invoice.pdf}
 * @param filename the document's file name, or {@code null}
 * @param data the file
 */
public record MediaAttachment(String messageId, String mediaId, Kind kind, String mimeType, String label,
                              String filename, byte[] data) {

    public MediaAttachment {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(mimeType, "mimeType");
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(data, "data");
    }

    /** How a model receives an attachment. */
    public enum Kind {
        /** Sent as an {@code input_audio} part (base64 and a format). */
        AUDIO,
        /** Sent as an {@code image_url} part holding a data URL. */
        IMAGE,
        /** Sent as a {@code file} part holding a data URL (PDF). */
        DOCUMENT
    }

    /** The size in bytes. */
    public int size() {
        return data.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MediaAttachment m && Objects.equals(messageId, m.messageId)
                && Objects.equals(mediaId, m.mediaId) && kind == m.kind && mimeType.equals(m.mimeType)
                && label.equals(m.label) && Objects.equals(filename, m.filename)
                && java.util.Arrays.equals(data, m.data);
    }

    @Override
    public int hashCode() {
        return Objects.hash(messageId, mediaId, kind, mimeType, label, filename, java.util.Arrays.hashCode(data));
    }

    /** Names the file without its bytes. */
    @Override
    public String toString() {
        return "MediaAttachment[" + kind + " " + mimeType + ", " + data.length + " bytes, message " + messageId
                + ", media " + mediaId + "]";
    }
}
