package io.github.whatsappai.examples.metrics;

import io.github.whatsappai.event.Event;
import io.github.whatsappai.webhook.model.ConversationKey;
import io.micrometer.core.instrument.MockClock;
import io.micrometer.core.instrument.simple.SimpleConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Every counted event lands on its meter; the reply latency spans the quiet window and the reply. */
class MicrometerEventListenerTest {

    private static final ConversationKey KEY = new ConversationKey("100000000000001", "15555550123");

    private final MockClock clock = new MockClock();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry(SimpleConfig.DEFAULT, clock);
    private final MicrometerEventListener listener = new MicrometerEventListener(registry);

    private double deliveries(String outcome) {
        return registry.get("whatsapp.ai.deliveries").tag("outcome", outcome).counter().count();
    }

    @Test
    void deliveriesAreCountedByOutcome() {
        listener.onEvent(new Event.MessageAccepted(KEY, "wamid.1", "text"));
        listener.onEvent(new Event.MessageAccepted(KEY, "wamid.2", "text"));
        listener.onEvent(new Event.SignatureRejected("no signature", 10));
        listener.onEvent(new Event.PayloadRejected("not JSON", 3));
        listener.onEvent(new Event.RequestRejected(413, "body above the cap"));
        listener.onEvent(new Event.DuplicateIgnored("wamid.1", "message"));
        listener.onEvent(new Event.StaleMessageIgnored("wamid.3", KEY, Duration.ofHours(2)));
        listener.onEvent(new Event.RateLimited(KEY, "wamid.4", false));

        assertThat(deliveries("accepted")).isEqualTo(2);
        assertThat(deliveries("rejected")).isEqualTo(3);
        assertThat(deliveries("duplicate")).isEqualTo(1);
        assertThat(deliveries("stale")).isEqualTo(1);
        assertThat(deliveries("rate-limited")).isEqualTo(1);
    }

    @Test
    void aiAndSendFailuresAreCounted() {
        listener.onEvent(new Event.AiFailed(KEY, new IllegalStateException("down"), true));
        listener.onEvent(new Event.AiFailed(KEY, new IllegalStateException("down"), false));
        listener.onEvent(new Event.AiFailed(KEY, new IllegalStateException("down"), false));
        listener.onEvent(new Event.SendFailed(KEY, "reply", new IllegalStateException("503")));

        assertThat(registry.get("whatsapp.ai.ai.failures").tag("fallback", "true").counter().count()).isEqualTo(1);
        assertThat(registry.get("whatsapp.ai.ai.failures").tag("fallback", "false").counter().count()).isEqualTo(2);
        assertThat(registry.get("whatsapp.ai.send.failures").counter().count()).isEqualTo(1);
    }

    @Test
    void latenciesAreTimed() {
        listener.onEvent(new Event.AiCompleted(KEY, "model/x", Duration.ofMillis(850), 10, 20));
        clock.add(Duration.ofSeconds(100));
        // the burst's first message arrived 15.2 s before the hand-off; the reply went out 1.3 s later
        listener.onEvent(new Event.BatchFlushed(KEY, 3, Duration.ofMillis(15_200), Duration.ofMillis(3)));
        clock.add(Duration.ofMillis(1_300));
        listener.onEvent(new Event.ReplySent(KEY, List.of("wamid.R"), 42));

        assertThat(registry.get("whatsapp.ai.ai.latency").timer().totalTime(TimeUnit.MILLISECONDS)).isEqualTo(850);
        assertThat(registry.get("whatsapp.ai.reply.latency").timer().count()).isEqualTo(1);
        assertThat(registry.get("whatsapp.ai.reply.latency").timer().totalTime(TimeUnit.MILLISECONDS))
                .isEqualTo(16_500);
        assertThat(registry.get("whatsapp.ai.replies").counter().count()).isEqualTo(1);
        assertThat(listener.burstsInFlight()).isZero();
    }

    @Test
    void aFailedSendForgetsTheBurstWithoutTimingIt() {
        listener.onEvent(new Event.BatchFlushed(KEY, 1, Duration.ofSeconds(15), Duration.ZERO));
        listener.onEvent(new Event.SendFailed(KEY, "reply", new IllegalStateException("503")));

        assertThat(listener.burstsInFlight()).isZero();
        assertThat(registry.get("whatsapp.ai.reply.latency").timer().count()).isZero();
    }

    @Test
    void trackingIsBounded() {
        for (int i = 0; i < MicrometerEventListener.MAX_TRACKED_BURSTS + 10; i++) {
            listener.onEvent(new Event.BatchFlushed(new ConversationKey("100000000000001", Integer.toString(1_000_000 + i)),
                    1, Duration.ZERO, Duration.ZERO));
        }
        assertThat(listener.burstsInFlight()).isEqualTo(MicrometerEventListener.MAX_TRACKED_BURSTS);
    }
}
