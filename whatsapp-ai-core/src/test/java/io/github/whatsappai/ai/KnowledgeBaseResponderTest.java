package io.github.whatsappai.ai;

import io.github.whatsappai.ai.knowledge.Handbook;
import io.github.whatsappai.ai.knowledge.KnowledgeBase;
import io.github.whatsappai.ai.knowledge.Passage;
import io.github.whatsappai.ai.knowledge.PdfKnowledgeBase;
import io.github.whatsappai.webhook.model.ConversationKey;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KnowledgeBaseResponderTest {

    @TempDir
    static Path dir;

    private static PdfKnowledgeBase handbook;

    @BeforeAll
    static void load() throws Exception {
        Path file = dir.resolve("handbook.pdf");
        Files.write(file, Handbook.pdf(30));
        handbook = PdfKnowledgeBase.builder().source(file.toString()).build();
        handbook.refreshNow();
        assertThat(handbook.isReady()).isTrue();
    }

    @AfterAll
    static void close() {
        handbook.close();
    }

    private static AiRequest ask(String userTurn) {
        return new AiRequest(new ConversationKey("123", "15555550123"), "user-1", "session-1", List.of(), List.of(),
                userTurn);
    }

    @Test
    void quotesTheRelevantSentenceWithItsPage() {
        AiReply reply = new KnowledgeBaseResponder(handbook).respond(ask("Can I return shoes and get a refund?"));

        assertThat(reply.model()).isEqualTo("knowledge-base");
        assertThat(reply.promptTokens()).isEqualTo(-1);
        assertThat(reply.text()).startsWith("You may return unworn shoes within 30 days of delivery for a full refund.")
                .contains("(p. 2)")
                .doesNotContain("Bandung").doesNotContain("GoPay");
    }

    @Test
    void answersIndonesianQuestionsFromIndonesianText() {
        AiReply reply = new KnowledgeBaseResponder(handbook).respond(ask("Bisa bayar pakai transfer bank?"));
        assertThat(reply.text()).contains("Pembayaran dapat dilakukan melalui transfer bank").contains("(p. 3)");
    }

    @Test
    void politeNoAnswerWhenNothingMatchesConfigurable() {
        KnowledgeBaseResponder responder = new KnowledgeBaseResponder(handbook);
        assertThat(responder.respond(ask("What is the capital of France?")).text())
                .isEqualTo(KnowledgeBaseResponder.DEFAULT_NO_ANSWER_TEXT);
        assertThat(responder.respond(ask("?!")).text()).isEqualTo(KnowledgeBaseResponder.DEFAULT_NO_ANSWER_TEXT);
        KnowledgeBaseResponder custom = KnowledgeBaseResponder.builder(KnowledgeBase.empty())
                .noAnswerText("Maaf, saya tidak menemukan jawabannya.").build();
        assertThat(custom.respond(ask("refund")).text()).isEqualTo("Maaf, saya tidak menemukan jawabannya.");
        // one shared word is not enough for a multi-word question
        assertThat(responder.respond(ask("quantum shoes entanglement theory")).text())
                .isEqualTo(KnowledgeBaseResponder.DEFAULT_NO_ANSWER_TEXT);
    }

    @Test
    void citesTheDocumentWhenQuotesComeFromSeveralAndRespectsTheReplyLimit() {
        String longSentence = "Delivery to Bali takes three days " + "and the courier calls ahead ".repeat(30) + "always.";
        KnowledgeBase two = (query, limit) -> List.of(
                new Passage("/kb/shipping.pdf", 4, longSentence, 2.0),
                new Passage("https://example.com/docs/faq.pdf", 0, "Delivery is free above 50 euros.", 1.0));
        AiReply reply = KnowledgeBaseResponder.builder(two).maxReplyChars(300).build()
                .respond(ask("delivery Bali days free"));
        assertThat(reply.text().length()).isLessThanOrEqualTo(300);
        assertThat(reply.text()).startsWith("Delivery to Bali takes three days").contains("… (shipping.pdf, p. 4)");

        AiReply both = KnowledgeBaseResponder.builder(two).build().respond(ask("delivery Bali days free"));
        assertThat(both.text()).contains("(shipping.pdf, p. 4)").endsWith("Delivery is free above 50 euros. (faq.pdf)");
    }

    @Test
    void aFailingKnowledgeBaseIsAResponderError() {
        KnowledgeBase broken = (query, limit) -> {
            throw new IllegalStateException("index offline");
        };
        assertThatThrownBy(() -> new KnowledgeBaseResponder(broken).respond(ask("refund policy")))
                .isInstanceOf(AiResponderException.class)
                .hasMessageContaining("knowledge-base search failed")
                .satisfies(e -> assertThat(((AiResponderException) e).isRetryable()).isTrue());
    }

    @Test
    void builderRejectsNonsenseListingEveryProblem() {
        assertThatThrownBy(() -> KnowledgeBaseResponder.builder(handbook).passages(0).maxReplyChars(10)
                .noAnswerText(" ").sentencesPerPassage(0).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("passages must be between 1 and 20, was 0")
                .hasMessageContaining("maxReplyChars must be at least 100, was 10")
                .hasMessageContaining("noAnswerText must not be blank")
                .hasMessageContaining("sentencesPerPassage must be at least 1");
    }

    @Test
    void searchWithinBudgetFillsTheBudgetBestFirst() {
        KnowledgeBase kb = (query, limit) -> List.of(
                new Passage("a", 1, "x".repeat(600), 3), new Passage("b", 1, "y".repeat(500), 2),
                new Passage("c", 1, "z".repeat(300), 1));
        assertThat(kb.searchWithinBudget("q", 1000)).extracting(Passage::source).containsExactly("a", "c");
        assertThat(kb.searchWithinBudget("q", 0)).isEmpty();
    }
}
