package io.github.whatsappai.store.postgres;

import io.github.whatsappai.store.Arrival;
import io.github.whatsappai.store.BurstProgress;
import io.github.whatsappai.store.Claim;
import io.github.whatsappai.store.StateStore;
import io.github.whatsappai.store.StoreUnavailableException;
import io.github.whatsappai.webhook.model.TextContent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static io.github.whatsappai.store.postgres.PostgresStateStoreTest.POLICY;
import static io.github.whatsappai.store.postgres.PostgresStateStoreTest.T0;
import static io.github.whatsappai.store.postgres.PostgresStateStoreTest.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PostgresSchemaMigratorTest {

    @RegisterExtension
    final PostgresDatabase db = PostgresDatabase.empty();

    @Test
    void appliesEachVersionOnceAndKeepsOutOfPublic() throws Exception {
        DataSource ds = db.pool(2);
        PostgresSchemaMigrator migrator = new PostgresSchemaMigrator(ds);
        assertThat(migrator.appliedVersions()).isEmpty();
        assertThat(migrator.migrate()).containsExactly(1, 2);
        assertThat(migrator.migrate()).isEmpty();
        assertThat(migrator.appliedVersions()).containsExactly(1, 2);
        assertThat(query(ds, "select count(*) from pg_tables where schemaname = 'public'")).isZero();
        assertThat(query(ds, "select count(*) from pg_tables where schemaname = 'whatsapp_ai'")).isEqualTo(8);
        assertThat(query(ds, "select count(*) from pg_extension where extname <> 'plpgsql'")).isZero();
        assertThat(PostgresSchemaMigrator.scripts()).containsOnlyKeys("V1__state.sql", "V2__media.sql");
    }

    @Test
    void concurrentMigratorsApplyEachVersionOnce() throws Exception {
        DataSource ds = db.pool(8);
        ExecutorService threads = Executors.newFixedThreadPool(8);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<List<Integer>>> results = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            results.add(threads.submit(() -> {
                start.await();
                return new PostgresSchemaMigrator(ds).migrate();
            }));
        }
        start.countDown();
        int applied = 0;
        for (Future<List<Integer>> f : results) {
            applied += f.get(60, TimeUnit.SECONDS).size();
        }
        threads.shutdown();
        assertThat(applied).isEqualTo(2);
        assertThat(query(ds, "select count(*) from whatsapp_ai.schema_history")).isEqualTo(2);
    }

    @Test
    void aRoleThatOnlyOwnsItsSchemaMigratesAndRunsTheStore() throws Exception {
        db.execute("create role wa_app login password 'app-pw' nosuperuser nocreatedb nocreaterole");
        db.execute("revoke create on schema public from public");
        db.execute("revoke create on database " + db.jdbcUrl().replaceAll(".*/([^/?]+).*", "$1") + " from public");
        db.execute("create schema whatsapp_ai authorization wa_app");
        DataSource app = db.pool("wa_app", "app-pw", 4);
        assertThat(query(app, "select count(*) from pg_roles where rolname = current_user and rolsuper")).isZero();

        try (StateStore store = PostgresStateStore.builder(app).policy(POLICY).build()) {
            Arrival m = text("4960", "hi", T0);
            assertThat(store.append(List.of(m)).get(0).accepted()).isTrue();
            assertThat(store.claimDue(T0 + 15_000, 1, "a", T0 + 45_000)).hasSize(1);
        }
        assertThat(new PostgresSchemaMigrator(app).migrate()).isEmpty();
    }

    @Test
    void aRoleWithoutRightsGetsAnErrorSayingWhatItNeeds() throws Exception {
        db.execute("create role wa_none login password 'pw' nosuperuser");
        db.execute("revoke create on database " + db.jdbcUrl().replaceAll(".*/([^/?]+).*", "$1") + " from public");
        DataSource none = db.pool("wa_none", "pw", 2);
        assertThatThrownBy(() -> new PostgresSchemaMigrator(none).migrate())
                .isInstanceOf(StoreUnavailableException.class)
                .hasMessageContaining("own the schema whatsapp_ai");
    }

    @Test
    void aDatabaseOfVersionOneIsUpgradedInPlaceAndWhatItHeldIsAnswered() throws Exception {
        DataSource ds = db.pool(4);
        assertThat(new PostgresSchemaMigrator(ds, 1).migrate()).containsExactly(1);
        // an instance of the previous release accepted a message (appending touches no column of version 2)
        try (StateStore old = PostgresStateStore.builder(ds).policy(POLICY).migrate(false).notifications(false)
                .build()) {
            assertThat(old.append(List.of(text("4962", "hi before the upgrade", T0))).get(0).accepted()).isTrue();
        }
        assertThat(query(ds, "select count(*) from information_schema.columns where table_schema = 'whatsapp_ai'"
                + " and table_name = 'conversation' and column_name = 'history_turn'")).isZero();

        try (StateStore store = PostgresStateStore.builder(ds).policy(POLICY).notifications(false).build()) {
            assertThat(new PostgresSchemaMigrator(ds).appliedVersions()).containsExactly(1, 2);
            Claim claim = store.claimDue(T0 + 15_000, 1, "a", T0 + 45_000).get(0);
            assertThat(((TextContent) claim.batch().messages().get(0).content()).body())
                    .isEqualTo("hi before the upgrade");
            BurstProgress replied = new BurstProgress(BurstProgress.Stage.REPLY_STORED, "u", "s", null, "ai", "m",
                    10, 5, "[voice message] kept across the upgrade");
            store.saveReply(claim, replied, List.of("answer"), T0 + 86_400_000);
            Claim taken = store.claimDue(T0 + 45_000, 1, "b", T0 + 75_000).get(0);
            assertThat(taken.progress()).isEqualTo(replied);
            assertThat(store.mediaAllowance().take("u", java.time.LocalDate.of(2026, 12, 5), 1)).isTrue();
            assertThat(store.mediaAllowance().take("u", java.time.LocalDate.of(2026, 12, 5), 1)).isFalse();
        }
        assertThat(new PostgresSchemaMigrator(ds).migrate()).isEmpty();
    }

    @Test
    void anEditedAppliedScriptIsRefused() throws Exception {
        DataSource ds = db.pool(2);
        new PostgresSchemaMigrator(ds).migrate();
        db.execute("update whatsapp_ai.schema_history set checksum = 'edited'");
        assertThatThrownBy(() -> new PostgresSchemaMigrator(ds).migrate())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("V1__state.sql");
    }

    @Test
    void withMigrationOffTheStoreExpectsTheSchemaAppliedElsewhere() throws Exception {
        DataSource ds = db.pool(2);
        // as Flyway or Liquibase would: create the schema, run the exported scripts
        db.execute("create schema whatsapp_ai");
        for (String sql : PostgresSchemaMigrator.scripts().values()) {
            db.execute(sql);
        }
        try (StateStore store = PostgresStateStore.builder(ds).policy(POLICY).migrate(false).build()) {
            assertThat(store.append(List.of(text("4961", "hi", T0))).get(0).accepted()).isTrue();
        }
        assertThat(query(ds, "select count(*) from pg_tables where schemaname = 'whatsapp_ai' and tablename = 'schema_history'")).isZero();
    }

    private static long query(DataSource ds, String sql) throws Exception {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
