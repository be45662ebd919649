package io.github.whatsappai.examples.demo;

import io.github.whatsappai.ai.AiReply;
import io.github.whatsappai.ai.AiRequest;
import io.github.whatsappai.ai.KnowledgeBaseResponder;
import io.github.whatsappai.ai.knowledge.PdfKnowledgeBase;
import io.github.whatsappai.webhook.model.ConversationKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The PDF bundled with the demo parses, and the offline responder answers from it. */
class SampleKnowledgeBaseTest {

    @Test
    void theBundledPdfAnswersTheDemoQuestions(@TempDir Path dir) throws Exception {
        Path pdf = dir.resolve("sample.pdf");
        try (InputStream in = DemoServer.class.getResourceAsStream("/demo/sample-knowledge-base.pdf")) {
            assertThat(in).as("bundled sample PDF").isNotNull();
            Files.copy(in, pdf);
        }
        try (PdfKnowledgeBase kb = PdfKnowledgeBase.builder().sources(List.of(pdf.toString())).build()) {
            PdfKnowledgeBase.Stats stats = kb.refreshNow();
            assertThat(stats.pages()).isGreaterThanOrEqualTo(2);

            KnowledgeBaseResponder responder = new KnowledgeBaseResponder(kb);
            assertThat(ask(responder, "Do you deliver on Sundays?").text()).contains("Sundays included");
            assertThat(ask(responder, "Apakah bisa bayar pakai GoPay?").text()).contains("GoPay");
            assertThat(ask(responder, "How should I store coffee beans?").text()).contains("airtight");
        }
    }

    @Test
    void theCommittedPdfMatchesItsGenerator() throws Exception {
        byte[] regenerated = SampleKnowledgeBasePdf.render();
        assertThat(regenerated.length).isGreaterThan(1000);
        try (InputStream in = DemoServer.class.getResourceAsStream("/demo/sample-knowledge-base.pdf")) {
            String committed = text(in.readAllBytes());
            assertThat(text(regenerated)).as("regenerate the PDF after editing SampleKnowledgeBasePdf")
                    .isEqualTo(committed);
        }
    }

    private static String text(byte[] pdf) throws Exception {
        try (var doc = org.apache.pdfbox.Loader.loadPDF(pdf)) {
            return new org.apache.pdfbox.text.PDFTextStripper().getText(doc);
        }
    }

    private static AiReply ask(KnowledgeBaseResponder responder, String question) {
        return responder.respond(new AiRequest(new ConversationKey("1", "6281234567890"), "u1", "s1", List.of(),
                List.of(), question));
    }
}
