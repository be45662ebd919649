package io.github.whatsappai.client;

import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MessageSplitterTest {

    private static final String[] WORDS = {"halo", "terima", "kasih", "pesanan", "Anda", "sudah", "dikirim",
        "the", "order", "ships", "tomorrow", "😀", "👍🏽", "🇮🇩", "👨‍👩‍👧", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "*penting*", "_catatan_",
        "~lama~", "`kode`", "Rp", "99.000", "https://example.com/a_b?c=d", "snake_case_name", "2*3*4"};

    @Test
    void shortTextIsOnePart() {
        assertThat(new MessageSplitter().split("  Hello there  ")).containsExactly("Hello there");
    }

    @Test
    void blankTextHasNoParts() {
        assertThat(new MessageSplitter().split(" \n ")).isEmpty();
        assertThat(new MessageSplitter().split(null)).isEmpty();
    }

    @Test
    void limitBelowMinimumIsRefused() {
        assertThatThrownBy(() -> new MessageSplitter(8)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 16");
    }

    @Test
    void prefersParagraphBreaks() {
        String p1 = "First paragraph. It has two sentences.";
        String p2 = "Second paragraph here. Also two sentences.";
        List<String> parts = new MessageSplitter(60).split(p1 + "\n\n" + p2);
        assertThat(parts).containsExactly(p1, p2);
    }

    @Test
    void thenSentenceBoundaries() {
        String text = "One sentence here. Another one follows! And a third one? Yes, a fourth one.";
        List<String> parts = new MessageSplitter(40).split(text);
        assertThat(parts).containsExactly("One sentence here. Another one follows!", "And a third one? Yes, a fourth one.");
    }

    @Test
    void thenWordBoundaries() {
        String text = "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda";
        List<String> parts = new MessageSplitter(20).split(text);
        assertThat(parts).allSatisfy(p -> assertThat(p.length()).isLessThanOrEqualTo(20));
        assertThat(String.join(" ", parts)).isEqualTo(text);
        assertThat(parts).allSatisfy(p -> assertThat(p).doesNotStartWith(" ").doesNotEndWith(" "));
    }

    @Test
    void doesNotCutInsideBoldWhenAWordBoundaryOutsideExists() {
        String text = "Intro words here *this bold span has many words* tail";
        List<String> parts = new MessageSplitter(40).split(text);
        assertThat(parts).containsExactly("Intro words here", "*this bold span has many words* tail");
    }

    @Test
    void hardSplitNeverBreaksASurrogatePair() {
        String text = "😀".repeat(30);
        List<String> parts = new MessageSplitter(17).split(text);
        assertThat(parts).allSatisfy(p -> {
            assertThat(p.length()).isLessThanOrEqualTo(17);
            assertThat(Character.isLowSurrogate(p.charAt(0))).isFalse();
            assertThat(Character.isHighSurrogate(p.charAt(p.length() - 1))).isFalse();
        });
        assertThat(String.join("", parts)).isEqualTo(text);
    }

    @Test
    void longCodeBlockIsClosedAndReopened() {
        StringBuilder code = new StringBuilder("Code:\n```\n");
        for (int i = 0; i < 12; i++) {
            code.append("line_").append(i).append(" = ").append(i).append('\n');
        }
        code.append("```\nAfter.");
        List<String> parts = new MessageSplitter(60).split(code.toString());
        assertThat(parts).hasSizeGreaterThan(2);
        for (String p : parts) {
            assertThat(p.length()).isLessThanOrEqualTo(60);
            int fences = p.split("```", -1).length - 1;
            assertThat(fences % 2).as("balanced fences in %s", p).isZero();
        }
        String joined = String.join("\n", parts).replace("```", "").replaceAll("\\s+", "");
        assertThat(joined).isEqualTo(code.toString().replace("```", "").replaceAll("\\s+", ""));
    }

    @Test
    void cutsBeforeACodeBlockRatherThanInsideIt() {
        String text = "Some explanation text before the code.\n```\nx = 1\ny = 2\n```";
        List<String> parts = new MessageSplitter(45).split(text);
        assertThat(parts).containsExactly("Some explanation text before the code.", "```\nx = 1\ny = 2\n```");
    }

    @RepeatedTest(200)
    void randomTextsKeepEveryPropertyOfASplit(RepetitionInfo info) {
        Random random = new Random(info.getCurrentRepetition() * 7919L);
        int limit = 16 + random.nextInt(300);
        String text = randomText(random, random.nextInt(3000));
        List<String> parts = new MessageSplitter(limit).split(text);
        for (String p : parts) {
            assertThat(p.length()).isLessThanOrEqualTo(limit);
            assertThat(p).isNotBlank();
            assertThat(Character.isLowSurrogate(p.charAt(0))).as("starts with a lone low surrogate").isFalse();
            assertThat(Character.isHighSurrogate(p.charAt(p.length() - 1))).as("ends with a lone high surrogate").isFalse();
        }
        assertThat(String.join("", parts).replaceAll("\\s+", "")).isEqualTo(text.replaceAll("\\s+", ""));
    }

    private static String randomText(Random random, int words) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < words; i++) {
            int r = random.nextInt(100);
            if (r < 3) {
                sb.append("\n\n");
            } else if (r < 6) {
                sb.append(". ");
            } else if (r < 8) {
                sb.append('\n');
            } else if (r < 9) {
                sb.append("😀".repeat(random.nextInt(60)));
            } else if (r < 10) {
                sb.append("x".repeat(random.nextInt(400)));
            } else {
                sb.append(' ');
            }
            sb.append(WORDS[random.nextInt(WORDS.length)]);
        }
        return sb.toString();
    }
}
