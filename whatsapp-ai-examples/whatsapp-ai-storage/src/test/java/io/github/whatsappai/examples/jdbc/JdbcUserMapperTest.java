package io.github.whatsappai.examples.jdbc;

import io.github.whatsappai.examples.testing.Concurrently;
import io.github.whatsappai.examples.testing.PostgresExtension;
import io.github.whatsappai.examples.testing.Sql;
import io.github.whatsappai.spi.UserIdentity;
import io.github.whatsappai.spi.UserMapper;
import io.github.whatsappai.spi.UserMapperContract;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.HashSet;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class JdbcUserMapperTest extends UserMapperContract {

    private static final String PHONE = "phone-1";
    private static final String WA_ID = "15551234567";
    private static final String BSUID = "US.1349120865";

    @RegisterExtension
    final PostgresExtension db = PostgresExtension.migrated();

    private JdbcUserMapper mapper() {
        return new JdbcUserMapper(db.dataSource());
    }

    @Override
    protected UserMapper createUserMapper() {
        return mapper();
    }

    @Test
    void sixteenConcurrentFirstMessagesCreateOneUser() {
        JdbcUserMapper mapper = mapper();
        List<String> ids = Concurrently.run(16,
                i -> mapper.findOrCreateUser(new UserIdentity(PHONE, WA_ID, BSUID, "Ana")));

        assertThat(new HashSet<>(ids)).hasSize(1);
        assertThat(Sql.number(db.dataSource(), "select count(*) from users")).isEqualTo(1);
        assertThat(Sql.strings(db.dataSource(), "select wa_id || ' ' || bsuid || ' ' || profile_name || ' ' || credits from users"))
                .containsExactly(WA_ID + " " + BSUID + " Ana 10");
    }

    @Test
    void concurrentFirstMessagesByWaIdOnlyAndByBsuidOnlyEachCreateOneUser() {
        JdbcUserMapper mapper = mapper();
        List<String> ids = Concurrently.run(16, i -> mapper.findOrCreateUser(i % 2 == 0
                ? new UserIdentity(PHONE, WA_ID, null, null)
                : new UserIdentity(PHONE, null, BSUID, null)));

        assertThat(ids.stream().filter(id -> id.equals(ids.get(0)))).as("all wa_id-only calls").hasSize(8);
        assertThat(ids.stream().filter(id -> id.equals(ids.get(1)))).as("all BSUID-only calls").hasSize(8);
        assertThat(Sql.number(db.dataSource(), "select count(*) from users")).isEqualTo(2);
    }

    @Test
    void linksTheBsuidToTheUserKnownByWaId() {
        JdbcUserMapper mapper = mapper();
        String byPhone = mapper.findOrCreateUser(new UserIdentity(PHONE, WA_ID, null, "Ana"));

        assertThat(mapper.findOrCreateUser(new UserIdentity(PHONE, WA_ID, BSUID, "Ana"))).isEqualTo(byPhone);
        assertThat(mapper.findOrCreateUser(new UserIdentity(PHONE, null, BSUID, null)))
                .as("the phone number is withheld later: same account").isEqualTo(byPhone);
        assertThat(Sql.number(db.dataSource(), "select count(*) from users")).isEqualTo(1);
    }

    @Test
    void linksTheWaIdToTheUserKnownByBsuid() {
        JdbcUserMapper mapper = mapper();
        String byBsuid = mapper.findOrCreateUser(new UserIdentity(PHONE, null, BSUID, null));

        assertThat(mapper.findOrCreateUser(new UserIdentity(PHONE, WA_ID, BSUID, null))).isEqualTo(byBsuid);
        assertThat(mapper.findOrCreateUser(new UserIdentity(PHONE, WA_ID, null, null))).isEqualTo(byBsuid);
        assertThat(Sql.strings(db.dataSource(), "select wa_id from users")).containsExactly(WA_ID);
    }

    @Test
    void theBsuidWinsWhenBothIdsBelongToDifferentUsers() {
        JdbcUserMapper mapper = mapper();
        String byPhone = mapper.findOrCreateUser(new UserIdentity(PHONE, WA_ID, null, null));
        String byBsuid = mapper.findOrCreateUser(new UserIdentity(PHONE, null, BSUID, null));
        assertThat(byBsuid).isNotEqualTo(byPhone);

        assertThat(mapper.findOrCreateUser(new UserIdentity(PHONE, WA_ID, BSUID, null))).isEqualTo(byBsuid);
        assertThat(Sql.number(db.dataSource(), "select count(*) from users")).isEqualTo(2);
    }

    @Test
    void aRecycledNumberWithANewBsuidGetsItsOwnUser() {
        JdbcUserMapper mapper = mapper();
        String previousOwner = mapper.findOrCreateUser(new UserIdentity(PHONE, WA_ID, BSUID, null));

        String newOwner = mapper.findOrCreateUser(new UserIdentity(PHONE, WA_ID, "BR.77", null));

        assertThat(newOwner).isNotEqualTo(previousOwner);
        assertThat(mapper.findOrCreateUser(new UserIdentity(PHONE, WA_ID, "BR.77", null))).isEqualTo(newOwner);
        assertThat(Sql.strings(db.dataSource(), "select coalesce(wa_id, '-') from users where id = ?", newOwner))
                .containsExactly("-");
    }

    @Test
    void keepsTheProfileNameCurrentAndIgnoresBlankNames() {
        JdbcUserMapper mapper = mapper();
        String id = mapper.findOrCreateUser(new UserIdentity(PHONE, WA_ID, null, "Ana"));
        mapper.findOrCreateUser(new UserIdentity(PHONE, WA_ID, null, "  "));
        assertThat(Sql.strings(db.dataSource(), "select profile_name from users")).containsExactly("Ana");

        mapper.findOrCreateUser(new UserIdentity(PHONE, WA_ID, null, " Ana Maria "));
        assertThat(Sql.strings(db.dataSource(), "select profile_name from users where id = ?", id))
                .containsExactly("Ana Maria");

        mapper.findOrCreateUser(new UserIdentity(PHONE, WA_ID, null, "x".repeat(1000)));
        assertThat(Sql.strings(db.dataSource(), "select length(profile_name)::text from users")).containsExactly("256");
    }
}
