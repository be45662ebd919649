package io.github.whatsappai.buffer;

import io.github.whatsappai.store.Batch;
import io.github.whatsappai.store.InMemoryStateStore;
import io.github.whatsappai.store.SwitchableStateStore;
import io.github.whatsappai.testing.Inbound;
import io.github.whatsappai.testing.ManualClock;
import io.github.whatsappai.testing.VirtualScheduler;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * An {@code add} racing {@code close()}: the message is either answered or the add fails (the
 * ingress then answers 503 so that Meta redelivers). The store's append runs {@code close()} in the
 * middle of the add, forcing the interleaving: the add passed its "closed?" check, close() then
 * handed over everything pending and returned, and only then does the message reach the store.
 */
class CloseRaceTest {

    private final ManualClock clock = ManualClock.atDefaultStart();
    private final VirtualScheduler scheduler = new VirtualScheduler(clock);
    private final List<Batch> answered = new ArrayList<>();
    private final AtomicBoolean workersDown = new AtomicBoolean();
    private final Executor workers = command -> {
        if (workersDown.get()) {
            throw new RejectedExecutionException("the worker pool is shut down");
        }
        command.run();
    };
    private final SwitchableStateStore store = new SwitchableStateStore(InMemoryStateStore.builder().build());
    private final MessageBuffer buffer = MessageBuffer.builder().store(store).executor(workers).scheduler(scheduler)
            .clock(clock).processor(batch -> {
                answered.add(batch);
                return null;
            }).build();

    @Test
    void aMessageAddedWhileCloseRunsIsAnsweredWhenAWorkerTakesIt() {
        store.beforeAppend = () -> buffer.close(Duration.ZERO);
        buffer.add(Inbound.text("15550001", "racing close", clock.instant()));
        assertThat(answered).singleElement().satisfies(b -> assertThat(b.size()).isEqualTo(1));
    }

    @Test
    void aMessageAddedWhileCloseRunsFailsTheAddWhenNoWorkerTakesIt() {
        store.beforeAppend = () -> {
            buffer.close(Duration.ZERO);
            workersDown.set(true); // the engine shuts its pool down after the buffer closed
        };
        assertThatThrownBy(() -> buffer.add(Inbound.text("15550001", "racing close", clock.instant())))
                .as("the POST must be answered 503 so that Meta redelivers")
                .isInstanceOf(IllegalStateException.class);
        assertThat(answered).isEmpty();
    }

    @Test
    void anAddAfterCloseIsRefused() {
        buffer.close(Duration.ZERO);
        assertThatThrownBy(() -> buffer.add(Inbound.text("15550001", "late", clock.instant())))
                .isInstanceOf(IllegalStateException.class);
    }
}
