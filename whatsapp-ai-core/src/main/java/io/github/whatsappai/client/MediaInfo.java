package io.github.whatsappai.client;

/**
 * What {@code GET /{version}/{media-id}} answers. The URL is valid for five minutes and must be
 * fetched with the access token ({@link GraphWhatsAppClient#downloadMedia}).
 *
 * @param id the media id
 * @param url the download URL
 * @param mimeType e.g. {@code image/jpeg}, or {@code null}
 * @param sha256 the file's SHA-256 as Meta reports it, or {@code null}
 * @param fileSize the size in bytes, or {@code -1} when not reported
 */
public record MediaInfo(String id, String url, String mimeType, String sha256, long fileSize) {
}
