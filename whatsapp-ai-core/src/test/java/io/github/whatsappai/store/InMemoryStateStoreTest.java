package io.github.whatsappai.store;

import io.github.whatsappai.event.Event;
import io.github.whatsappai.spi.ChatLogEntry;
import io.github.whatsappai.testing.ManualClock;
import io.github.whatsappai.webhook.model.InboundMessage;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class InMemoryStateStoreTest extends StateStoreContract {

    private final List<Event> events = new ArrayList<>();

    @Override
    protected StateStore createStore(BufferPolicy policy, ManualClock clock) {
        return InMemoryStateStore.builder().policy(policy).eventListener(events::add).build();
    }

    @Test
    void isNotDurable() {
        assertThat(store.isDurable()).isFalse();
        assertThat(store.policy()).isEqualTo(POLICY);
    }

    @Test
    void theLedgerForgetsTheOldestIdsBeyondItsCapacity() {
        InMemoryStateStore small = InMemoryStateStore.builder().ledgerCapacity(3).build();
        for (int i = 0; i < 4; i++) {
            assertThat(small.markSeen("id-" + i, t0 + i)).isTrue();
        }
        assertThat(small.stats(t0).ledgerSize()).isEqualTo(3);
        assertThat(small.markSeen("id-0", t0 + 10)).as("the oldest went first").isTrue();
        assertThat(small.markSeen("id-3", t0 + 10)).as("the newest stays").isFalse();
    }

    @Test
    void aReplyThatDoesNotFitTheOutboxIsRefusedAndReported() {
        InMemoryStateStore small = InMemoryStateStore.builder().policy(POLICY).outboxCapacity(2)
                .eventListener(events::add).build();
        InboundMessage a = text("15550020001", "a", t0);
        InboundMessage b = text("15550020002", "b", t0);
        small.append(List.of(arrival(a, t0), arrival(b, t0)));
        List<Claim> claims = small.claimDue(t0 + 15_000, 10, "a", t0 + 60_000);
        small.saveReply(claims.get(0), BurstProgress.start(), List.of("one", "two"), t0 + 86_400_000);
        assertThatThrownBy(() -> small.saveReply(claims.get(1), BurstProgress.start(), List.of("three"), t0))
                .isInstanceOf(StoreUnavailableException.class).hasMessageContaining("outbox is full");
        assertThat(events).singleElement().isInstanceOf(Event.StoreOverflow.class);
        small.complete(claims.get(0), t0 + 16_000);
        assertThat(small.saveReply(claims.get(1), BurstProgress.start(), List.of("three"), t0)).hasSize(1);
    }

    @Test
    void deferredLogsBeyondTheCapacityDropTheOldestAndAreReported() {
        InMemoryStateStore small = InMemoryStateStore.builder().deferredLogCapacity(2).eventListener(events::add)
                .build();
        List<ChatLogEntry> entries = List.of(logEntry("k1", "1555"), logEntry("k2", "1555"), logEntry("k3", "1555"));
        small.deferLogs(entries, t0);
        assertThat(small.deferredLogs(10)).extracting(ChatLogEntry::idempotencyKey).containsExactly("k2", "k3");
        assertThat(events).singleElement().isInstanceOfSatisfying(Event.ChatLogDropped.class,
                e -> assertThat(e.entries()).isEqualTo(1));
    }

    @Test
    void aTakeoverOfABurstNothingWasDoneForTakesMessagesThatArrivedMeanwhile() {
        InboundMessage m1 = text("15550020003", "a", t0);
        append(m1, t0);
        Claim old = claimOne(t0 + 15_000, "a");
        InboundMessage m2 = text("15550020003", "b", t0 + 16_000);
        append(m2, t0 + 16_000);
        Claim taken = claimOne(old.leaseUntil(), "b");
        assertThat(ids(taken)).containsExactly(m1.id(), m2.id());
        assertThat(store.complete(taken, old.leaseUntil())).isEqualTo(StateStore.NONE);
    }

    @Test
    void settingsAreCheckedAllAtOnce() {
        assertThatThrownBy(() -> InMemoryStateStore.builder().ledgerCapacity(0).ledgerRetention(Duration.ZERO)
                .outboxCapacity(-1).deferredLogCapacity(0).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ledgerCapacity must be positive")
                .hasMessageContaining("ledgerRetention must be a positive duration")
                .hasMessageContaining("outboxCapacity must be positive")
                .hasMessageContaining("deferredLogCapacity must be positive");
    }
}
