package io.github.whatsappai.client;

import io.github.whatsappai.internal.http.JsonExchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Makes one attempt of a {@link GraphCall}: waits out the recipient's pair hold, passes the sending
 * number's {@link Pacer}, sends the request with the Bearer token through the {@link JsonExchange},
 * and turns the answer into the call's result or a {@link WhatsAppApiException} (a transport failure
 * becomes a network error whose cause says what happened). A success clears the pair hold. Waits
 * are tasks on the scheduler. Thread-safe.
 */
final class GraphDispatcher {

    private static final Logger LOG = LoggerFactory.getLogger(GraphDispatcher.class);

    private final JsonExchange exchange;
    private final String authorization;
    private final Duration requestTimeout;
    private final int messagesPerSecond;
    private final int pacingBurst;
    private final ScheduledExecutorService scheduler;
    private final LongSupplier ticker;
    private final PairHolds holds;
    private final GraphErrors errors;
    private final Map<String, Pacer> pacers = new ConcurrentHashMap<>();

    GraphDispatcher(JsonExchange exchange, String accessToken, Duration requestTimeout, int messagesPerSecond,
                    int pacingBurst, ScheduledExecutorService scheduler, LongSupplier ticker, PairHolds holds,
                    GraphErrors errors) {
        this.exchange = exchange;
        this.authorization = "Bearer " + accessToken;
        this.requestTimeout = requestTimeout;
        this.messagesPerSecond = messagesPerSecond;
        this.pacingBurst = pacingBurst;
        this.scheduler = scheduler;
        this.ticker = ticker;
        this.holds = holds;
        this.errors = errors;
    }

    /** One attempt of {@code call}. */
    <T> CompletableFuture<T> attempt(GraphCall<T> call) {
        CompletableFuture<T> result = new CompletableFuture<>();
        whenFree(call, result);
        return result;
    }

    private <T> void whenFree(GraphCall<T> call, CompletableFuture<T> result) {
        if (result.isDone()) {
            return;
        }
        long wait = holds.remainingNanos(call.pairKey());
        if (wait > 0) {
            schedule(() -> whenFree(call, result), wait, result);
            return;
        }
        if (call.phoneNumberId() != null) {
            pacers.computeIfAbsent(call.phoneNumberId(), k -> new Pacer(messagesPerSecond, pacingBurst, scheduler, ticker))
                    .submit(() -> dispatch(call, result));
        } else {
            dispatch(call, result);
        }
    }

    private <T> void dispatch(GraphCall<T> call, CompletableFuture<T> result) {
        if (result.isDone()) {
            return;
        }
        if (holds.remainingNanos(call.pairKey()) > 0) {
            whenFree(call, result);  // a hold began while this request waited for its turn
            return;
        }
        if (call.onDispatch() != null) {
            call.onDispatch().run();
        }
        HttpRequest.Builder request = call.body() != null
                ? JsonExchange.post(call.uri(), requestTimeout, call.body())
                : JsonExchange.request(call.uri(), requestTimeout).GET();
        exchange.send(request.header("Authorization", authorization).build(), call.maxBytes(), call.tooLarge())
                .whenComplete((response, error) -> {
                    if (error != null) {
                        result.completeExceptionally(transportFailure(error));
                        return;
                    }
                    try {
                        if (!response.ok()) {
                            throw errors.errorFrom(response);
                        }
                        T value = call.parser().parse(response);
                        holds.clear(call.pairKey());
                        result.complete(value);
                    } catch (RuntimeException e) {
                        result.completeExceptionally(e);
                    }
                });
    }

    /** A too-large body keeps its own failure; an I/O failure becomes a network error. */
    private static Throwable transportFailure(Throwable error) {
        Throwable cause = io.github.whatsappai.internal.retry.RetryPolicy.unwrap(error);
        if (cause instanceof IOException) {
            return WhatsAppApiException.network(cause);
        }
        return cause;
    }

    private void schedule(Runnable task, long delayNanos, CompletableFuture<?> result) {
        try {
            scheduler.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            LOG.debug("scheduler refused a task (client closed?)", e);
            result.completeExceptionally(new IllegalStateException("the WhatsApp client is closed"));
        }
    }
}
