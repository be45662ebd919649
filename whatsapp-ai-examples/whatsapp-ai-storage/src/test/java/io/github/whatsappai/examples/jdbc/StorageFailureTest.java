package io.github.whatsappai.examples.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import io.github.whatsappai.WhatsAppAiException;
import io.github.whatsappai.examples.testing.PostgresExtension;
import io.github.whatsappai.spi.ChatLogEntry;
import io.github.whatsappai.spi.CreditGate;
import io.github.whatsappai.spi.UserIdentity;
import io.github.whatsappai.webhook.model.ConversationKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postgresql.ds.PGSimpleDataSource;

import javax.sql.DataSource;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** The database is down: every operation fails fast with a StorageException that says what failed. */
class StorageFailureTest {

    private static final String PASSWORD = "s3cret-Pa55";

    @RegisterExtension
    final PostgresExtension db = PostgresExtension.migrated();

    private static int closedPort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Test
    void aWrongPortFailsEveryOperationWithTheOperationNamed() throws Exception {
        PGSimpleDataSource down = new PGSimpleDataSource();
        down.setURL("jdbc:postgresql://127.0.0.1:" + closedPort() + "/whatsapp");
        down.setUser("app");
        down.setPassword(PASSWORD);

        assertFailure(() -> new JdbcUserMapper(down).findOrCreateUser(new UserIdentity("p", "15551234567", null, null)),
                "find or create a user");
        assertFailure(() -> new JdbcCreditGate(down).reserve("u1", "k"), "reserve a credit");
        assertFailure(() -> new JdbcCreditGate(down).refund(new CreditGate.Reservation("k", "u1", 1)),
                "refund a credit reservation");
        assertFailure(() -> new JdbcChatLogger(down).log(List.of(JdbcChatLoggerTest.inbound("wamid.A", "hi"))),
                "write 1 chat log entries");
        assertFailure(() -> new JdbcSessionStore(down).touch(new ConversationKey("p", "k"), "u1", Instant.EPOCH,
                Duration.ofHours(1), false), "touch a chat session");
        assertFailure(() -> new SchemaMigrator(down).migrate(), "apply schema migrations");
    }

    private static void assertFailure(Runnable operation, String name) {
        assertThatThrownBy(operation::run)
                .isInstanceOf(StorageException.class)
                .isInstanceOf(WhatsAppAiException.class)
                .hasMessageStartingWith("database operation '" + name + "' failed (SQLState 08001): the database"
                        + " could not be reached")
                .hasMessageContaining("check the URL")
                .hasMessageNotContaining(PASSWORD)
                .satisfies(e -> {
                    StorageException se = (StorageException) e;
                    assertThat(se.getCause()).hasMessageContaining("refused");
                    assertThat(se.operation()).isEqualTo(name);
                    assertThat(se.isConnectionFailure()).isTrue();
                });
    }

    @Test
    void aPoolThatCannotConnectTimesOutWithAConnectionFailure() throws Exception {
        try (HikariDataSource pool = DataSources.hikari("postgres://app:" + PASSWORD + "@127.0.0.1:" + closedPort()
                + "/whatsapp", null, null, config -> config.setConnectionTimeout(250))) {
            assertThatThrownBy(() -> new JdbcChatLogger(pool).log(List.of(JdbcChatLoggerTest.inbound("wamid.A", "hi"))))
                    .isInstanceOf(StorageException.class)
                    .hasMessageContaining("write 1 chat log entries")
                    .hasMessageContaining("no connection could be had from the pool in time")
                    .hasMessageNotContaining(PASSWORD)
                    .satisfies(e -> assertThat(e.getCause()).hasMessageContaining("Connection is not available"))
                    .satisfies(e -> assertThat(((StorageException) e).isConnectionFailure()).isTrue());
        }
    }

    @Test
    void aClosedPoolFailsClearly() {
        HikariDataSource pool = DataSources.hikari(db.jdbcUrl(), "postgres", PASSWORD);
        JdbcUserMapper mapper = new JdbcUserMapper(pool);
        assertThat(mapper.findOrCreateUser(new UserIdentity("p", "15551234567", null, null))).isNotBlank();
        pool.close();

        assertThatThrownBy(() -> mapper.findOrCreateUser(new UserIdentity("p", "15551234567", null, null)))
                .isInstanceOf(StorageException.class)
                .hasMessageContaining("find or create a user")
                .hasMessageNotContaining(PASSWORD)
                .satisfies(e -> assertThat(e.getCause()).hasMessageContaining("has been closed"));
    }

    @Test
    void aFailedBatchStoresNothing() {
        DataSource ds = db.dataSource();
        ChatLogEntry ok = JdbcChatLoggerTest.inbound("wamid.A", "hi");
        ChatLogEntry broken = JdbcChatLoggerTest.inbound("wamid.B", "bad \u0000 byte");

        assertThatThrownBy(() -> new JdbcChatLogger(ds).log(List.of(ok, broken)))
                .isInstanceOf(StorageException.class)
                .hasMessageContaining("write 2 chat log entries");
        assertThat(io.github.whatsappai.examples.testing.ChatLogRows.read(ds)).isEmpty();
    }

    @Test
    void theDriversMessageWithARowsValuesStaysOutOfTheMessage() {
        String phone = "6281234567890";
        // a plain data source with the driver's defaults, which put a row's values into messages
        // (DataSources' pools turn that off with logServerErrorDetail=false)
        PGSimpleDataSource plain = new PGSimpleDataSource();
        plain.setURL(db.jdbcUrl());
        plain.setUser("postgres");
        Jdbc jdbc = new Jdbc(plain);
        StorageException e = catchThrowableOfType(StorageException.class, () -> jdbc.inTransaction("insert a user", c -> {
            try (var st = c.createStatement()) {
                st.executeUpdate("insert into users (wa_id) values ('" + phone + "')");
                return st.executeUpdate("insert into users (wa_id) values ('" + phone + "')");
            }
        }));

        // PostgreSQL quotes the row's value; the exception keeps it only in its cause
        assertThat(e.getCause()).hasMessageContaining("Key (wa_id)=(" + phone + ")");
        assertThat(e.sqlState()).isEqualTo("23505");
        assertThat(e.getMessage()).isEqualTo("database operation 'insert a user' failed (SQLState 23505): a row broke"
                + " a constraint of the schema (unique, not null, foreign key or check) (PSQLException; its message"
                + " is not copied here because it can hold personal data, see getCause())");
        assertThat(e.toString()).doesNotContain(phone);
        assertThat(e.getLocalizedMessage()).doesNotContain(phone);
    }
}
