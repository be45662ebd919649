package io.github.whatsappai.spi;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class InMemoryUserMapperTest extends UserMapperContract {

    @Override
    protected UserMapper createUserMapper() {
        return new InMemoryUserMapper();
    }

    @Test
    void forgetsTheOldestUserBeyondItsCapacity() {
        AtomicInteger ids = new AtomicInteger();
        InMemoryUserMapper mapper = new InMemoryUserMapper(2, () -> "u" + ids.incrementAndGet());
        String first = mapper.findOrCreateUser(new UserIdentity("1", "15550001", "US.1", null));
        mapper.findOrCreateUser(new UserIdentity("1", "15550002", null, null));
        mapper.findOrCreateUser(new UserIdentity("1", "15550003", null, null));
        assertThat(mapper.size()).isEqualTo(2);
        assertThat(mapper.findByWaId("15550001")).isEmpty();
        assertThat(mapper.findByBsuid("US.1")).isEmpty();
        assertThat(mapper.findOrCreateUser(new UserIdentity("1", "15550001", null, null))).isNotEqualTo(first);
    }

    @Test
    void moveABusinessScopedIdToThePhoneNumbersUserWhenBothAreKnownApart() {
        InMemoryUserMapper mapper = new InMemoryUserMapper();
        String phoneUser = mapper.findOrCreateUser(new UserIdentity("1", "15550001", null, null));
        String bsuidUser = mapper.findOrCreateUser(new UserIdentity("1", null, "US.77", null));
        assertThat(mapper.findOrCreateUser(new UserIdentity("1", "15550001", "US.77", null))).isEqualTo(phoneUser);
        assertThat(mapper.findByBsuid("US.77")).contains(phoneUser);
        assertThat(bsuidUser).isNotEqualTo(phoneUser);
    }

    @Test
    void rejectsANonPositiveCapacity() {
        assertThatThrownBy(() -> new InMemoryUserMapper(0, () -> "x")).isInstanceOf(IllegalArgumentException.class);
    }
}
