package io.github.whatsappai.store;

import org.junit.jupiter.api.Test;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class InMemoryMediaAllowanceTest {

    private static final LocalDate DAY = LocalDate.of(2026, 12, 5);

    @Test
    void eachUserHasTheLimitPerDay() {
        MediaAllowance allowance = MediaAllowance.inMemory();
        assertThat(allowance.take("u", DAY, 2)).isTrue();
        assertThat(allowance.take("u", DAY, 2)).isTrue();
        assertThat(allowance.take("u", DAY, 2)).isFalse();
        assertThat(allowance.remaining("u", DAY, 2)).isZero();
        assertThat(allowance.take("v", DAY, 2)).isTrue();
        assertThat(allowance.take("u", DAY.plusDays(1), 2)).isTrue();
        assertThat(allowance.remaining("u", DAY.plusDays(1), 2)).isEqualTo(1);
        assertThat(allowance.take("u", DAY, 0)).isFalse();
    }

    @Test
    void theInMemoryStoreKeepsOneCountAndTheDefaultANewOne() {
        StateStore store = InMemoryStateStore.builder().build();
        assertThat(store.mediaAllowance()).isSameAs(store.mediaAllowance());
        store.mediaAllowance().take("u", DAY, 1);
        assertThat(store.mediaAllowance().take("u", DAY, 1)).isFalse();
        store.close();
    }

    @Test
    void concurrentTakesNeverExceedTheLimit() throws Exception {
        MediaAllowance allowance = MediaAllowance.inMemory();
        ExecutorService threads = Executors.newFixedThreadPool(8);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Integer>> results = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            results.add(threads.submit(() -> {
                start.await();
                int taken = 0;
                for (int i = 0; i < 1_000; i++) {
                    taken += allowance.take("u", DAY, 3_000) ? 1 : 0;
                }
                return taken;
            }));
        }
        start.countDown();
        int taken = 0;
        for (Future<Integer> f : results) {
            taken += f.get(30, TimeUnit.SECONDS);
        }
        threads.shutdown();
        assertThat(taken).isEqualTo(3_000);
    }
}
