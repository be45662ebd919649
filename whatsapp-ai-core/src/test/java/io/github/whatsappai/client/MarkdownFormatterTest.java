package io.github.whatsappai.client;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class MarkdownFormatterTest {

    record Case(String name, String input, String expected) {
    }

    static List<Case> corpus() throws IOException {
        String text;
        try (InputStream in = MarkdownFormatterTest.class.getResourceAsStream("/markdown/corpus.txt")) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        List<Case> cases = new ArrayList<>();
        String name = null;
        StringBuilder input = new StringBuilder();
        StringBuilder expected = new StringBuilder();
        StringBuilder current = null;
        for (String line : text.split("\n", -1)) {
            if (line.startsWith("=== ")) {
                if (name != null) {
                    cases.add(new Case(name, strip(input), strip(expected)));
                }
                name = line.substring(4);
                input.setLength(0);
                expected.setLength(0);
                current = input;
            } else if (line.equals("--- expected") && current == input) {
                current = expected;
            } else if (current != null) {
                current.append(line).append('\n');
            }
        }
        cases.add(new Case(name, strip(input), strip(expected)));
        return cases;
    }

    private static String strip(StringBuilder sb) {
        String s = sb.toString();
        while (s.endsWith("\n")) {
            s = s.substring(0, s.length() - 1);
        }
        return s;
    }

    @TestFactory
    List<DynamicTest> corpusOfLlmReplies() throws IOException {
        List<Case> cases = corpus();
        assertThat(cases).hasSizeGreaterThanOrEqualTo(40);
        return cases.stream()
                .map(c -> DynamicTest.dynamicTest(c.name(),
                        () -> assertThat(MarkdownFormatter.toWhatsApp(c.input())).isEqualTo(c.expected())))
                .toList();
    }

    @Test
    void windowsLineEndingsBecomeNewlines() {
        assertThat(MarkdownFormatter.toWhatsApp("Line **one**\r\nLine two\rLine three"))
                .isEqualTo("Line *one*\nLine two\nLine three");
    }

    @Test
    void nullAndEmptyGiveEmpty() {
        assertThat(MarkdownFormatter.toWhatsApp(null)).isEmpty();
        assertThat(MarkdownFormatter.toWhatsApp("  \n\n ")).isEmpty();
    }

    @Test
    void controlCharactersUsedInternallyDoNotLeak() {
        assertThat(MarkdownFormatter.toWhatsApp("a\u0000b\u0001c **d**")).isEqualTo("abc *d*");
    }
}
