package io.github.whatsappai.client;

/**
 * A downloaded media file. The array is handed over, not copied: the caller owns it.
 *
 * @param data the file's bytes
 * @param mimeType the {@code Content-Type} of the download, or {@code application/octet-stream} when absent
 */
public record DownloadedMedia(byte[] data, String mimeType) {

    /** The size in bytes. */
    public int size() {
        return data.length;
    }
}
