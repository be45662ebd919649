package io.github.whatsappai.webhook;

import javax.crypto.Mac;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * Checks Meta's GET handshake and the {@value #SIGNATURE_HEADER} signature of every POST.
 *
 * <p>Signatures are {@code sha256=} followed by the hex HMAC-SHA256 of the <em>raw</em> body bytes,
 * keyed with the app secret. Every configured secret is tried (several during a rotation) and each
 * digest is compared with {@link MessageDigest#isEqual}, in constant time, over all 32 decoded bytes.
 * SHA-1 ({@code X-Hub-Signature}) is never accepted. Fails closed: a verifier cannot be built
 * without a secret, and a blank secret is refused.
 *
 * <p>The header's form, exactly: optional surrounding white space, the prefix {@code sha256=}, then
 * exactly 64 ASCII hex digits. Meta writes the digits in lower case; upper- and mixed-case digits
 * (and an upper-case prefix) are accepted too, because the comparison is made on the decoded bytes
 * and the case of a hex digit carries none of them. Anything else (another prefix, no prefix, fewer
 * or more digits, a non-ASCII digit) is {@link SignatureCheck#MALFORMED}; a well-formed digest that
 * differs in any bit is {@link SignatureCheck#MISMATCH}.
 *
 * <p>Thread-safe: the HMAC keys are prepared once and each thread reuses its own {@link Mac}
 * instances and digest buffers, so a check allocates nothing.
 */
public final class WebhookVerifier {

    /** The header carrying the body's HMAC-SHA256. */
    public static final String SIGNATURE_HEADER = "X-Hub-Signature-256";
    /** The prefix of {@value #SIGNATURE_HEADER} values. */
    public static final String SIGNATURE_PREFIX = "sha256=";
    /** Handshake query parameter: always {@code subscribe}. */
    public static final String MODE_PARAMETER = "hub.mode";
    /** Handshake query parameter: the verify token typed into Meta's dashboard. */
    public static final String TOKEN_PARAMETER = "hub.verify_token";
    /** Handshake query parameter: echoed verbatim when the handshake is accepted. */
    public static final String CHALLENGE_PARAMETER = "hub.challenge";

    private static final String HMAC_SHA256 = "HmacSHA256";
    private static final int DIGEST_BYTES = 32;

    /** Outcome of a signature check; only {@link #VALID} lets a body through. */
    public enum SignatureCheck {
        /** The signature matches one of the configured secrets. */
        VALID,
        /** No {@value #SIGNATURE_HEADER} header. */
        MISSING,
        /** The header is not {@code sha256=} followed by 64 hex digits. */
        MALFORMED,
        /** Well-formed, but computed with another secret or over other bytes. */
        MISMATCH;

        /** Whether the body may be processed. */
        public boolean isValid() {
            return this == VALID;
        }
    }

    private final List<SecretKeySpec> keys;
    private final byte[] verifyTokenDigest;
    private final ThreadLocal<PerThread> perThread;

    /**
     * Creates a verifier.
     *
     * @param appSecrets the app secrets, current first; at least one, none blank
     * @param verifyToken the handshake's verify token, not blank
     * @throws IllegalArgumentException when a secret or the token is missing
     */
    public WebhookVerifier(Collection<String> appSecrets, String verifyToken) {
        Objects.requireNonNull(appSecrets, "appSecrets");
        if (appSecrets.isEmpty() || appSecrets.stream().anyMatch(s -> s == null || s.isBlank())) {
            throw new IllegalArgumentException("at least one app secret is required and none may be blank: "
                    + "the SDK never skips signature verification");
        }
        if (verifyToken == null || verifyToken.isBlank()) {
            throw new IllegalArgumentException("a verify token is required for Meta's handshake");
        }
        List<SecretKeySpec> k = new ArrayList<>(appSecrets.size());
        for (String secret : appSecrets) {
            k.add(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), HMAC_SHA256));
        }
        this.keys = List.copyOf(k);
        this.verifyTokenDigest = sha256(verifyToken.getBytes(StandardCharsets.UTF_8));
        this.perThread = ThreadLocal.withInitial(() -> new PerThread(newMacs()));
    }

    /**
     * Checks a POST's signature header against its raw body.
     *
     * @param signatureHeader the {@value #SIGNATURE_HEADER} value, or {@code null} when absent
     * @param body the body bytes exactly as received
     * @return {@link SignatureCheck#VALID} only when one configured secret produced the signature
     */
    public SignatureCheck verifySignature(String signatureHeader, byte[] body) {
        Objects.requireNonNull(body, "body");
        if (signatureHeader == null || signatureHeader.isBlank()) {
            return SignatureCheck.MISSING;
        }
        PerThread state = perThread.get();
        if (!decode(signatureHeader.strip(), state.expected)) {
            return SignatureCheck.MALFORMED;
        }
        boolean matched = false;
        // Every secret is tried, without stopping at the first match, so timing does not tell
        // which secret signed the body.
        for (Mac mac : state.macs) {
            mac.update(body);
            try {
                mac.doFinal(state.actual, 0);
            } catch (ShortBufferException e) {
                throw new IllegalStateException("HmacSHA256 produced more than " + DIGEST_BYTES + " bytes", e);
            }
            matched |= MessageDigest.isEqual(state.actual, state.expected);
        }
        return matched ? SignatureCheck.VALID : SignatureCheck.MISMATCH;
    }

    /**
     * Whether a GET handshake may be answered with its challenge: {@code hub.mode} is
     * {@code subscribe} and {@code hub.verify_token} equals the configured token (constant time).
     */
    public boolean verifyHandshake(String mode, String verifyToken) {
        if (verifyToken == null) {
            return false;
        }
        boolean tokenMatches = MessageDigest.isEqual(
                sha256(verifyToken.getBytes(StandardCharsets.UTF_8)), verifyTokenDigest);
        return "subscribe".equals(mode) && tokenMatches;
    }

    /**
     * Decodes {@code sha256=<64 hex>} (prefix and hex in either case) into {@code out}'s 32 bytes;
     * {@code false} when the header is malformed.
     */
    private static boolean decode(String header, byte[] out) {
        if (header.length() != SIGNATURE_PREFIX.length() + 2 * DIGEST_BYTES
                || !header.regionMatches(true, 0, SIGNATURE_PREFIX, 0, SIGNATURE_PREFIX.length())) {
            return false;
        }
        int p = SIGNATURE_PREFIX.length();
        for (int i = 0; i < DIGEST_BYTES; i++) {
            int hi = hex(header.charAt(p + 2 * i));
            int lo = hex(header.charAt(p + 2 * i + 1));
            if (hi < 0 || lo < 0) {
                return false;
            }
            out[i] = (byte) (hi << 4 | lo);
        }
        return true;
    }

    /** ASCII hex only: {@link Character#digit} would also accept non-ASCII digits. */
    private static int hex(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }

    private Mac[] newMacs() {
        Mac[] out = new Mac[keys.size()];
        try {
            for (int i = 0; i < out.length; i++) {
                out[i] = Mac.getInstance(HMAC_SHA256);
                out[i].init(keys.get(i));
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
        }
        return out;
    }

    /** One thread's MACs (one per secret) and digest buffers. */
    private static final class PerThread {
        final Mac[] macs;
        final byte[] expected = new byte[DIGEST_BYTES];
        final byte[] actual = new byte[DIGEST_BYTES];

        PerThread(Mac[] macs) {
            this.macs = macs;
        }
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available in this JVM", e);
        }
    }
}
