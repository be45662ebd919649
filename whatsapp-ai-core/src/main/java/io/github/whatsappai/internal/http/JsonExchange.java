package io.github.whatsappai.internal.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongFunction;

/**
 * One HTTP exchange the way every client of the SDK makes it: the request's timeout bounds the
 * whole exchange, body included (the JDK's own timeout stops at the response headers); the body is
 * read into memory under a byte cap ({@link CappedBody}); and a failure is mapped to one of a few
 * {@link Transport} kinds that say whether the request may have reached the server. Statuses are
 * not judged here: each API reads its own error bodies from the {@link Response}.
 *
 * <p>A failed exchange completes exceptionally with: the {@code tooLarge} failure (by default a
 * {@link BodyTooLargeException}) for a body over the cap; an {@link HttpTimeoutException} when the
 * deadline passed (also while the body was streaming); otherwise the {@link IOException} the HTTP
 * client reported. Thread-safe; share one per client.
 */
public final class JsonExchange {

    /** What a transport failure says about the request. */
    public enum Transport {
        /** The connection was never made (refused, connect timeout, unknown host): the server surely did not see the request. */
        NOT_SENT,
        /** No complete response within the deadline: the server may have received and acted on the request. */
        TIMED_OUT,
        /** The connection broke after it was made (reset, closed early): the server may have received the request. */
        BROKEN,
        /** The response was larger than the cap; the server answered. */
        TOO_LARGE,
        /** Not a transport failure (a bug, a refused request object, …). */
        OTHER
    }

    /**
     * A complete response.
     *
     * @param status  the HTTP status
     * @param headers the response headers
     * @param body    the body, at most the cap
     */
    public record Response(int status, HttpHeaders headers, byte[] body) {

        /** Whether the status is 2xx. */
        public boolean ok() {
            return status / 100 == 2;
        }

        /** The body parsed as JSON, or {@code null} when it is empty or not JSON. */
        public JsonNode jsonOrNull(ObjectMapper mapper) {
            if (body.length == 0) {
                return null;
            }
            try {
                return mapper.readTree(body);
            } catch (IOException notJson) {
                return null;
            }
        }

        /** The first {@code maxChars} characters of the body as text, stripped, or {@code null} when empty. */
        public String snippet(int maxChars) {
            String text = new String(body, 0, Math.min(body.length, maxChars * 4), StandardCharsets.UTF_8).strip();
            if (text.length() > maxChars) {
                text = text.substring(0, maxChars);
            }
            return text.isEmpty() ? null : text;
        }
    }

    private final HttpClient client;

    /** Exchanges over {@code client}. */
    public JsonExchange(HttpClient client) {
        this.client = Objects.requireNonNull(client, "client");
    }

    /** The HTTP client, to hand to another component that should share it. */
    public HttpClient client() {
        return client;
    }

    /**
     * A request builder for JSON: {@code Accept} and the timeout set; the caller adds the method,
     * body and its own headers.
     */
    public static HttpRequest.Builder request(URI uri, Duration timeout) {
        return HttpRequest.newBuilder(uri).timeout(timeout).header("Accept", "application/json");
    }

    /** A JSON {@code POST} of {@code body}. */
    public static HttpRequest.Builder post(URI uri, Duration timeout, byte[] body) {
        return request(uri, timeout).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    }

    /** {@link #send(HttpRequest, long, LongFunction)} failing a too-large body with a {@link BodyTooLargeException}. */
    public CompletableFuture<Response> send(HttpRequest request, long maxBytes) {
        return send(request, maxBytes, size -> new BodyTooLargeException(maxBytes, size));
    }

    /**
     * Sends {@code request} asynchronously; its timeout (required) bounds the whole exchange.
     *
     * @param maxBytes the largest body read
     * @param tooLarge makes the failure for a larger body from the size seen
     */
    public CompletableFuture<Response> send(HttpRequest request, long maxBytes, LongFunction<? extends Throwable> tooLarge) {
        Duration deadline = request.timeout().orElseThrow(() ->
                new IllegalArgumentException("a request sent through JsonExchange needs a timeout"));
        CappedBody.Handler handler = CappedBody.handler(maxBytes, tooLarge);
        CompletableFuture<HttpResponse<byte[]>> sent;
        try {
            sent = CappedBody.send(client, request, handler);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        CompletableFuture<Response> result = new CompletableFuture<>();
        sent.whenComplete((response, error) -> {
            if (error == null) {
                result.complete(new Response(response.statusCode(), response.headers(), response.body()));
            } else {
                result.completeExceptionally(unwrap(error));
            }
        });
        long millis = Math.max(1, deadline.toMillis());
        result.orTimeout(millis, TimeUnit.MILLISECONDS).exceptionally(e -> {
            if (e instanceof TimeoutException) {
                sent.cancel(true);
                handler.abort(new HttpTimeoutException("aborted at the deadline"));
            }
            return null;
        });
        return result.handle((response, error) -> {
            if (error == null) {
                return CompletableFuture.completedFuture(response);
            }
            Throwable cause = unwrap(error);
            if (cause instanceof TimeoutException) {
                cause = new HttpTimeoutException("no complete response within " + millis + " ms");
            }
            return CompletableFuture.<Response>failedFuture(cause);
        }).thenCompose(f -> f);
    }

    /** What {@code failure} (as an exchange completed with it) says about the request. */
    public static Transport transport(Throwable failure) {
        Throwable t = unwrap(failure);
        if (t instanceof BodyTooLargeException) {
            return Transport.TOO_LARGE;
        }
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof HttpConnectTimeoutException || c instanceof ConnectException
                    || c instanceof UnresolvedAddressException || c instanceof UnknownHostException) {
                return Transport.NOT_SENT;
            }
        }
        if (t instanceof HttpTimeoutException) {
            return Transport.TIMED_OUT;
        }
        if (t instanceof IOException) {
            return Transport.BROKEN;
        }
        return Transport.OTHER;
    }

    private static Throwable unwrap(Throwable t) {
        Throwable c = t;
        while ((c instanceof java.util.concurrent.CompletionException
                || c instanceof java.util.concurrent.ExecutionException) && c.getCause() != null) {
            c = c.getCause();
        }
        return c;
    }
}
