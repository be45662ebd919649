package io.github.whatsappai.internal;

import org.junit.jupiter.api.Test;

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
}
