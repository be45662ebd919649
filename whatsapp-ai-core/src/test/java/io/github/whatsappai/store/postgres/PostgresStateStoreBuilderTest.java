package io.github.whatsappai.store.postgres;

import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The builder checks every value before it touches the database, and lists every problem at once. */
class PostgresStateStoreBuilderTest {

    @Test
    void everyInvalidValueIsListedBeforeAnyConnection() {
        PGSimpleDataSource nowhere = new PGSimpleDataSource();
        nowhere.setServerNames(new String[] {"127.0.0.1"});
        nowhere.setPortNumbers(new int[] {1});
        assertThatThrownBy(() -> PostgresStateStore.builder(nowhere).ledgerRetention(Duration.ofSeconds(1))
                .writeDeadline(Duration.ZERO).commitThreads(0).maxCommitBatch(0).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ledgerRetention (PT1S) must be at least the maximum message age")
                .hasMessageContaining("writeDeadline must be a positive duration")
                .hasMessageContaining("commitThreads must be 1..64, was 0")
                .hasMessageContaining("maxCommitBatch must be positive, was 0");
    }
}
