package io.github.whatsappai.internal;

import org.junit.jupiter.api.Test;

import java.text.Normalizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TextSanitizerTest {

    private final TextSanitizer s = new TextSanitizer(4096);

    @Test
    void plainTextIsReturnedAsIs() {
        String text = "Hello,\n\tworld! 50% off/promo @store <3";
        assertThat(s.sanitize(text)).isSameAs(text);
        assertThat(s.sanitize(null)).isNull();
        assertThat(s.sanitize("")).isEmpty();
    }

    @Test
    void controlCharactersAreRemovedExceptNewlineAndTab() {
        assertThat(s.sanitize("a\u0000b\u0001c\u001Fd\u007Fe\u0080f\u009Fg\rh\ni\tj\u001Bk"))
                .isEqualTo("abcdefgh\ni\tjk");
    }

    @Test
    void bidiOverridesAndIsolatesAreRemovedButDirectionMarksKept() {
        assertThat(s.sanitize("x\u202Ay\u202Bz\u202C1\u202D2\u202E3\u20664\u20675\u20686\u20697"))
                .isEqualTo("xyz1234567");
        String hebrew = "\u05E9\u05DC\u05D5\u05DD\u200F 123\u200E \u061C";
        assertThat(s.sanitize(hebrew)).isEqualTo(hebrew);
    }

    @Test
    void normalisesToNfc() {
        assertThat(s.sanitize("Cafe\u0301 nin\u0303o")).isEqualTo("Caf\u00e9 ni\u00f1o");
        String composed = "Caf\u00e9";
        assertThat(s.sanitize(composed)).isEqualTo(composed);
    }

    @Test
    void unpairedSurrogatesAreRemovedAndPairsKept() {
        assertThat(s.sanitize("a\uD83Db\uDE42c\uD83D\uDE42")).isEqualTo("abc\uD83D\uDE42");
    }

    @Test
    void capsWithoutSplittingASurrogatePair() {
        TextSanitizer five = new TextSanitizer(5);
        assertThat(five.sanitize("abcdefgh")).isEqualTo("abcde");
        assertThat(five.sanitize("abcd\uD83D\uDE42")).isEqualTo("abcd");
        assertThat(five.sanitize("abc\uD83D\uDE42x")).isEqualTo("abc\uD83D\uDE42");
        assertThat(five.sanitize("\u202Eabcde")).isEqualTo("abcde");
        assertThat(TextSanitizer.cap("abc", 3)).isEqualTo("abc");
        assertThatThrownBy(() -> new TextSanitizer(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void nonAsciiTextThatIsAlreadyNfcIsReturnedAsIs() {
        String text = "Pre\u00e7o em caf\u00e9? \u041f\u0440\u0438\u0432\u0435\u0442 \u05e9\u05dc\u05d5\u05dd "
                + "\u0645\u0631\u062d\u0628\u0627 \u4f60\u597d \uc548\ub155 \u3053\u3093\u306b\u3061\u306f "
                + "\u2014 \u201cok\u201d\u2026 \u20ac5 \u2764 \uD83D\uDE42\uD83D\uDC4D\uD83C\uDFFD";
        assertThat(s.sanitize(text)).isSameAs(text);
    }

    @Test
    void everyNfcSafeCharacterIsAStarterThatNeverChangesOrComposes() {
        StringBuilder before = new StringBuilder();
        for (int cp = 0x20; cp < 0x300; cp++) {
            before.appendCodePoint(cp);
        }
        before.append("\u0627\u05d0\u304b\u30ab\u1100\uac00\u0915\u0b47\u0dd9");
        String preceding = before.toString();
        for (int cp = 0; cp <= 0x1FFFF; cp++) {
            if (!TextSanitizer.isNfcSafe(cp)) {
                continue;
            }
            String c = new String(Character.toChars(cp));
            int type = Character.getType(cp);
            assertThat(type != Character.NON_SPACING_MARK && type != Character.COMBINING_SPACING_MARK
                    && type != Character.ENCLOSING_MARK).as("U+%04X is not a combining mark", cp).isTrue();
            assertThat(Normalizer.normalize(c, Normalizer.Form.NFC)).as("U+%04X is NFC", cp).isEqualTo(c);
            for (int i = 0; i < preceding.length(); i += cp < 0x300 ? 7 : 1) {
                String pair = preceding.charAt(i) + c;
                assertThat(Normalizer.isNormalized(pair, Normalizer.Form.NFC))
                        .as("U+%04X after U+%04X", cp, (int) preceding.charAt(i)).isTrue();
            }
        }
    }

    @Test
    void agreesWithStripThenNormaliseOnRandomMixedText() {
        int[] pool = {'a', 'e', ' ', '\n', '\r', 0x00e9, 0x0301, 0x0308, 0x0338, 0x202E, 0x2066, 0x200F, 0x1100,
            0x1161, 0x11A8, 0xAC00, 0x304B, 0x3099, 0x0627, 0x0653, 0x2126, 0x2000, 0x1F642, 0x1F3FD, 0xD83D,
            0xDE42, 0x2190, 0x0340, 0x0915, 0x093C, 0x0B47, 0x0B3E};
        java.util.Random random = new java.util.Random(42);
        for (int round = 0; round < 20_000; round++) {
            StringBuilder sb = new StringBuilder();
            for (int i = random.nextInt(12); i > 0; i--) {
                sb.appendCodePoint(pool[random.nextInt(pool.length)]);
            }
            String text = sb.toString();
            String expected = Normalizer.normalize(reference(text), Normalizer.Form.NFC);
            assertThat(s.sanitize(text)).as("sanitise %s", text.codePoints()
                    .mapToObj(Integer::toHexString).toList()).isEqualTo(expected);
        }
    }

    /** The removal rules written out plainly, for comparison. */
    private static String reference(String text) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                sb.append(c).append(text.charAt(++i));
            } else if (Character.isSurrogate(c) || c < 0x20 && c != '\n' && c != '\t' || c >= 0x7F && c <= 0x9F
                    || c >= 0x202A && c <= 0x202E || c >= 0x2066 && c <= 0x2069) {
                continue;
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }
}
