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

    @Test
    void aMalformedIdWithADotFurtherOnKeepsOnlyThreeCharacters() {
        assertThat(Redaction.maskId("6281234567890.123456")).isEqualTo("628***************56");
        assertThat(Redaction.maskId("Siti Rahayu.x")).doesNotContain("Siti", "Rahayu");
    }

    @Test
    void scrubMasksNumbersAndBusinessScopedIdsInsideFreeText() {
        String driver = "ERROR: duplicate key value violates unique constraint \"users_wa_id_key\"\n"
                + "  Detail: Key (wa_id)=(6281234567890) already exists.";
        assertThat(Redaction.scrub(driver))
                .isEqualTo("ERROR: duplicate key value violates unique constraint \"users_wa_id_key\"\n"
                        + "  Detail: Key (wa_id)=(628********90) already exists.");
        assertThat(Redaction.scrub("user US.13491208655300000123. Retry.")).isEqualTo("user US.13****************23. Retry.");
        assertThat(Redaction.scrub("+6281234567890,15555550123")).isEqualTo("+628********90,155******23");
        // short numbers, words with dots and wamids stay readable
        assertThat(Redaction.scrub("HTTP 503 after 3 attempts, e.g. OK.Done, wamid.HBgLMTU1")).isEqualTo(
                "HTTP 503 after 3 attempts, e.g. OK.Done, wamid.HBgLMTU1");
        assertThat(Redaction.scrub(null)).isEqualTo("-");
    }

    @Test
    void textsAreDescribedByTheirLength() {
        assertThat(Redaction.chars("Hi, I am Siti")).isEqualTo("13 chars");
        assertThat(Redaction.chars(null)).isEqualTo("-");
    }

    @Test
    void exceptionsAreDescribedAndCopiedWithScrubbedMessagesAndTheirStackTraces() {
        java.sql.SQLException driver = new java.sql.SQLException("Key (wa_id)=(6281234567890) already exists", "23505");
        RuntimeException error = new RuntimeException("storing 6281234567890 failed", driver);
        error.addSuppressed(new IllegalStateException("rollback of US.13491208655300000123 failed"));

        assertThat(Redaction.describe(error)).isEqualTo("java.lang.RuntimeException: storing 628********90 failed"
                + " (root cause java.sql.SQLException: Key (wa_id)=(628********90) already exists)");
        assertThat(Redaction.describe(null)).isEqualTo("-");

        Throwable masked = Redaction.masked(error);
        assertThat(masked.getMessage()).isEqualTo("java.lang.RuntimeException: storing 628********90 failed");
        assertThat(masked.getStackTrace()).isEqualTo(error.getStackTrace());
        assertThat(masked.getCause().getMessage())
                .isEqualTo("java.sql.SQLException: Key (wa_id)=(628********90) already exists");
        assertThat(masked.getCause().getStackTrace()).isEqualTo(driver.getStackTrace());
        assertThat(masked.getSuppressed()).singleElement().extracting(Throwable::getMessage)
                .isEqualTo("java.lang.IllegalStateException: rollback of US.13****************23 failed");
        assertThat(Redaction.masked(null)).isNull();
    }

    @Test
    void aCyclicCauseChainEnds() {
        RuntimeException a = new RuntimeException("a 6281234567890");
        RuntimeException b = new RuntimeException("b", a);
        a.initCause(b);
        assertThat(Redaction.describe(a)).startsWith("java.lang.RuntimeException: a 628********90");
        Throwable masked = Redaction.masked(a);
        assertThat(masked.getCause().getMessage()).isEqualTo("java.lang.RuntimeException: b");
        assertThat(masked.getCause().getCause()).isNull();
    }
}
