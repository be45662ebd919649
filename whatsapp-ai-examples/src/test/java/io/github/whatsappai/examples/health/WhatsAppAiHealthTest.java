package io.github.whatsappai.examples.health;

import io.github.whatsappai.event.Event;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** Readiness waits for the knowledge base and follows the checks; liveness only its own checks. */
class WhatsAppAiHealthTest {

    @Test
    void notReadyUntilEverySourceHasLoaded() {
        WhatsAppAiHealth health = WhatsAppAiHealth.builder().knowledgeBaseSources(2).build();
        assertThat(health.readiness().up()).isFalse();

        health.onEvent(new Event.KnowledgeBaseLoaded("a.pdf", 3, 10));
        health.onEvent(new Event.KnowledgeBaseLoadFailed("b.pdf", "HTTP 404"));
        assertThat(health.readiness().up()).isFalse();
        assertThat(health.readiness().summary())
                .isEqualTo("DOWN (knowledgeBase: DOWN, 1 of 2 sources loaded; failing: HTTP 404)");

        health.onEvent(new Event.KnowledgeBaseLoaded("b.pdf", 1, 2));
        assertThat(health.readiness().up()).isTrue();
        assertThat(health.liveness().up()).as("no liveness checks: live").isTrue();
    }

    @Test
    void aBacklogAboveItsLimitTakesTheInstanceOutOfService() {
        AtomicInteger depth = new AtomicInteger(5);
        WhatsAppAiHealth health = WhatsAppAiHealth.builder()
                .readiness(HealthChecks.backlog("outbox", depth::get, 10))
                .liveness(HealthChecks.backlog("outbox", depth::get, 100))
                .build();
        assertThat(health.readiness().up()).isTrue();

        depth.set(11);
        assertThat(health.readiness().up()).isFalse();
        assertThat(health.readiness().results().get(1).detail()).isEqualTo("11 waiting, above 10");
        assertThat(health.liveness().up()).isTrue();

        depth.set(101);
        assertThat(health.liveness().up()).isFalse();
    }

    @Test
    void aThrowingCheckIsDownNotAnException() {
        WhatsAppAiHealth health = WhatsAppAiHealth.builder()
                .readiness(HealthChecks.backlog("outbox", () -> {
                    throw new IllegalStateException("store closed");
                }, 10))
                .build();
        assertThat(health.readiness().up()).isFalse();
        assertThat(health.readiness().results().get(1).detail()).isEqualTo("depth unavailable: IllegalStateException");
    }

    @Test
    void aReachableDatabaseIsUpAndAClosedPortIsDownWithoutItsMessage() throws Exception {
        try (EmbeddedPostgres postgres = EmbeddedPostgres.start()) {
            assertThat(HealthChecks.dataSource("store", postgres.getPostgresDatabase(), Duration.ofSeconds(2)).check().up())
                    .isTrue();
        }

        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            port = free.getLocalPort();
        }
        PGSimpleDataSource gone = new PGSimpleDataSource();
        gone.setURL("jdbc:postgresql://127.0.0.1:" + port + "/secret_db_name?connectTimeout=2");
        gone.setUser("secret_user");
        HealthCheck.Result result = HealthChecks.dataSource("store", gone, Duration.ofSeconds(2)).check();

        assertThat(result.up()).isFalse();
        assertThat(result.detail()).startsWith("unreachable: PSQLException (SQLState 08")
                .doesNotContain("secret_db_name", "secret_user", Integer.toString(port));
    }
}
