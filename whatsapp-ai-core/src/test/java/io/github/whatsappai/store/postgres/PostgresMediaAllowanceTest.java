package io.github.whatsappai.store.postgres;

import io.github.whatsappai.internal.media.MediaQuota;
import io.github.whatsappai.store.MediaAllowance;
import io.github.whatsappai.store.StateStore;
import io.github.whatsappai.testing.ManualClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static io.github.whatsappai.store.postgres.PostgresStateStoreTest.POLICY;
import static org.assertj.core.api.Assertions.assertThat;

/** The daily media allowance in PostgreSQL: one count for every instance on the database. */
class PostgresMediaAllowanceTest {

    private static final LocalDate DAY = LocalDate.of(2026, 12, 5);

    @RegisterExtension
    final PostgresDatabase db = PostgresDatabase.migrated();

    private final List<StateStore> stores = new ArrayList<>();
    private DataSource pool;

    @BeforeEach
    void pool() {
        pool = db.pool(24);
    }

    @AfterEach
    void closeStores() {
        stores.forEach(StateStore::close);
    }

    private StateStore store() {
        StateStore s = PostgresStateStore.builder(pool).policy(POLICY).notifications(false).build();
        stores.add(s);
        return s;
    }

    @Test
    void twoInstancesOnOneDatabaseShareTheCount() {
        MediaAllowance a = store().mediaAllowance();
        MediaAllowance b = store().mediaAllowance();
        for (int i = 0; i < 3; i++) {
            assertThat(a.take("user-1", DAY, 5)).isTrue();
        }
        assertThat(b.remaining("user-1", DAY, 5)).isEqualTo(2);
        assertThat(b.take("user-1", DAY, 5)).isTrue();
        assertThat(b.take("user-1", DAY, 5)).isTrue();
        assertThat(a.take("user-1", DAY, 5)).as("the five were taken on two instances").isFalse();
        assertThat(b.take("user-1", DAY, 5)).isFalse();
        assertThat(a.remaining("user-1", DAY, 5)).isZero();
        assertThat(b.take("user-2", DAY, 5)).as("another user has their own").isTrue();
        assertThat(a.take("user-1", DAY, 0)).as("a limit of 0 takes nothing").isFalse();
    }

    @Test
    void concurrentTakesFromTwoInstancesNeverExceedTheLimit() throws Exception {
        List<MediaAllowance> instances = List.of(store().mediaAllowance(), store().mediaAllowance());
        int threads = 16;
        int takesEach = 12;
        int limit = 50;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Integer>> results = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            MediaAllowance allowance = instances.get(t % 2);
            results.add(pool.submit(() -> {
                start.await();
                int taken = 0;
                for (int i = 0; i < takesEach; i++) {
                    if (allowance.take("user-busy", DAY, limit)) {
                        taken++;
                    }
                }
                return taken;
            }));
        }
        start.countDown();
        int taken = 0;
        for (Future<Integer> f : results) {
            taken += f.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();
        assertThat(taken).as("%d takes of a limit of %d", threads * takesEach, limit).isEqualTo(limit);
        assertThat(query("select used from whatsapp_ai.media_allowance")).isEqualTo(limit);
    }

    @Test
    void theDayRollsOverWithTheClockAndPurgeDeletesDaysThatAreOver() throws Exception {
        StateStore store = store();
        ManualClock clock = new ManualClock(Instant.parse("2026-12-05T23:59:00Z"));
        MediaQuota quota = new MediaQuota(2, store.mediaAllowance(), clock);
        assertThat(quota.tryTake("user-1")).isTrue();
        assertThat(quota.tryTake("user-1")).isTrue();
        assertThat(quota.tryTake("user-1")).isFalse();
        assertThat(quota.remaining("user-1")).isZero();

        clock.advance(Duration.ofMinutes(1)); // midnight UTC
        assertThat(quota.remaining("user-1")).isEqualTo(2);
        assertThat(quota.tryTake("user-1")).isTrue();
        assertThat(query("select count(*) from whatsapp_ai.media_allowance")).isEqualTo(2);
        assertThat(query("select count(*) from whatsapp_ai.media_allowance"
                + " where user_hash = sha256(convert_to('user-1', 'UTF8'))")).as("a hash, not the id").isEqualTo(2);

        store.purge(clock.millis());
        assertThat(query("select count(*) from whatsapp_ai.media_allowance")).as("yesterday is kept").isEqualTo(2);
        store.purge(clock.millis() + Duration.ofDays(1).toMillis());
        assertThat(query("select count(*) from whatsapp_ai.media_allowance")).isEqualTo(1);
        assertThat(query("select count(*) from whatsapp_ai.media_allowance where day = date '2026-12-06'"))
                .isEqualTo(1);
    }

    private long query(String sql) throws Exception {
        try (Connection c = pool.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
