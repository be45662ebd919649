package io.github.whatsappai.store.postgres;

import io.github.whatsappai.store.BufferPolicy;
import io.github.whatsappai.store.StateStore;
import io.github.whatsappai.store.StateStoreContract;
import io.github.whatsappai.testing.ManualClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/** The state store contract, on a fresh PostgreSQL database per test. */
class PostgresStateStoreContractTest extends StateStoreContract {

    @RegisterExtension
    final PostgresDatabase db = PostgresDatabase.migrated();

    @Override
    protected StateStore createStore(BufferPolicy policy, ManualClock clock) {
        return PostgresStateStore.builder(db.pool(24)).policy(policy).notifications(false).build();
    }

    @Test
    void isDurable() {
        assertThat(store.isDurable()).isTrue();
        assertThat(store.policy()).isEqualTo(POLICY);
    }
}
