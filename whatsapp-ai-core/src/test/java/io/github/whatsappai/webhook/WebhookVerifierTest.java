package io.github.whatsappai.webhook;

import io.github.whatsappai.Fixtures;
import io.github.whatsappai.webhook.WebhookVerifier.SignatureCheck;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WebhookVerifierTest {

    /** PROTOCOL.md §H: the wire-exact fixture signed with the test secret. */
    static final String VECTOR = "sha256=ebadc28e2f9da0a1e030919b37836db322328331f57c99058236e7577326133c";
    /** The same JSON parsed and re-serialised without escapes: must never verify. */
    static final String RESERIALISED = "sha256=cfd8aa0d52197897869f3246a9fc5ea19726b30826f69d4c2d9fcba4b67105b1";

    private final byte[] body = Fixtures.payload("wa_webhook_text.json");
    private final WebhookVerifier verifier = new WebhookVerifier(List.of(Fixtures.SECRET), Fixtures.VERIFY_TOKEN);

    @Test
    void acceptsTheProtocolTestVectorOverTheRawBytes() {
        assertThat(verifier.verifySignature(VECTOR, body)).isEqualTo(SignatureCheck.VALID);
    }

    @Test
    void rejectsTheSignatureOfReserialisedJson() {
        assertThat(verifier.verifySignature(RESERIALISED, body)).isEqualTo(SignatureCheck.MISMATCH);
        String decoded = new String(body, StandardCharsets.UTF_8)
                .replace("\\/", "/").replace("\\u00e9", "\u00e9");
        assertThat(verifier.verifySignature(VECTOR, decoded.getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(SignatureCheck.MISMATCH);
    }

    @Test
    void acceptsUpperCaseHexAndPrefixAndSurroundingSpace() {
        assertThat(verifier.verifySignature("sha256=" + VECTOR.substring(7).toUpperCase(Locale.ROOT), body))
                .isEqualTo(SignatureCheck.VALID);
        assertThat(verifier.verifySignature("SHA256=" + VECTOR.substring(7), body)).isEqualTo(SignatureCheck.VALID);
        assertThat(verifier.verifySignature(" " + VECTOR + " ", body)).isEqualTo(SignatureCheck.VALID);
    }

    @Test
    void missingAndMalformedHeaders() {
        assertThat(verifier.verifySignature(null, body)).isEqualTo(SignatureCheck.MISSING);
        assertThat(verifier.verifySignature("", body)).isEqualTo(SignatureCheck.MISSING);
        String hex = VECTOR.substring(7);
        for (String bad : List.of(hex, "sha256=", "sha256=" + hex.substring(1), "sha256=" + hex + "0",
                "sha1=" + hex.substring(0, 40), "sha512=" + hex, "sha256=" + hex.substring(0, 63) + "g",
                // non-ASCII digits that Character.digit would accept
                "sha256=" + hex.substring(0, 63) + "\u0663", "sha256 " + hex)) {
            assertThat(verifier.verifySignature(bad, body)).as(bad).isEqualTo(SignatureCheck.MALFORMED);
        }
    }

    @Test
    void wrongSecretOrChangedBodyIsAMismatch() {
        WebhookVerifier other = new WebhookVerifier(List.of("another_secret"), "t");
        assertThat(other.verifySignature(VECTOR, body)).isEqualTo(SignatureCheck.MISMATCH);
        byte[] changed = body.clone();
        changed[changed.length - 3] ^= 1;
        assertThat(verifier.verifySignature(VECTOR, changed)).isEqualTo(SignatureCheck.MISMATCH);
        assertThat(verifier.verifySignature(VECTOR, new byte[0])).isEqualTo(SignatureCheck.MISMATCH);
    }

    @Test
    void anyConfiguredSecretVerifiesDuringARotation() {
        WebhookVerifier rotating = new WebhookVerifier(List.of("the_new_secret", Fixtures.SECRET), "t");
        assertThat(rotating.verifySignature(VECTOR, body)).isEqualTo(SignatureCheck.VALID);
        assertThat(rotating.verifySignature(
                io.github.whatsappai.testing.SignedWebhooks.signature(body, "the_new_secret"), body))
                .isEqualTo(SignatureCheck.VALID);
    }

    @Test
    void isReusableAcrossCallsAndThreads() throws Exception {
        for (int i = 0; i < 3; i++) {
            assertThat(verifier.verifySignature(RESERIALISED, body)).isEqualTo(SignatureCheck.MISMATCH);
            assertThat(verifier.verifySignature(VECTOR, body)).isEqualTo(SignatureCheck.VALID);
        }
        Thread[] threads = new Thread[4];
        boolean[] ok = new boolean[threads.length];
        for (int t = 0; t < threads.length; t++) {
            int n = t;
            threads[t] = new Thread(() -> {
                boolean all = true;
                for (int i = 0; i < 500; i++) {
                    all &= verifier.verifySignature(VECTOR, body) == SignatureCheck.VALID;
                    all &= verifier.verifySignature(RESERIALISED, body) == SignatureCheck.MISMATCH;
                }
                ok[n] = all;
            });
            threads[t].start();
        }
        for (Thread t : threads) {
            t.join();
        }
        assertThat(ok).containsOnly(true);
    }

    @Test
    void failsClosedWithoutSecretOrToken() {
        assertThatThrownBy(() -> new WebhookVerifier(List.of(), "t")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new WebhookVerifier(List.of(" "), "t")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new WebhookVerifier(List.of("s"), "")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new WebhookVerifier(List.of("s"), null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void handshake() {
        assertThat(verifier.verifyHandshake("subscribe", Fixtures.VERIFY_TOKEN)).isTrue();
        assertThat(verifier.verifyHandshake("subscribe", Fixtures.VERIFY_TOKEN + "x")).isFalse();
        assertThat(verifier.verifyHandshake("subscribe", Fixtures.VERIFY_TOKEN.substring(1))).isFalse();
        assertThat(verifier.verifyHandshake("subscribe", null)).isFalse();
        assertThat(verifier.verifyHandshake("unsubscribe", Fixtures.VERIFY_TOKEN)).isFalse();
        assertThat(verifier.verifyHandshake(null, Fixtures.VERIFY_TOKEN)).isFalse();
    }
}
