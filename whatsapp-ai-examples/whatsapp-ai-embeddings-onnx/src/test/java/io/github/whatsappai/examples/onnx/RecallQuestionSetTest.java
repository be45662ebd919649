package io.github.whatsappai.examples.onnx;

import io.github.whatsappai.ai.knowledge.PdfKnowledgeBase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The recall evaluation's question sets are sound, checked in every build without the model: at
 * least 40 held-out questions per language, no question in both sets, and every answer text
 * occurring exactly once in its document and surviving PDF rendering, extraction and chunking
 * whole inside one passage (otherwise a miss would measure the test data, not retrieval).
 */
class RecallQuestionSetTest {

    @Test
    void everyAnswerExistsOnceAndSurvivesTheRoundTripThroughAPdf(@TempDir Path dir) {
        List<RecallEvaluation.Question> dev = RecallEvaluation.questions("dev");
        List<RecallEvaluation.Question> heldOut = RecallEvaluation.questions("heldout");
        for (String language : List.of("en", "id")) {
            assertThat(heldOut).filteredOn(q -> q.language().equals(language)).hasSizeGreaterThanOrEqualTo(40);
            assertThat(dev).filteredOn(q -> q.language().equals(language)).hasSizeGreaterThanOrEqualTo(20);
        }
        assertThat(dev).extracting(RecallEvaluation.Question::text)
                .doesNotContainAnyElementsOf(heldOut.stream().map(RecallEvaluation.Question::text).toList());

        RecallEvaluation.Corpus corpus = RecallEvaluation.render(dir);
        assertThat(corpus.pages()).as("pages of the knowledge base").isGreaterThanOrEqualTo(80);
        List<RecallEvaluation.Question> all = new ArrayList<>(dev);
        all.addAll(heldOut);
        try (PdfKnowledgeBase kb = PdfKnowledgeBase.builder()
                .sources(corpus.pdfs().stream().map(Path::toString).toList()).build()) {
            kb.refreshNow();
            for (RecallEvaluation.Question q : all) {
                for (RecallEvaluation.Answer a : q.answers()) {
                    String text = corpus.texts().get(a.document());
                    assertThat(text).as("document %s", a.document()).isNotNull();
                    assertThat(text.indexOf(a.text())).as("'%s' in %s", a.text(), a.document()).isNotNegative()
                            .isEqualTo(text.lastIndexOf(a.text()));
                    assertThat(kb.search(a.text(), 500)).as("a passage of %s holding '%s'", a.document(), a.text())
                            .anyMatch(p -> p.source().endsWith("/" + a.document() + ".pdf")
                                    && RecallEvaluation.normalise(p.text()).contains(a.text()));
                }
            }
        }
    }
}
