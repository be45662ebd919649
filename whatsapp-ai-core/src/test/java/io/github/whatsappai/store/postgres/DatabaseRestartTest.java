package io.github.whatsappai.store.postgres;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.github.whatsappai.store.Appended;
import io.github.whatsappai.store.Arrival;
import io.github.whatsappai.store.Claim;
import io.github.whatsappai.store.StateStore;
import io.github.whatsappai.store.StoreStats;
import io.github.whatsappai.store.StoreUnavailableException;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;

import static io.github.whatsappai.store.postgres.PostgresStateStoreTest.LEASE;
import static io.github.whatsappai.store.postgres.PostgresStateStoreTest.POLICY;
import static io.github.whatsappai.store.postgres.PostgresStateStoreTest.T0;
import static io.github.whatsappai.store.postgres.PostgresStateStoreTest.bodies;
import static io.github.whatsappai.store.postgres.PostgresStateStoreTest.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The database stops and starts again under two running store instances (same data directory and port). */
class DatabaseRestartTest {

    @TempDir
    Path dataDirectory;

    private EmbeddedPostgres server;
    private HikariDataSource pool;
    private StateStore a;
    private StateStore b;

    private EmbeddedPostgres start(int port) throws IOException {
        return EmbeddedPostgres.builder().setDataDirectory(dataDirectory).setCleanDataDirectory(false).setPort(port)
                .setServerConfig("fsync", "off").start();
    }

    @AfterEach
    void stop() throws IOException {
        if (a != null) {
            a.close();
            b.close();
        }
        if (pool != null) {
            pool.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void whileTheDatabaseIsDownAppendsFailCleanlyAndAfterItNothingIsLostOrHalfWritten() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        server = start(port);
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl("jdbc:postgresql://127.0.0.1:" + port + "/postgres?logServerErrorDetail=false");
        config.setUsername("postgres");
        config.setMaximumPoolSize(8);
        config.setMinimumIdle(0);
        config.setConnectionTimeout(1_000);
        config.setInitializationFailTimeout(-1);
        pool = new HikariDataSource(config);
        a = PostgresStateStore.builder(pool).policy(POLICY).notifications(false).build();
        b = PostgresStateStore.builder(pool).policy(POLICY).notifications(false).migrate(false).build();

        Arrival first = text("4950", "before the outage", T0);
        a.append(List.of(first, text("4951", "other person", T0)));
        Claim inFlight = a.claimDue(T0 + 15_000, 1, "a", T0 + 15_000 + LEASE).get(0);

        server.close();
        server = null;
        Arrival during = text("4950", "during the outage, secret text", T0 + 16_000);
        assertThatThrownBy(() -> b.append(List.of(during)))
                .isInstanceOf(StoreUnavailableException.class)
                .hasMessageNotContaining("secret").hasMessageNotContaining("4950");
        assertThatThrownBy(() -> b.claimDue(T0 + 16_000, 10, "b", T0 + 46_000))
                .isInstanceOf(StoreUnavailableException.class);
        assertThatThrownBy(() -> a.renew(List.of(inFlight), T0 + 60_000))
                .isInstanceOf(StoreUnavailableException.class);

        server = start(port);
        StoreStats stats = eventually(() -> b.stats(T0 + 16_000));
        // the failed append left nothing behind; what was committed before is all there
        assertThat(stats.pendingMessages()).isEqualTo(1);
        assertThat(stats.inFlight()).isEqualTo(1);
        assertThat(stats.ledgerSize()).isEqualTo(2);

        // Meta redelivers what got a 503: accepted now; what got a 200 is still a duplicate
        assertThat(b.append(List.of(during)).get(0).outcome()).isEqualTo(Appended.Outcome.ACCEPTED);
        assertThat(b.append(List.of(first)).get(0).outcome()).isEqualTo(Appended.Outcome.DUPLICATE);

        // the claim taken before the outage continues; the rest is claimed as usual
        assertThat(a.renew(List.of(inFlight), T0 + 60_000)).isEmpty();
        long next = a.complete(inFlight, T0 + 20_000);
        assertThat(next).isEqualTo(T0 + 16_000 + 15_000);
        List<Claim> rest = b.claimDue(next, 10, "b", next + LEASE);
        assertThat(rest).hasSize(2);
        assertThat(rest.stream().flatMap(c -> bodies(c).stream()))
                .containsExactlyInAnyOrder(inFlight.batch().key().userKey().equals("4950")
                        ? "other person" : "before the outage", "during the outage, secret text");
    }

    /** The pool reconnects on its own; until it has, calls fail as they should. */
    private static <T> T eventually(Supplier<T> call) throws InterruptedException {
        StoreUnavailableException last = null;
        for (int i = 0; i < 50; i++) {
            try {
                return call.get();
            } catch (StoreUnavailableException e) {
                last = e;
                Thread.sleep(100);
            }
        }
        throw last;
    }
}
