package io.github.whatsappai.ai.knowledge;

import io.github.whatsappai.internal.http.JsonExchange;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Fetches the bytes of one source: an {@code http(s)} URL with a conditional GET
 * ({@code If-None-Match}, {@code If-Modified-Since}) or a file whose modification time and size
 * tell whether it changed. Requests go through the SDK's HTTP layer: bodies are streamed with a size
 * cap and the whole fetch is bounded in time. Thread-safe.
 */
final class SourceFetcher {

    /** What identifies the copy already held, to ask only for a newer one. */
    record Validators(String etag, String lastModified, long fileModified, long fileSize) {

        static final Validators NONE = new Validators(null, null, -1, -1);
    }

    /** The outcome of a fetch that did not fail: new bytes, or "the copy held is current". */
    record Result(byte[] bytes, Validators validators) {

        boolean notModified() {
            return bytes == null;
        }
    }

    private final JsonExchange exchange;
    private final long maxBytes;
    private final Duration timeout;

    SourceFetcher(HttpClient http, long maxBytes, Duration timeout) {
        this.exchange = new JsonExchange(http);
        this.maxBytes = maxBytes;
        this.timeout = timeout;
    }

    /** Whether {@code source} is fetched over HTTP rather than read from a file. */
    static boolean isHttp(String source) {
        String lower = source.toLowerCase(Locale.ROOT);
        return lower.startsWith("http://") || lower.startsWith("https://");
    }

    Result fetch(String source, Validators held) throws SourceException {
        return isHttp(source) ? fetchHttp(source, held) : fetchFile(source, held);
    }

    private Result fetchHttp(String source, Validators held) throws SourceException {
        URI uri;
        try {
            uri = URI.create(source);
        } catch (IllegalArgumentException e) {
            throw new SourceException("not a valid URL: " + e.getMessage());
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                .timeout(timeout)
                .header("Accept", "application/pdf, */*;q=0.5")
                .GET();
        if (held.etag() != null) {
            request.header("If-None-Match", held.etag());
        }
        if (held.lastModified() != null) {
            request.header("If-Modified-Since", held.lastModified());
        }
        CompletableFuture<JsonExchange.Response> future = exchange.send(request.build(), maxBytes,
                size -> new SourceException(tooLarge(size)));
        JsonExchange.Response response;
        try {
            response = future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            future.cancel(true);
            throw new SourceException("interrupted while fetching");
        } catch (ExecutionException e) {
            throw fetchFailure(e.getCause());
        }
        int status = response.status();
        if (status == 304 && (held.etag() != null || held.lastModified() != null)) {
            return new Result(null, held);
        }
        if (!response.ok()) {
            throw new SourceException("HTTP " + status + " from " + uri.getHost());
        }
        Validators validators = new Validators(response.headers().firstValue("ETag").orElse(null),
                response.headers().firstValue("Last-Modified").orElse(null), -1, -1);
        return new Result(response.body(), validators);
    }

    private SourceException fetchFailure(Throwable cause) {
        if (cause instanceof SourceException se) {
            return new SourceException(se.getMessage(), se);
        }
        if (JsonExchange.transport(cause) == JsonExchange.Transport.TIMED_OUT) {
            return new SourceException(timedOut(), cause);
        }
        String detail = cause == null ? "unknown error" : cause.getClass().getSimpleName()
                + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
        return new SourceException("cannot fetch: " + detail, cause);
    }

    private Result fetchFile(String source, Validators held) throws SourceException {
        Path path;
        try {
            path = source.regionMatches(true, 0, "file:", 0, 5) ? Path.of(URI.create(source)) : Path.of(source);
        } catch (IllegalArgumentException | java.nio.file.FileSystemNotFoundException e) {
            throw new SourceException("not a valid file path: " + e.getMessage());
        }
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(path, BasicFileAttributes.class);
        } catch (IOException e) {
            throw new SourceException("cannot read file " + path + ": " + e.getClass().getSimpleName());
        }
        if (!attributes.isRegularFile()) {
            throw new SourceException("not a regular file: " + path);
        }
        long modified = attributes.lastModifiedTime().toMillis();
        long size = attributes.size();
        if (modified == held.fileModified() && size == held.fileSize()) {
            return new Result(null, held);
        }
        if (size > maxBytes) {
            throw new SourceException(tooLarge(size));
        }
        try (InputStream in = Files.newInputStream(path)) {
            byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
            if (bytes.length > maxBytes) {
                throw new SourceException(tooLarge(bytes.length));
            }
            return new Result(bytes, new Validators(null, null, modified, size));
        } catch (IOException e) {
            throw new SourceException("cannot read file " + path + ": " + e.getClass().getSimpleName());
        }
    }

    private String timedOut() {
        return "timed out after " + timeout.toMillis() + " ms";
    }

    private String tooLarge(long size) {
        return "too large: " + size + " bytes or more (the limit is " + maxBytes + " bytes)";
    }
}
