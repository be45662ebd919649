package io.github.whatsappai.spi;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The behaviour every {@link UserMapper} must show. Extend it and implement {@link #createUserMapper()};
 * each test uses fresh random identities, so one mapper (and one database) may serve all tests.
 */
public abstract class UserMapperContract {

    /** The mapper under test; called once per test. */
    protected abstract UserMapper createUserMapper();

    /** A phone number id for the tests. */
    protected String phoneNumberId() {
        return "106540352242922";
    }

    /** A fresh, valid wa_id (7–15 digits) no other test uses. */
    protected static String newWaId() {
        long n = Math.floorMod(UUID.randomUUID().getMostSignificantBits(), 1_000_000_000_000L);
        return String.format("%013d", n);
    }

    /** A fresh, valid business-scoped user id no other test uses. */
    protected static String newBsuid() {
        return "US." + Math.floorMod(UUID.randomUUID().getLeastSignificantBits(), 1_000_000_000_000_000L);
    }

    @Test
    public void returnsTheSameUserForTheSameSender() {
        UserMapper mapper = createUserMapper();
        UserIdentity id = new UserIdentity(phoneNumberId(), newWaId(), null, "Ana");
        String first = mapper.findOrCreateUser(id);
        assertThat(first).isNotBlank();
        assertThat(mapper.findOrCreateUser(id)).isEqualTo(first);
        assertThat(mapper.findOrCreateUser(new UserIdentity(phoneNumberId(), id.waId(), null, "Another name")))
                .isEqualTo(first);
    }

    @Test
    public void differentSendersAreDifferentUsers() {
        UserMapper mapper = createUserMapper();
        String a = mapper.findOrCreateUser(new UserIdentity(phoneNumberId(), newWaId(), null, null));
        String b = mapper.findOrCreateUser(new UserIdentity(phoneNumberId(), newWaId(), null, null));
        String c = mapper.findOrCreateUser(new UserIdentity(phoneNumberId(), null, newBsuid(), null));
        assertThat(Set.of(a, b, c)).hasSize(3);
    }

    @Test
    public void linksBusinessScopedIdToThePhoneNumbersUser() {
        UserMapper mapper = createUserMapper();
        String waId = newWaId();
        String bsuid = newBsuid();
        String byPhone = mapper.findOrCreateUser(new UserIdentity(phoneNumberId(), waId, null, null));
        assertThat(mapper.findOrCreateUser(new UserIdentity(phoneNumberId(), waId, bsuid, null))).isEqualTo(byPhone);
        assertThat(mapper.findOrCreateUser(new UserIdentity(phoneNumberId(), null, bsuid, null)))
                .as("the phone number was withheld later: the same account")
                .isEqualTo(byPhone);
    }

    @Test
    public void linksPhoneNumberToTheBusinessScopedIdsUser() {
        UserMapper mapper = createUserMapper();
        String waId = newWaId();
        String bsuid = newBsuid();
        String byBsuid = mapper.findOrCreateUser(new UserIdentity(phoneNumberId(), null, bsuid, null));
        assertThat(mapper.findOrCreateUser(new UserIdentity(phoneNumberId(), waId, bsuid, null))).isEqualTo(byBsuid);
        assertThat(mapper.findOrCreateUser(new UserIdentity(phoneNumberId(), waId, null, null))).isEqualTo(byBsuid);
    }

    @Test
    public void concurrentFirstContactsCreateOneUser() throws Exception {
        UserMapper mapper = createUserMapper();
        UserIdentity id = new UserIdentity(phoneNumberId(), newWaId(), newBsuid(), "Burst");
        Set<String> ids = new HashSet<>(Concurrently.call(16, i -> () -> mapper.findOrCreateUser(id)));
        assertThat(ids).hasSize(1);
        assertThat(mapper.findOrCreateUser(new UserIdentity(phoneNumberId(), null, id.bsuid(), null)))
                .isEqualTo(ids.iterator().next());
    }

    @Test
    public void concurrentDifferentSendersGetDistinctUsers() throws Exception {
        UserMapper mapper = createUserMapper();
        int threads = 16;
        Set<String> ids = new HashSet<>(Concurrently.call(threads, i -> {
            UserIdentity id = new UserIdentity(phoneNumberId(), newWaId(), null, null);
            return () -> mapper.findOrCreateUser(id);
        }));
        assertThat(ids).hasSize(threads);
    }
}
