package io.github.whatsappai.client;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.function.LongFunction;

/**
 * A response body collected into memory up to a cap: refused at once when {@code Content-Length}
 * announces more, and cancelled as soon as the received bytes pass the cap.
 */
final class LimitedBody implements HttpResponse.BodySubscriber<byte[]> {

    private final long cap;
    private final long announced;
    private final LongFunction<RuntimeException> tooLarge;
    private final CompletableFuture<byte[]> result = new CompletableFuture<>();
    private final ByteArrayOutputStream buffer;
    private Flow.Subscription subscription;

    private LimitedBody(long cap, long announced, LongFunction<RuntimeException> tooLarge) {
        this.cap = cap;
        this.announced = announced;
        this.tooLarge = tooLarge;
        this.buffer = new ByteArrayOutputStream((int) Math.min(Math.max(announced, 256), Math.min(cap, 1 << 20)));
    }

    /** A handler whose bodies are at most {@code cap} bytes; {@code tooLarge} makes the failure from the size seen. */
    static HttpResponse.BodyHandler<byte[]> handler(long cap, LongFunction<RuntimeException> tooLarge) {
        return info -> new LimitedBody(cap, info.headers().firstValueAsLong("Content-Length").orElse(-1), tooLarge);
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        this.subscription = s;
        if (announced > cap) {
            result.completeExceptionally(tooLarge.apply(announced));
            s.cancel();
            return;
        }
        s.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
        if (result.isDone()) {
            return;
        }
        for (ByteBuffer b : items) {
            int n = b.remaining();
            if (buffer.size() + (long) n > cap) {
                result.completeExceptionally(tooLarge.apply(buffer.size() + (long) n));
                subscription.cancel();
                return;
            }
            byte[] chunk = new byte[n];
            b.get(chunk);
            buffer.write(chunk, 0, n);
        }
    }

    @Override
    public void onError(Throwable t) {
        result.completeExceptionally(t);
    }

    @Override
    public void onComplete() {
        result.complete(buffer.toByteArray());
    }

    @Override
    public CompletionStage<byte[]> getBody() {
        return result;
    }
}
