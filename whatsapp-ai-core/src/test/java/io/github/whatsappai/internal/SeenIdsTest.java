package io.github.whatsappai.internal;

import io.github.whatsappai.testing.ManualClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.function.LongSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The seen-id set behind the in-memory ledger and the status de-duplication, on a hand-driven
 * ticker. The concurrency test fails when put-if-absent is replaced by a check-then-put.
 */
class SeenIdsTest {

    private final ManualClock clock = ManualClock.atDefaultStart();
    private final LongSupplier ticker = clock::nanoTime;

    private void advance(Duration d) {
        clock.advance(d);
    }

    @Test
    void isAtomicAndExpiresAfterTheWindow() {
        SeenIds<Void> store = new SeenIds<>(100, Duration.ofHours(25).toNanos());
        assertThat(store.firstSighting("a", ticker.getAsLong())).isTrue();
        assertThat(store.firstSighting("a", ticker.getAsLong())).isFalse();
        advance(Duration.ofHours(25).minusSeconds(1));
        assertThat(store.firstSighting("a", ticker.getAsLong())).isFalse();
        advance(Duration.ofSeconds(2));
        assertThat(store.firstSighting("a", ticker.getAsLong())).as("expired after the window").isTrue();
        store.forget("a");
        assertThat(store.firstSighting("a", ticker.getAsLong())).isTrue();
    }

    @Test
    void isBoundedByCount() {
        SeenIds<Void> store = new SeenIds<>(10, Duration.ofHours(1).toNanos());
        for (int i = 0; i < 1000; i++) {
            store.firstSighting("id" + i, ticker.getAsLong());
        }
        int remembered = 0;
        for (int i = 0; i < 1000; i++) {
            if (!store.firstSighting("id" + i, ticker.getAsLong())) {
                remembered++;
            }
        }
        assertThat(remembered).isLessThanOrEqualTo(20);
    }

    @Test
    void skipsStaleQueueEntriesOfForgottenIdsSeenAgainAtTheSameInstant() {
        SeenIds<Void> store = new SeenIds<>(3, Duration.ofHours(1).toNanos());
        assertThat(store.firstSighting("a", ticker.getAsLong())).isTrue();
        assertThat(store.firstSighting("b", ticker.getAsLong())).isTrue();
        assertThat(store.firstSighting("c", ticker.getAsLong())).isTrue();
        store.forget("b");
        assertThat(store.firstSighting("b", ticker.getAsLong())).as("forgotten, so new again").isTrue();
        assertThat(store.firstSighting("d", ticker.getAsLong())).isTrue();
        assertThat(store.size()).isEqualTo(3);
        assertThat(store.firstSighting("b", ticker.getAsLong())).as("the new sighting of b survived the eviction").isFalse();
        assertThat(store.firstSighting("d", ticker.getAsLong())).isFalse();
        assertThat(store.firstSighting("a", ticker.getAsLong())).as("the oldest went first").isTrue();
    }

    @Test
    void isAtomicUnderConcurrency() throws Exception {
        SeenIds<Void> store = new SeenIds<>(10_000, Duration.ofHours(1).toNanos());
        int threads = 8;
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
        try {
            java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
            java.util.List<java.util.concurrent.Future<Integer>> firsts = new java.util.ArrayList<>();
            for (int t = 0; t < threads; t++) {
                firsts.add(pool.submit(() -> {
                    start.await();
                    int mine = 0;
                    for (int i = 0; i < 5_000; i++) {
                        if (store.firstSighting("wamid." + i, ticker.getAsLong())) {
                            mine++;
                        }
                    }
                    return mine;
                }));
            }
            start.countDown();
            int total = 0;
            for (var f : firsts) {
                total += f.get();
            }
            assertThat(total).as("each id is a first sighting exactly once").isEqualTo(5_000);
            assertThat(store.size()).isEqualTo(5_000);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void forgetsTheOldestIdsFirstWhenFull() {
        SeenIds<Void> store = new SeenIds<>(16_000, Duration.ofHours(25).toNanos());
        for (int i = 0; i < 20_000; i++) {
            assertThat(store.firstSighting("wamid." + i, ticker.getAsLong())).isTrue();
        }
        int recentRemembered = 0;
        for (int i = 19_000; i < 20_000; i++) {
            if (!store.firstSighting("wamid." + i, ticker.getAsLong())) {
                recentRemembered++;
            }
        }
        assertThat(recentRemembered).as("the 1000 newest ids are all still known").isEqualTo(1000);
        int oldestForgotten = 0;
        for (int i = 0; i < 1000; i++) {
            if (store.firstSighting("wamid." + i, ticker.getAsLong())) {
                oldestForgotten++;
            }
        }
        assertThat(oldestForgotten).as("the oldest ids went first").isGreaterThan(900);
    }

    @Test
    void expiresIdsAfterEvictionsAndForgets() {
        SeenIds<Void> store = new SeenIds<>(160, Duration.ofMinutes(10).toNanos());
        for (int i = 0; i < 1000; i++) {
            assertThat(store.firstSighting("early" + i, ticker.getAsLong())).isTrue();
            advance(Duration.ofMillis(100));
        }
        store.forget("early999");
        advance(Duration.ofMinutes(9));
        int stillKnown = 0;
        for (int i = 900; i < 1000; i++) {
            if (!store.firstSighting("early" + i, ticker.getAsLong())) {
                stillKnown++;
            }
        }
        assertThat(stillKnown).as("recent ids kept through evictions; the forgotten one is new again")
                .isBetween(80, 99);
        advance(Duration.ofMinutes(10));
        for (int i = 900; i < 1000; i++) {
            assertThat(store.firstSighting("early" + i, ticker.getAsLong())).as("expired after the window").isTrue();
        }
    }

    @Test
    void forgetAllDropsOnlyTheOwnersIds() {
        SeenIds<String> store = new SeenIds<>(100, Duration.ofHours(1).toNanos());
        store.firstSighting("a1", ticker.getAsLong(), "ann");
        store.firstSighting("b1", ticker.getAsLong(), "bob");
        store.firstSighting("a2", ticker.getAsLong(), "ann");
        store.firstSighting("x", ticker.getAsLong());
        assertThat(store.forgetAll("ann")).isEqualTo(2);
        assertThat(store.contains("a1")).isFalse();
        assertThat(store.contains("b1")).isTrue();
        assertThat(store.contains("x")).isTrue();
        assertThat(store.size()).isEqualTo(2);
    }

    @Test
    void refusesANonPositiveCapacityOrRetention() {
        org.assertj.core.api.Assertions.assertThatIllegalArgumentException().isThrownBy(() -> new SeenIds<Void>(0, 1));
        org.assertj.core.api.Assertions.assertThatIllegalArgumentException().isThrownBy(() -> new SeenIds<Void>(1, 0));
    }
}
