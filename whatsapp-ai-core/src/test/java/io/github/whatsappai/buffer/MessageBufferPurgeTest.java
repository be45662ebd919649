package io.github.whatsappai.buffer;

import io.github.whatsappai.store.InMemoryStateStore;
import io.github.whatsappai.store.StateStore;
import io.github.whatsappai.store.SwitchableStateStore;
import io.github.whatsappai.testing.DirectExecutor;
import io.github.whatsappai.testing.ManualClock;
import io.github.whatsappai.testing.VirtualScheduler;
import org.junit.jupiter.api.Test;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** A durable store's retention runs on the buffer's scheduler, every purge interval, until close. */
class MessageBufferPurgeTest {

    private final ManualClock clock = ManualClock.atDefaultStart();
    private final VirtualScheduler scheduler = new VirtualScheduler(clock);
    private final AtomicInteger purges = new AtomicInteger();

    /** {@code store}, counting the calls of {@link StateStore#purge}. */
    private StateStore counting(StateStore store) {
        return (StateStore) Proxy.newProxyInstance(StateStore.class.getClassLoader(), new Class<?>[] {StateStore.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("purge")) {
                        purges.incrementAndGet();
                    }
                    try {
                        return method.invoke(store, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    private MessageBuffer buffer(StateStore store) {
        return MessageBuffer.builder()
                .store(store)
                .executor(DirectExecutor.INSTANCE)
                .scheduler(scheduler)
                .clock(clock)
                .purgeInterval(Duration.ofMinutes(10))
                .processor(batch -> CompletableFuture.completedFuture(null))
                .build();
    }

    @Test
    void aDurableStoreIsPurgedEveryIntervalUntilClose() {
        SwitchableStateStore shared = new SwitchableStateStore(InMemoryStateStore.builder().build());
        shared.durable.set(true);
        MessageBuffer buffer = buffer(counting(shared));

        scheduler.advance(Duration.ofMinutes(25));
        assertThat(purges).hasValue(2);
        shared.down.set(true);
        scheduler.advance(Duration.ofMinutes(10));
        assertThat(purges).as("a failed purge waits for the next round").hasValue(3);
        shared.down.set(false);
        buffer.close(Duration.ZERO);
        scheduler.advance(Duration.ofMinutes(30));
        assertThat(purges).as("no purge after close").hasValue(3);
    }

    @Test
    void anInMemoryStoreNeedsNoPurgeTask() {
        buffer(counting(InMemoryStateStore.builder().build()));
        scheduler.advance(Duration.ofHours(1));
        assertThat(purges).hasValue(0);
    }
}
