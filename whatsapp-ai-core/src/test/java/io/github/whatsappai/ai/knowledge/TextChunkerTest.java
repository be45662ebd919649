package io.github.whatsappai.ai.knowledge;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TextChunkerTest {

    private static String sentence(int n) {
        return "Sentence number " + n + " talks about topic " + n + " in some detail here.";
    }

    @Test
    void keepsShortParagraphsTogetherAndPagesOfChunkStart() {
        TextChunker chunker = new TextChunker(200, 50);
        List<TextChunker.Chunk> chunks = chunker.chunk(List.of(
                "Heading one\n\nFirst paragraph is short.\n\nSecond paragraph is short too.",
                "Third paragraph on page two."));
        assertThat(chunks).containsExactly(
                new TextChunker.Chunk(1, "Heading one\n\nFirst paragraph is short.\n\nSecond paragraph is short too."),
                new TextChunker.Chunk(2, "Third paragraph on page two."));
    }

    @Test
    void aSentenceRunningOnToTheNextPageStaysWholeAndTinyPagesMerge() {
        TextChunker chunker = new TextChunker(200, 50);
        List<TextChunker.Chunk> chunks = chunker.chunk(List.of(
                "Title", "Intro text that goes on and on until the end of the page and", "continues here. Done."));
        assertThat(chunks).containsExactly(new TextChunker.Chunk(1,
                "Title\n\nIntro text that goes on and on until the end of the page and continues here. Done."));
    }

    @Test
    void cutsLongParagraphsBetweenSentencesWithOverlap() {
        StringBuilder paragraph = new StringBuilder();
        for (int i = 1; i <= 12; i++) {
            paragraph.append(sentence(i)).append(' ');
        }
        TextChunker chunker = new TextChunker(300, 90);
        List<TextChunker.Chunk> chunks = chunker.chunk(List.of(paragraph.toString()));
        assertThat(chunks).hasSizeGreaterThan(2);
        for (TextChunker.Chunk c : chunks) {
            assertThat(c.text().length()).isLessThanOrEqualTo(300);
            assertThat(c.text()).startsWith("Sentence number").endsWith("detail here.");
        }
        for (int i = 1; i < chunks.size(); i++) {
            String previous = chunks.get(i - 1).text();
            String lastSentence = previous.substring(previous.lastIndexOf("Sentence number"));
            assertThat(chunks.get(i).text()).as("chunk %d repeats the end of chunk %d", i, i - 1)
                    .startsWith(lastSentence);
        }
        // every sentence is somewhere
        String all = String.join(" ", chunks.stream().map(TextChunker.Chunk::text).toList());
        for (int i = 1; i <= 12; i++) {
            assertThat(all).contains(sentence(i));
        }
    }

    @Test
    void noOverlapAcrossParagraphBreaksAndPageOfStartIsKept() {
        String p1 = (sentence(1) + " ").repeat(3).strip();
        String p2 = (sentence(2) + " ").repeat(3).strip();
        String p3 = (sentence(3) + " ").repeat(3).strip();
        TextChunker chunker = new TextChunker(300, 90);
        List<TextChunker.Chunk> chunks = chunker.chunk(List.of(p1 + "\n\n" + p2, "", p3));
        assertThat(chunks).extracting(TextChunker.Chunk::page).containsExactly(1, 1, 3);
        assertThat(chunks.get(1).text()).isEqualTo(p2);
        assertThat(chunks.get(2).text()).isEqualTo(p3);
    }

    @Test
    void joinsLineBreakHyphensAndNormalisesWhitespace() {
        TextChunker chunker = new TextChunker(200, 50);
        List<TextChunker.Chunk> chunks = chunker.chunk(List.of(
                "The exam-\nple shows de-\n  hyphenation,\u00A0while   well-known\nstays.\r\nPem-\nbayaran juga."));
        assertThat(chunks).singleElement().extracting(TextChunker.Chunk::text)
                .isEqualTo("The example shows dehyphenation, while well-known stays. Pembayaran juga.");
    }

    @Test
    void joinsAWordHyphenatedAcrossAPageBreak() {
        List<TextChunker.Chunk> chunks = new TextChunker(200, 50).chunk(List.of(
                "Refunds are paid to the original pay-", "ment method. Done."));
        assertThat(chunks).containsExactly(new TextChunker.Chunk(1, "Refunds are paid to the original payment method. Done."));
    }

    @Test
    void cutsAnOverlongSentenceBetweenWords() {
        String words = "kata ".repeat(100).strip();
        List<TextChunker.Chunk> chunks = new TextChunker(120, 30).chunk(List.of(words));
        assertThat(chunks).hasSizeGreaterThan(3);
        assertThat(chunks).allSatisfy(c -> {
            assertThat(c.text().length()).isLessThanOrEqualTo(120);
            assertThat(c.text()).doesNotStartWith(" ").matches("(kata ?)+");
        });
    }

    @Test
    void rejectsBadSizes() {
        assertThatThrownBy(() -> new TextChunker(50, 10)).hasMessageContaining("at least 100");
        assertThatThrownBy(() -> new TextChunker(200, 100)).hasMessageContaining("half");
    }
}
