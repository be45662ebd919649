package io.github.whatsappai.internal.http;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.function.LongFunction;

/**
 * Collects a response body into a byte array of at most {@code cap} bytes, so a misbehaving server
 * or proxy cannot make the SDK buffer without bound. A body whose {@code Content-Length} announces
 * more than the cap is refused before any of it is read; otherwise the transfer is cancelled as soon
 * as the bytes received pass the cap. A refused body completes exceptionally with the failure that
 * the {@code tooLarge} function makes from the size seen (by default a {@link BodyTooLargeException}),
 * so each caller keeps its own error type.
 *
 * <p>One instance per response. The HTTP client calls the subscriber methods one at a time;
 * {@link #abort(Throwable)} and {@link #refusal()} may be called from any thread.
 */
public final class CappedBody implements HttpResponse.BodySubscriber<byte[]> {

    private static final int MAX_INITIAL_BUFFER = 1 << 20;

    private final long cap;
    private final long announced;
    private final LongFunction<? extends Throwable> tooLarge;
    private final CompletableFuture<byte[]> result = new CompletableFuture<>();
    private final ByteArrayOutputStream buffer;
    private volatile Flow.Subscription subscription;
    private volatile Throwable refusal;

    /**
     * A subscriber for one response.
     *
     * @param cap       the largest body accepted, in bytes (not negative)
     * @param announced the response's {@code Content-Length}, or -1 when unknown
     * @param tooLarge  makes the failure for a body of at least the given size, which is above {@code cap}
     */
    public CappedBody(long cap, long announced, LongFunction<? extends Throwable> tooLarge) {
        if (cap < 0) {
            throw new IllegalArgumentException("cap must not be negative, was " + cap);
        }
        this.cap = cap;
        this.announced = announced;
        this.tooLarge = Objects.requireNonNull(tooLarge, "tooLarge");
        this.buffer = new ByteArrayOutputStream(
                (int) Math.min(Math.max(announced, 256), Math.min(cap, MAX_INITIAL_BUFFER)));
    }

    /** A handler whose bodies are at most {@code cap} bytes; larger ones fail with a {@link BodyTooLargeException}. */
    public static Handler handler(long cap) {
        return handler(cap, size -> new BodyTooLargeException(cap, size));
    }

    /** A handler whose bodies are at most {@code cap} bytes; larger ones fail with {@code tooLarge.apply(size seen)}. */
    public static Handler handler(long cap, LongFunction<? extends Throwable> tooLarge) {
        return new Handler(cap, tooLarge);
    }

    /**
     * Sends {@code request} with {@code handler}. A body the handler refused always fails the result
     * with the handler's own failure, also over HTTP/2, where the JDK's client reports the cancelled
     * stream as an {@code IOException} of its own that could otherwise win the race.
     */
    public static CompletableFuture<HttpResponse<byte[]>> send(HttpClient client, HttpRequest request,
                                                                Handler handler) {
        return client.sendAsync(request, handler).handle((response, error) -> {
            if (error == null) {
                return CompletableFuture.completedFuture(response);
            }
            return CompletableFuture.<HttpResponse<byte[]>>failedFuture(handler.explain(error));
        }).thenCompose(f -> f);
    }

    /** A subscriber for the response described by {@code info}, reading its {@code Content-Length}. */
    public static CappedBody of(long cap, HttpResponse.ResponseInfo info, LongFunction<? extends Throwable> tooLarge) {
        return new CappedBody(cap, info.headers().firstValueAsLong("Content-Length").orElse(-1), tooLarge);
    }

    /**
     * A body handler for one request at a time (sequential retries may reuse it): creates a
     * {@link CappedBody} per response and remembers the latest, so {@link #explain(Throwable)} can
     * tell a refusal from a network failure.
     */
    public static final class Handler implements HttpResponse.BodyHandler<byte[]> {
        private final long cap;
        private final LongFunction<? extends Throwable> tooLarge;
        private volatile CappedBody latest;

        private Handler(long cap, LongFunction<? extends Throwable> tooLarge) {
            this.cap = cap;
            this.tooLarge = Objects.requireNonNull(tooLarge, "tooLarge");
        }

        @Override
        public HttpResponse.BodySubscriber<byte[]> apply(HttpResponse.ResponseInfo info) {
            CappedBody body = of(cap, info, tooLarge);
            latest = body;
            return body;
        }

        /** Stops the latest body's transfer, if one started, failing it with {@code reason}. */
        public void abort(Throwable reason) {
            CappedBody body = latest;
            if (body != null) {
                body.abort(reason);
            }
        }

        /** The refusal of the latest body when there was one, else {@code error} as it is. */
        public Throwable explain(Throwable error) {
            CappedBody body = latest;
            Throwable refused = body == null ? null : body.refusal;
            return refused != null ? refused : error;
        }
    }

    /**
     * The failure this subscriber refused the body with because it was too large, if it did. Over
     * HTTP/2 the JDK's client may fail the exchange with its own "stream cancelled" {@code IOException}
     * rather than this failure; a caller that must tell the two apart asks here.
     */
    public Optional<Throwable> refusal() {
        return Optional.ofNullable(refusal);
    }

    /** Stops the transfer (if it started) and fails the body with {@code reason}, unless it is complete already. */
    public void abort(Throwable reason) {
        Objects.requireNonNull(reason, "reason");
        result.completeExceptionally(reason);
        Flow.Subscription s = subscription;
        if (s != null) {
            s.cancel();
        }
    }

    @Override
    public CompletionStage<byte[]> getBody() {
        return result;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        if (result.isDone()) {
            s.cancel();
        } else if (announced > cap) {
            refuse(announced);
        } else {
            s.request(Long.MAX_VALUE);
        }
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
        if (result.isDone()) {
            return;
        }
        for (ByteBuffer item : items) {
            int n = item.remaining();
            if (buffer.size() + (long) n > cap) {
                refuse(buffer.size() + (long) n);
                return;
            }
            byte[] chunk = new byte[n];
            item.get(chunk);
            buffer.write(chunk, 0, n);
        }
    }

    @Override
    public void onError(Throwable error) {
        result.completeExceptionally(error);
    }

    @Override
    public void onComplete() {
        result.complete(buffer.toByteArray());
    }

    private void refuse(long size) {
        Throwable failure = tooLarge.apply(size);
        refusal = failure;
        result.completeExceptionally(failure);
        subscription.cancel();
    }
}
