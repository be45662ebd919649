package io.github.whatsappai.buffer;

import io.github.whatsappai.store.Batch;
import io.github.whatsappai.store.BufferPolicy;

import io.github.whatsappai.testing.Inbound;
import io.github.whatsappai.webhook.model.ConversationKey;
import io.github.whatsappai.webhook.model.InboundMessage;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class InMemoryPendingStoreTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final long NOW = T0.toEpochMilli();
    private final InMemoryPendingStore store = new InMemoryPendingStore(
            new BufferPolicy(Duration.ofSeconds(15), Duration.ofSeconds(60), 3));

    private static InboundMessage text(String waId, String body) {
        return Inbound.text(waId, body, T0);
    }

    @Test
    void appendReportsTheDeadlineOnlyWhenAnEarlierClaimIsNeeded() {
        assertThat(store.append(key("1"), text("1", "a"), NOW)).isEqualTo(NOW + 15_000);
        assertThat(store.append(key("1"), text("1", "b"), NOW + 1000)).as("later than what is queued")
                .isEqualTo(PendingStore.NONE);
        assertThat(store.append(key("1"), text("1", "c"), NOW + 2000)).as("full: due at once")
                .isEqualTo(NOW + 2000);
        assertThat(store.nextDeadline()).isEqualTo(NOW + 2000);
        List<Batch> due = store.claimDue(NOW + 2000, 10);
        assertThat(due).singleElement().satisfies(b -> assertThat(b.size()).isEqualTo(3));
    }

    @Test
    void aConversationInFlightIsNotClaimedAgainUntilCompleted() {
        store.append(key("1"), text("1", "a"), NOW);
        Batch first = store.claimDue(NOW + 15_000, 10).get(0);
        assertThat(store.append(key("1"), text("1", "b"), NOW + 16_000)).isEqualTo(PendingStore.NONE);
        assertThat(store.claimDue(NOW + 60_000, 10)).isEmpty();
        assertThat(store.claimAll(NOW + 60_000, 10)).isEmpty();
        assertThat(store.complete(first)).isEqualTo(NOW + 31_000);
        assertThat(store.claimDue(NOW + 31_000, 10)).singleElement()
                .satisfies(b -> assertThat(b.messages()).extracting(InboundMessage::id).hasSize(1));
    }

    @Test
    void completingWhatIsNotInFlightIsAnError() {
        store.append(key("1"), text("1", "a"), NOW);
        Batch batch = store.claimAll(NOW, 10).get(0);
        store.complete(batch);
        assertThat(store.isEmpty()).isTrue();
        assertThatThrownBy(() -> store.complete(batch)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> store.abandon(batch, NOW)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void anAbandonedBatchWaitsUntilItsRetryTime() {
        store.append(key("1"), text("1", "a"), NOW);
        Batch batch = store.claimDue(NOW + 15_000, 10).get(0);
        assertThat(store.abandon(batch, NOW + 16_000)).isEqualTo(NOW + 16_000);
        assertThat(store.claimDue(NOW + 15_999, 10)).isEmpty();
        assertThat(store.claimDue(NOW + 16_000, 10)).hasSize(1);
    }

    @Test
    void claimingStopsAtTheRequestedNumberOfBatches() {
        for (int i = 0; i < 5; i++) {
            store.append(key("u" + i), text("u" + i, "m"), NOW);
        }
        assertThat(store.claimDue(NOW + 15_000, 2)).hasSize(2);
        assertThat(store.claimDue(NOW + 15_000, 10)).hasSize(3);
        assertThat(store.size()).isEqualTo(5);
    }

    @Test
    void concurrentAppendsWhileClaimingLoseNoMessage() throws Exception {
        int threads = 8;
        int perThread = 2_000;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        AtomicBoolean adding = new AtomicBoolean(true);
        List<Future<?>> adders = new ArrayList<>();
        CountDownLatch start = new CountDownLatch(1);
        for (int t = 0; t < threads; t++) {
            int thread = t;
            adders.add(pool.submit(() -> {
                start.await();
                for (int i = 0; i < perThread; i++) {
                    String user = "u" + (i % 7);
                    store.append(key(user), text(user, thread + ":" + i), NOW);
                }
                return null;
            }));
        }
        Set<String> seen = new HashSet<>();
        start.countDown();
        Future<?> stopper = pool.submit(() -> {
            for (Future<?> f : adders) {
                f.get(60, TimeUnit.SECONDS);
            }
            adding.set(false);
            return null;
        });
        while (adding.get() || !store.isEmpty()) {
            for (Batch b : store.claimAll(NOW, 100)) {
                assertThat(b.size()).isLessThanOrEqualTo(3);
                b.messages().forEach(m -> assertThat(seen.add(m.id())).isTrue());
                store.complete(b);
            }
        }
        stopper.get(60, TimeUnit.SECONDS);
        pool.shutdownNow();
        assertThat(seen).hasSize(threads * perThread);
    }

    private static ConversationKey key(String user) {
        return new ConversationKey(Inbound.PHONE_NUMBER_ID, user);
    }
}
