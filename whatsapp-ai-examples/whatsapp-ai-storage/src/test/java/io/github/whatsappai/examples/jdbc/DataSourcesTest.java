package io.github.whatsappai.examples.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import io.github.whatsappai.examples.jdbc.DataSources.ConnectionSettings;
import io.github.whatsappai.examples.testing.PostgresExtension;
import io.github.whatsappai.spi.UserIdentity;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DataSourcesTest {

    @RegisterExtension
    final PostgresExtension db = PostgresExtension.migrated();

    @Test
    void convertsThePostgresUrlFormAndTakesItsCredentials() {
        ConnectionSettings s = ConnectionSettings.parse(
                "postgres://app:p%40ss%3Aw0rd@db.example.com:6543/postgres?sslmode=require", null, null);
        assertThat(s.jdbcUrl()).isEqualTo("jdbc:postgresql://db.example.com:6543/postgres?sslmode=require");
        assertThat(s.user()).isEqualTo("app");
        assertThat(s.password()).isEqualTo("p@ss:w0rd");
        assertThat(s.toString()).doesNotContain("p@ss").contains("password=****");

        assertThat(DataSources.toJdbcUrl("postgresql://localhost/app")).isEqualTo("jdbc:postgresql://localhost/app");
        assertThat(DataSources.toJdbcUrl("postgres://u@[::1]:5432/app")).isEqualTo("jdbc:postgresql://[::1]:5432/app");
    }

    @Test
    void separateCredentialsWinAndJdbcUrlsPassThrough() {
        ConnectionSettings s = ConnectionSettings.parse("postgres://app:old@h:5432/db", "owner", "new");
        assertThat(s.user()).isEqualTo("owner");
        assertThat(s.password()).isEqualTo("new");

        ConnectionSettings jdbc = ConnectionSettings.parse(" jdbc:postgresql://h:5432/db?ssl=true ", "u", null);
        assertThat(jdbc.jdbcUrl()).isEqualTo("jdbc:postgresql://h:5432/db?ssl=true");
        assertThat(jdbc.password()).isNull();
    }

    @Test
    void rejectsOtherUrlsWithoutEchoingThem() {
        assertThatThrownBy(() -> DataSources.toJdbcUrl("mysql://root:topsecret@h/db"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("DATABASE_URL must start with jdbc:postgresql://")
                .hasMessageNotContaining("topsecret");
        assertThatThrownBy(() -> DataSources.toJdbcUrl("postgres://root:top secret@h/db"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("percent-encode")
                .hasMessageNotContaining("top secret");
    }

    @Test
    void errorMessagesNeverCopyTheFailingRow() throws Exception {
        try (HikariDataSource ds = DataSources.hikari(db.jdbcUrl(), "postgres", null);
             var c = ds.getConnection(); var s = c.createStatement()) {
            assertThatThrownBy(() -> s.executeUpdate("insert into users (wa_id, credits) values ('15559876543', -1)"))
                    .hasMessageContaining("users_credits_check")
                    .hasMessageNotContaining("15559876543");
        }
    }

    @Test
    void fromEnvironmentIsEmptyWithoutADatabaseUrl() {
        assertThat(DataSources.fromEnvironment(Map.of())).isEmpty();
        assertThat(DataSources.fromEnvironment(Map.of("DATABASE_URL", " "))).isEmpty();
    }

    @Test
    void fromEnvironmentBuildsAWorkingPoolFromThePostgresUrlForm() {
        String url = "postgres://postgres:any@127.0.0.1:" + db.port() + "/" + db.databaseName();
        Optional<HikariDataSource> pool = DataSources.fromEnvironment(Map.of("DATABASE_URL", url));
        assertThat(pool).isPresent();
        try (HikariDataSource ds = pool.get()) {
            assertThat(ds.getPoolName()).isEqualTo(DataSources.POOL_NAME);
            assertThat(ds.getJdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:" + db.port() + "/" + db.databaseName());
            assertThat(ds.getMaximumPoolSize()).isEqualTo(10);
            assertThat(ds.getConnectionTimeout()).isEqualTo(5000);
            assertThat(new JdbcUserMapper(ds).findOrCreateUser(new UserIdentity("p", "15551234567", null, null)))
                    .isNotBlank();
        }
    }
}
