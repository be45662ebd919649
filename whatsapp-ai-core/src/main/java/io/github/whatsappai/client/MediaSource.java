package io.github.whatsappai.client;

import java.util.concurrent.CompletableFuture;

/**
 * Where the media of inbound messages comes from: Meta's media lookup and the authorised download.
 * {@link GraphWhatsAppClient} is one; the conversation engine reads a burst's voice notes, images
 * and documents through it. Thread-safe; the futures complete on the implementation's threads.
 */
public interface MediaSource {

    /**
     * Looks up a media id from a webhook (valid for 7 days) for a fresh download URL (valid for
     * minutes).
     */
    CompletableFuture<MediaInfo> mediaUrl(String mediaId);

    /**
     * Downloads a file, refusing one larger than {@code maxBytes} with a
     * {@link MediaTooLargeException} before or while it streams, so that no more than the cap is
     * held. The default downloads with the source's own cap and checks the size afterwards.
     *
     * @param url a download URL from {@link #mediaUrl} or from the webhook
     */
    default CompletableFuture<DownloadedMedia> downloadMedia(String url, long maxBytes) {
        return downloadMedia(url).thenApply(media -> {
            if (media.size() > maxBytes) {
                throw new MediaTooLargeException(maxBytes, media.size());
            }
            return media;
        });
    }

    /** Downloads a file with the source's own size cap. */
    CompletableFuture<DownloadedMedia> downloadMedia(String urlOrMediaId);
}
