package io.github.whatsappai.client;

import io.github.whatsappai.testing.VirtualScheduler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class PacerTest {

    private final VirtualScheduler scheduler = new VirtualScheduler();

    @AfterEach
    void noTaskFailed() {
        assertThat(scheduler.failures()).isEmpty();
    }

    @Test
    void spreadsWorkBeyondTheBucketAndNeverExceedsTheRateInAnyOneSecondWindow() {
        Pacer pacer = new Pacer(10, scheduler, scheduler.clock()::nanoTime);
        List<Long> runs = new ArrayList<>();
        for (int i = 0; i < 45; i++) {
            pacer.submit(() -> runs.add(scheduler.clock().nanoTime()));
        }
        assertThat(runs).hasSizeLessThanOrEqualTo(2);
        assertThat(pacer.waiting()).isEqualTo(45 - runs.size());
        scheduler.advance(Duration.ofSeconds(10));
        assertThat(runs).hasSize(45);
        for (int i = 0; i + 10 < runs.size(); i++) {
            assertThat(runs.get(i + 10) - runs.get(i)).as("11 runs within 1.02 s at %d", i)
                    .isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(1020));
        }
        Duration total = Duration.ofNanos(runs.get(44) - runs.get(0));
        assertThat(total).isBetween(Duration.ofMillis(4080), Duration.ofMillis(4600));
    }

    @Test
    void keepsFifoOrderAndRunsNothingBeforeItsTurn() {
        Pacer pacer = new Pacer(2, 1, scheduler, scheduler.clock()::nanoTime);
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            int n = i;
            pacer.submit(() -> order.add(n));
        }
        assertThat(order).containsExactly(0);
        scheduler.advance(Duration.ofMillis(254));
        assertThat(order).containsExactly(0);
        scheduler.advance(Duration.ofMillis(1));
        assertThat(order).containsExactly(0, 1);
        scheduler.advance(Duration.ofMillis(764));
        assertThat(order).as("a third run would put three in one second").containsExactly(0, 1);
        scheduler.advance(Duration.ofMillis(1));
        assertThat(order).containsExactly(0, 1, 2);
        scheduler.advance(Duration.ofSeconds(5));
        assertThat(order).containsExactly(0, 1, 2, 3, 4, 5);
    }

    @Test
    void anIdlePacerLetsTwoThroughBackToBackThenSpacesTheRest() {
        Pacer pacer = new Pacer(80, scheduler, scheduler.clock()::nanoTime);
        List<Long> runs = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            pacer.submit(() -> runs.add(scheduler.clock().nanoTime()));
        }
        assertThat(runs).as("a read receipt and its reply go at once").hasSize(2);
        scheduler.advance(Duration.ofMillis(5));
        assertThat(runs).hasSize(2);
        scheduler.advance(Duration.ofMillis(30));
        assertThat(runs).hasSize(4);
        assertThat(runs.get(3) - runs.get(2)).as("then one interval apart")
                .isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(12));
    }

    @Test
    void sendsAtOnceWhenUnderTheRate() {
        Pacer pacer = new Pacer(80, scheduler, scheduler.clock()::nanoTime);
        List<Integer> ran = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            pacer.submit(() -> ran.add(1));
            scheduler.advance(Duration.ofMillis(100));
        }
        assertThat(ran).hasSize(5);
        assertThat(pacer.waiting()).isZero();
    }
}
