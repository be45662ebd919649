package io.github.whatsappai.servlet;

import io.github.whatsappai.WhatsAppAi;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One request body read with Servlet async I/O for
 * {@link WebhookServletAdapter#serve(WhatsAppAi, HttpServletRequest, HttpServletResponse)}: bytes are
 * collected as the container reports them, no thread waits for the next one. Exactly one of four
 * outcomes answers the request and completes the async cycle, whichever comes first: the whole body
 * arrived (handed to the core), the body passed the cap (413), the async timeout, which is the read
 * deadline, expired (408), or the read failed (client gone, container idle timeout).
 *
 * <p>Callbacks for one request can run on different container threads, and the async timeout can
 * fire while data is being read: {@link #answered} lets only the first outcome write. The body buffer
 * is touched only by the read callbacks, which the container never runs concurrently for one request.
 */
final class AsyncBodyRead implements ReadListener, AsyncListener {

    private static final Logger LOG = LoggerFactory.getLogger(AsyncBodyRead.class);

    /** How long an outcome that lost the race waits for the winner to complete the cycle. */
    private static final long LOSER_WAIT_SECONDS = 5;

    private final WebhookServletAdapter adapter;
    private final WhatsAppAi ai;
    private final AsyncContext async;
    private final HttpServletRequest request;
    private final HttpServletResponse response;
    private final long declared;
    private final int cap;
    /** Reading stops at {@code cap + 1} bytes: one byte past the cap proves the body too large. */
    private final int limit;
    private final AtomicBoolean answered = new AtomicBoolean();
    private final CountDownLatch completed = new CountDownLatch(1);

    private byte[] buf;
    /** Bytes read so far; volatile because the timeout and error callbacks report it from other threads. */
    private volatile int size;

    AsyncBodyRead(WebhookServletAdapter adapter, WhatsAppAi ai, AsyncContext async, HttpServletRequest request,
                  HttpServletResponse response, long declared) {
        this.adapter = adapter;
        this.ai = ai;
        this.async = async;
        this.request = request;
        this.response = response;
        this.declared = declared;
        this.cap = adapter.maxBodyBytes();
        this.limit = (int) Math.min((long) cap + 1, Integer.MAX_VALUE - 8);
        int initial = declared >= 0
                ? (int) Math.min(declared, WebhookServletAdapter.MAX_PRESIZE)
                : Math.min(cap, WebhookServletAdapter.UNKNOWN_LENGTH_INITIAL);
        this.buf = new byte[initial];
    }

    @Override
    public void onDataAvailable() {
        try {
            ServletInputStream in = request.getInputStream();
            while (!answered.get() && in.isReady()) {
                if (size == buf.length) {
                    if (in.isFinished()) {
                        return;
                    }
                    buf = Arrays.copyOf(buf, (int) Math.min(limit, Math.max(2L * buf.length, 1024L)));
                }
                int read = in.read(buf, size, buf.length - size);
                if (read < 0) {
                    return;
                }
                size += read;
                if (size > cap) {
                    if (answered.compareAndSet(false, true)) {
                        try {
                            WebhookServletAdapter.refuseTooLarge(ai, new BodyTooLargeException(cap, declared),
                                    response);
                        } finally {
                            complete();
                        }
                    }
                    return;
                }
            }
        } catch (IOException | RuntimeException e) {
            // the container may also report the failure through onError; the first report answers
            failed(e);
        }
    }

    @Override
    public void onAllDataRead() {
        if (!answered.compareAndSet(false, true)) {
            return;
        }
        try {
            byte[] body = size == buf.length ? buf : Arrays.copyOf(buf, size);
            WebhookServletAdapter.writeResponse(adapter.handle(ai, request, body), response);
        } catch (IOException | RuntimeException e) {
            LOG.debug("Could not write the answer to a webhook request: {}", e.toString());
        } finally {
            complete();
        }
    }

    @Override
    public void onError(Throwable failure) {
        failed(failure);
    }

    @Override
    public void onTimeout(AsyncEvent event) {
        if (answered.compareAndSet(false, true)) {
            try {
                adapter.deadlineMissed(ai, size, declared, response);
            } finally {
                complete();
            }
        } else {
            awaitCompletion();
        }
    }

    @Override
    public void onError(AsyncEvent event) {
        failed(event.getThrowable());
    }

    @Override
    public void onComplete(AsyncEvent event) {
        completed.countDown();
    }

    @Override
    public void onStartAsync(AsyncEvent event) {
        // not restarted
    }

    private void failed(Throwable failure) {
        if (answered.compareAndSet(false, true)) {
            try {
                adapter.bodyFailed(ai, failure, size, declared, response);
            } finally {
                complete();
            }
        } else {
            awaitCompletion();
        }
    }

    private void complete() {
        try {
            async.complete();
        } catch (IllegalStateException alreadyOver) {
            // the container ended the cycle itself (client gone)
        } finally {
            completed.countDown();
        }
    }

    /**
     * Another outcome is answering on another thread: wait (bounded) until it completed the cycle, so that
     * the container, on returning from this callback, finds the request finished rather than ending it
     * with an error page of its own.
     */
    private void awaitCompletion() {
        try {
            completed.await(LOSER_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
