package io.github.whatsappai.examples.jdbc;

import io.github.whatsappai.examples.testing.PostgresExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SchemaMigratorTest {

    @RegisterExtension
    final PostgresExtension db = PostgresExtension.empty();

    @Test
    void appliesTheSchemaOnceAndRecordsIt() throws SQLException {
        SchemaMigrator migrator = new SchemaMigrator(db.dataSource());
        assertThat(migrator.appliedVersions()).isEmpty();

        assertThat(migrator.migrate()).containsExactly(1);
        assertThat(migrator.migrate()).isEmpty();
        assertThat(new SchemaMigrator(db.dataSource()).migrate()).isEmpty();

        assertThat(migrator.appliedVersions()).containsExactly(1);
        assertThat(queryStrings("select table_name from information_schema.tables where table_schema = 'public'"))
                .contains("users", "credit_reservations", "chat_sessions", "chat_history", "chat_logs", "whatsapp_ai_schema_history");
        assertThat(queryStrings("select description || '|' || script from whatsapp_ai_schema_history"))
                .containsExactly("whatsapp ai schema|V1__whatsapp_ai_schema.sql");
    }

    @Test
    void theMigrationsStayOutOfAHostApplicationsFlyway() {
        assertThat(SchemaMigrator.LOCATION).as("Flyway's default location").doesNotStartWith("db/migration");
        assertThat(SchemaMigrator.HISTORY_TABLE).isNotIn("flyway_schema_history", "schema_version");
        assertThat(getClass().getClassLoader().getResource("db/migration/V1__whatsapp_ai_schema.sql")).isNull();
        assertThat(getClass().getClassLoader().getResource(SchemaMigrator.LOCATION + "V1__whatsapp_ai_schema.sql"))
                .isNotNull();
    }

    @Test
    void aDatabaseMigratedIntoTheOldHistoryTableIsTakenOverNotMigratedAgain() throws SQLException {
        SchemaMigrator migrator = new SchemaMigrator(db.dataSource());
        migrator.migrate();
        // the layout of 0.1.0-SNAPSHOT: the same rows in schema_version, beside a row of another tool
        execute("alter table whatsapp_ai_schema_history rename to schema_version");
        execute("insert into schema_version (version, description, script, checksum)"
                + " values (7, 'theirs', 'V7__their_table.sql', 'x')");

        assertThat(migrator.migrate()).as("V1 is not run again (its tables exist)").isEmpty();
        assertThat(migrator.appliedVersions()).containsExactly(1);
        assertThat(queryStrings("select script from schema_version order by version"))
                .containsExactly("V1__whatsapp_ai_schema.sql", "V7__their_table.sql");
    }

    @Test
    void concurrentStartsApplyEachVersionOnce() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Callable<List<Integer>>> tasks = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                tasks.add(() -> new SchemaMigrator(db.dataSource()).migrate());
            }
            List<Integer> applied = new ArrayList<>();
            for (Future<List<Integer>> f : pool.invokeAll(tasks)) {
                applied.addAll(f.get());
            }
            assertThat(applied).containsExactly(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void refusesAnAppliedMigrationWhoseScriptChanged() throws SQLException {
        SchemaMigrator migrator = new SchemaMigrator(db.dataSource());
        migrator.migrate();
        execute("update whatsapp_ai_schema_history set checksum = 'edited' where version = 1");

        assertThatThrownBy(migrator::migrate)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("V1__whatsapp_ai_schema.sql was changed after it was applied");
    }

    @Test
    void aFailingMigrationLeavesNothingBehind() throws SQLException {
        execute("create table users (id int)"); // clashes with V1's users table

        assertThatThrownBy(() -> new SchemaMigrator(db.dataSource()).migrate())
                .isInstanceOf(StorageException.class)
                .hasMessageContaining("apply schema migrations")
                .hasMessageContaining("42P07");
        assertThat(queryStrings("select table_name from information_schema.tables where table_schema = 'public'"))
                .containsExactly("users");
    }

    @Test
    void everyMigrationFileIsListedInOrder() throws IOException {
        Path dir = Path.of("src/main/resources/" + SchemaMigrator.LOCATION);
        try (Stream<Path> files = Files.list(dir)) {
            List<String> names = files.map(p -> p.getFileName().toString()).sorted().toList();
            assertThat(SchemaMigrator.MIGRATIONS).containsExactlyInAnyOrderElementsOf(names);
        }
    }

    @Test
    void theSchemaEnforcesItsInvariants() throws SQLException {
        new SchemaMigrator(db.dataSource()).migrate();
        assertThatThrownBy(() -> execute("insert into users (profile_name) values ('nobody')"))
                .hasMessageContaining("users_identified");
        assertThatThrownBy(() -> execute("insert into users (wa_id, credits) values ('15550001', -1)"))
                .hasMessageContaining("users_credits_check");
        execute("insert into users (wa_id) values ('15550001')");
        assertThat(queryStrings("select credits::text from users")).containsExactly("10");
        execute("insert into chat_sessions (id, phone_number_id, user_key, user_id, started_at, last_activity_at)"
                + " values ('s1', 'p', 'k', 'u', now(), now())");
        assertThatThrownBy(() -> execute("insert into chat_sessions (id, phone_number_id, user_key, user_id,"
                + " started_at, last_activity_at) values ('s2', 'p', 'k', 'u', now(), now())"))
                .hasMessageContaining("chat_sessions_current");
    }

    private void execute(String sql) throws SQLException {
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private List<String> queryStrings(String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }
}
