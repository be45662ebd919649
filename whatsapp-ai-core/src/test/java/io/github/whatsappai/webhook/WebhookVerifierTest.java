package io.github.whatsappai.webhook;

import io.github.whatsappai.Fixtures;
import io.github.whatsappai.testing.SignedWebhooks;
import io.github.whatsappai.webhook.WebhookVerifier.SignatureCheck;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WebhookVerifierTest {

    /** The wire-exact text fixture signed with the test secret, as Meta writes it: lowercase hex. */
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

    /**
     * The stated rule: hex digits and the prefix are accepted in either case, because the decoded
     * 32 bytes are what is compared and the case carries none of them. Meta sends lowercase.
     */
    @Test
    void acceptsUpperAndMixedCaseHexAndPrefixAndSurroundingSpace() {
        String hex = VECTOR.substring(7);
        assertThat(verifier.verifySignature("sha256=" + hex.toUpperCase(Locale.ROOT), body))
                .isEqualTo(SignatureCheck.VALID);
        StringBuilder mixed = new StringBuilder(hex);
        for (int i = 0; i < mixed.length(); i += 2) {
            mixed.setCharAt(i, Character.toUpperCase(mixed.charAt(i)));
        }
        assertThat(verifier.verifySignature("sha256=" + mixed, body)).isEqualTo(SignatureCheck.VALID);
        assertThat(verifier.verifySignature("SHA256=" + hex, body)).isEqualTo(SignatureCheck.VALID);
        assertThat(verifier.verifySignature("Sha256=" + hex, body)).isEqualTo(SignatureCheck.VALID);
        assertThat(verifier.verifySignature(" " + VECTOR + " ", body)).isEqualTo(SignatureCheck.VALID);
    }

    @Test
    void everyOneBitFlipInEveryBytePositionIsRejected() {
        byte[] digest = HexFormat.of().parseHex(VECTOR.substring(7));
        int checked = 0;
        for (int position = 0; position < digest.length; position++) {
            for (int bit = 0; bit < 8; bit++) {
                byte[] flipped = digest.clone();
                flipped[position] ^= (byte) (1 << bit);
                String lower = HexFormat.of().formatHex(flipped);
                String upper = lower.toUpperCase(Locale.ROOT);
                assertThat(verifier.verifySignature("sha256=" + lower, body))
                        .as("byte %d bit %d", position, bit).isEqualTo(SignatureCheck.MISMATCH);
                assertThat(verifier.verifySignature("sha256=" + upper, body))
                        .as("byte %d bit %d, upper case", position, bit).isEqualTo(SignatureCheck.MISMATCH);
                checked++;
            }
        }
        assertThat(checked).isEqualTo(32 * 8);
    }

    @Test
    void everyTruncatedDigestIsRejected() {
        String hex = VECTOR.substring(7);
        for (int length = 0; length < hex.length(); length++) {
            String truncated = "sha256=" + hex.substring(0, length);
            assertThat(verifier.verifySignature(truncated, body)).as(truncated).isEqualTo(SignatureCheck.MALFORMED);
            // the same prefix padded back to 64 digits with zeros is well-formed but wrong
            String padded = "sha256=" + (hex.substring(0, length) + "0".repeat(64)).substring(0, 64);
            if (!padded.equals(VECTOR)) {
                assertThat(verifier.verifySignature(padded, body)).as(padded).isEqualTo(SignatureCheck.MISMATCH);
            }
        }
    }

    @Test
    void everyExtendedDigestIsRejected() {
        String hex = VECTOR.substring(7);
        for (String tail : List.of("0", "00", "f", "ff", "0000000000000000", hex, hex.substring(0, 2), ":", "\0")) {
            assertThat(verifier.verifySignature(VECTOR + tail, body)).as(VECTOR + tail)
                    .isEqualTo(SignatureCheck.MALFORMED);
        }
        assertThat(verifier.verifySignature("sha256=00" + hex, body)).isEqualTo(SignatureCheck.MALFORMED);
        assertThat(verifier.verifySignature(VECTOR + "," + VECTOR, body)).isEqualTo(SignatureCheck.MALFORMED);
        assertThat(verifier.verifySignature(VECTOR + " " + VECTOR, body)).isEqualTo(SignatureCheck.MALFORMED);
    }

    @Test
    void aMissingOrDifferentPrefixIsRejected() {
        String hex = VECTOR.substring(7);
        for (String prefix : List.of("", "=", "sha256", "sha256:", "sha256 =", "sha-256=", "sha1=", "sha512=",
                "sha384=", "hmac-sha256=", "sha257=", "sha25=", "xsha256=", "sha256==", " sha256 = ", "md5=")) {
            String header = prefix + hex;
            assertThat(verifier.verifySignature(header, body)).as(header).isEqualTo(SignatureCheck.MALFORMED);
        }
        // the right length, but a different prefix in the place of sha256=
        assertThat(verifier.verifySignature("sha512=" + hex, body)).isEqualTo(SignatureCheck.MALFORMED);
        assertThat(verifier.verifySignature("SHA-25=" + hex, body)).isEqualTo(SignatureCheck.MALFORMED);
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
        assertThat(rotating.verifySignature(SignedWebhooks.signature(body, "the_new_secret"), body))
                .isEqualTo(SignatureCheck.VALID);
    }

    @Test
    void aSecretListWhereOnlyTheSecondSecretMatchesIsAccepted() {
        WebhookVerifier second = new WebhookVerifier(List.of("not_the_secret", Fixtures.SECRET), "t");
        assertThat(second.verifySignature(VECTOR, body)).isEqualTo(SignatureCheck.VALID);
        WebhookVerifier last = new WebhookVerifier(List.of("one", "two", Fixtures.SECRET), "t");
        assertThat(last.verifySignature(VECTOR, body)).isEqualTo(SignatureCheck.VALID);
        // and the second secret does not make a flipped digest pass
        byte[] digest = HexFormat.of().parseHex(VECTOR.substring(7));
        digest[31] ^= 1;
        assertThat(second.verifySignature("sha256=" + HexFormat.of().formatHex(digest), body))
                .isEqualTo(SignatureCheck.MISMATCH);
        WebhookVerifier neither = new WebhookVerifier(List.of("one", "two"), "t");
        assertThat(neither.verifySignature(VECTOR, body)).isEqualTo(SignatureCheck.MISMATCH);
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
        List<List<String>> noSecret = List.of(List.of(), List.of(""), List.of(" "), List.of("\t\n"),
                List.of(Fixtures.SECRET, ""), List.of("", Fixtures.SECRET), List.of(Fixtures.SECRET, " "),
                Arrays.asList(Fixtures.SECRET, null));
        for (List<String> secrets : noSecret) {
            assertThatThrownBy(() -> new WebhookVerifier(secrets, "t")).as("%s", secrets)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("app secret");
        }
        assertThatThrownBy(() -> new WebhookVerifier(null, "t")).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new WebhookVerifier(List.of("s"), "")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new WebhookVerifier(List.of("s"), " ")).isInstanceOf(IllegalArgumentException.class);
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
