package io.github.whatsappai.client;

import com.fasterxml.jackson.databind.JsonNode;

import java.net.URI;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * Media lookup ({@code GET /{version}/{media-id}}) and download with the access token, refusing
 * files larger than the cap by {@code Content-Length}, by the size the lookup reported, and while
 * streaming, with a {@link MediaTooLargeException}. Thread-safe.
 */
final class MediaDownloads {

    private final String baseUrl;
    private final long maxMediaBytes;
    private final long maxJsonBytes;
    private final GraphErrors errors;
    private final Function<GraphCall<?>, CompletableFuture<?>> runner;

    /**
     * @param runner runs a call with the client's retries; returns its result future
     */
    MediaDownloads(String baseUrl, long maxMediaBytes, long maxJsonBytes, GraphErrors errors,
                   Function<GraphCall<?>, CompletableFuture<?>> runner) {
        this.baseUrl = baseUrl;
        this.maxMediaBytes = maxMediaBytes;
        this.maxJsonBytes = maxJsonBytes;
        this.errors = errors;
        this.runner = runner;
    }

    CompletableFuture<MediaInfo> lookup(String mediaId) {
        GraphCall<MediaInfo> call = new GraphCall<>(URI.create(baseUrl + mediaId), null, null, null, null, false, null,
                maxJsonBytes, GraphWhatsAppClient.jsonTooLarge(maxJsonBytes), response -> {
                    JsonNode root = errors.parseJson(response);
                    if (!root.path("url").isTextual()) {
                        throw GraphErrors.unexpected(response.status(), "media lookup answered without a url");
                    }
                    return new MediaInfo(root.path("id").asText(mediaId), root.path("url").asText(),
                            GraphErrors.text(root, "mime_type"), GraphErrors.text(root, "sha256"),
                            root.path("file_size").asLong(-1));
                });
        return run(call);
    }

    /** Downloads within the smaller of {@code maxBytes} and the client's cap. */
    CompletableFuture<DownloadedMedia> download(String urlOrMediaId, long maxBytes) {
        long cap = Math.min(maxBytes, maxMediaBytes);
        if (urlOrMediaId.startsWith("https://") || urlOrMediaId.startsWith("http://")) {
            return fetch(URI.create(urlOrMediaId), cap);
        }
        return lookup(urlOrMediaId).thenCompose(info -> {
            if (info.fileSize() > cap) {
                return CompletableFuture.failedFuture(new MediaTooLargeException(cap, info.fileSize()));
            }
            return fetch(URI.create(info.url()), cap);
        });
    }

    private CompletableFuture<DownloadedMedia> fetch(URI uri, long cap) {
        GraphCall<DownloadedMedia> call = new GraphCall<>(uri, null, null, null, null, false, null, cap,
                size -> new MediaTooLargeException(cap, size),
                response -> new DownloadedMedia(response.body(),
                        response.headers().firstValue("Content-Type").orElse("application/octet-stream")));
        return run(call);
    }

    @SuppressWarnings("unchecked")
    private <T> CompletableFuture<T> run(GraphCall<T> call) {
        return (CompletableFuture<T>) runner.apply(call);
    }
}
