package io.github.whatsappai.internal;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RedactionTest {

    @Test
    void masksPhoneNumbersKeepingBothEnds() {
        assertThat(Redaction.maskId("15555550123")).isEqualTo("155******23");
        assertThat(Redaction.maskId("15555550123")).doesNotContain("5555501");
    }

    @Test
    void masksBusinessScopedIdsAfterTheCountryCode() {
        assertThat(Redaction.maskId("US.1349120865")).isEqualTo("US.13******65");
        assertThat(Redaction.maskId("US.ENT.99887766")).startsWith("US.EN").endsWith("66").doesNotContain("9988");
    }

    @Test
    void shortAndMissingIds() {
        assertThat(Redaction.maskId(null)).isEqualTo("-");
        assertThat(Redaction.maskId("")).isEqualTo("-");
        assertThat(Redaction.maskId("12345")).isEqualTo("*****");
        assertThat(Redaction.maskId("US.12")).isEqualTo("*****");
    }

    @Test
    void secretsAreNeverPrinted() {
        assertThat(Redaction.maskSecret("sk-or-v1-abcdef")).isEqualTo("****");
        assertThat(Redaction.maskSecret(null)).isEqualTo("(unset)");
        assertThat(Redaction.maskSecret("")).isEqualTo("(unset)");
    }
}
