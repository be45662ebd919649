package io.github.whatsappai.examples.metrics;

import io.github.whatsappai.event.Event;
import io.github.whatsappai.event.EventListener;
import io.github.whatsappai.webhook.model.ConversationKey;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Counts and times the SDK's {@link Event}s in a Micrometer {@link MeterRegistry}. Names follow
 * Micrometer's conventions (lower-case, dot-separated; each registry renders them in its own style,
 * e.g. {@code whatsapp_ai_deliveries_total} in Prometheus):
 *
 * <ul>
 *   <li>{@code whatsapp.ai.deliveries} (counter), tag {@code outcome}: {@code accepted} (a message
 *       went to the buffer), {@code rejected} (bad signature, bad payload, refused sender, request
 *       refused by the adapter), {@code duplicate} (a redelivery), {@code stale}, {@code rate-limited};</li>
 *   <li>{@code whatsapp.ai.ai.failures} (counter), tag {@code fallback} {@code true|false};</li>
 *   <li>{@code whatsapp.ai.send.failures} (counter);</li>
 *   <li>{@code whatsapp.ai.replies} (counter);</li>
 *   <li>{@code whatsapp.ai.ai.latency} (timer): one AI call, retries included;</li>
 *   <li>{@code whatsapp.ai.reply.latency} (timer): from a burst's first message reaching the
 *       webhook to its reply accepted by the Graph API (the quiet window included).</li>
 * </ul>
 *
 * <p>Tags have a handful of fixed values: nothing personal and nothing unbounded (no phone numbers,
 * no message ids). Fast and thread-safe, as an {@link EventListener} must be. Combine it with the
 * logging listener: {@code new LoggingEventListener().andThen(new MicrometerEventListener(registry))}.
 */
public final class MicrometerEventListener implements EventListener {

    /** Bursts whose start time is remembered at once, waiting for their reply; more are not timed. */
    static final int MAX_TRACKED_BURSTS = 100_000;

    private final MeterRegistry registry;
    private final Counter accepted;
    private final Counter rejected;
    private final Counter duplicate;
    private final Counter stale;
    private final Counter rateLimited;
    private final Counter aiFailedFallback;
    private final Counter aiFailedApology;
    private final Counter sendFailed;
    private final Counter replies;
    private final Timer aiLatency;
    private final Timer replyLatency;
    /** A burst handed to a worker: when its first message arrived, in the registry's monotonic time. */
    private final Map<ConversationKey, Long> burstStarts = new ConcurrentHashMap<>();

    /** Registers the meters in {@code registry}. */
    public MicrometerEventListener(MeterRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
        accepted = deliveries("accepted");
        rejected = deliveries("rejected");
        duplicate = deliveries("duplicate");
        stale = deliveries("stale");
        rateLimited = deliveries("rate-limited");
        aiFailedFallback = aiFailures(true);
        aiFailedApology = aiFailures(false);
        sendFailed = Counter.builder("whatsapp.ai.send.failures")
                .description("replies that could not be sent after the client's retries")
                .register(registry);
        replies = Counter.builder("whatsapp.ai.replies")
                .description("replies accepted by the Graph API")
                .register(registry);
        aiLatency = Timer.builder("whatsapp.ai.ai.latency")
                .description("time of one AI call, retries included")
                .register(registry);
        replyLatency = Timer.builder("whatsapp.ai.reply.latency")
                .description("from a burst's first message at the webhook to its reply accepted by the Graph API")
                .register(registry);
    }

    private Counter deliveries(String outcome) {
        return Counter.builder("whatsapp.ai.deliveries")
                .description("messages and requests received by the webhook, by outcome")
                .tag("outcome", outcome)
                .register(registry);
    }

    private Counter aiFailures(boolean fallback) {
        return Counter.builder("whatsapp.ai.ai.failures")
                .description("AI calls that failed after their retries; fallback=true when a fallback answered")
                .tag("fallback", Boolean.toString(fallback))
                .register(registry);
    }

    @Override
    public void onEvent(Event event) {
        if (event instanceof Event.MessageAccepted) {
            accepted.increment();
        } else if (event instanceof Event.SignatureRejected || event instanceof Event.PayloadRejected
                || event instanceof Event.MessageRejected || event instanceof Event.RequestRejected) {
            rejected.increment();
        } else if (event instanceof Event.DuplicateIgnored) {
            duplicate.increment();
        } else if (event instanceof Event.StaleMessageIgnored) {
            stale.increment();
        } else if (event instanceof Event.RateLimited) {
            rateLimited.increment();
        } else if (event instanceof Event.AiCompleted completed) {
            aiLatency.record(completed.latency());
        } else if (event instanceof Event.AiFailed failed) {
            (failed.fallbackUsed() ? aiFailedFallback : aiFailedApology).increment();
        } else if (event instanceof Event.BatchFlushed flushed) {
            long start = registry.config().clock().monotonicTime() - flushed.waited().toNanos();
            if (burstStarts.size() < MAX_TRACKED_BURSTS || burstStarts.containsKey(flushed.key())) {
                burstStarts.merge(flushed.key(), start, Math::min);
            }
        } else if (event instanceof Event.ReplySent sent) {
            replies.increment();
            Long start = burstStarts.remove(sent.key());
            if (start != null) {
                replyLatency.record(registry.config().clock().monotonicTime() - start, TimeUnit.NANOSECONDS);
            }
        } else if (event instanceof Event.SendFailed failed) {
            sendFailed.increment();
            burstStarts.remove(failed.key());
        }
    }

    /** Bursts handed to a worker whose reply has not been sent or given up yet (for tests and gauges). */
    public int burstsInFlight() {
        return burstStarts.size();
    }

    /** The reply-latency timer, e.g. to read its percentiles in a test. */
    Timer replyLatency() {
        return replyLatency;
    }

}
