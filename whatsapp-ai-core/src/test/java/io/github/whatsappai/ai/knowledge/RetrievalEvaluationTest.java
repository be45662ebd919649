package io.github.whatsappai.ai.knowledge;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Retrieval quality on eight license texts with near-duplicate clauses (see
 * {@code src/test/resources/kb-eval/README.md}). Deterministic: a regression in extraction,
 * chunking, tokenising or ranking fails the build.
 */
class RetrievalEvaluationTest {

    private static final Logger LOG = LoggerFactory.getLogger(RetrievalEvaluationTest.class);

    @TempDir
    static Path dir;

    private static RetrievalEvaluation evaluation;

    @BeforeAll
    static void load() {
        evaluation = RetrievalEvaluation.load(dir);
    }

    @Test
    void questionSetIsLargeEnoughAndEveryAnswerExistsOnce() {
        assertThat(evaluation.questions()).hasSizeGreaterThanOrEqualTo(25);
        assertThat(evaluation.heldOut()).isNotEmpty();
        List<RetrievalEvaluation.Question> all = new ArrayList<>(evaluation.questions());
        all.addAll(evaluation.heldOut());
        for (RetrievalEvaluation.Question q : all) {
            // extraction and chunking kept the answer whole: some passage of the right document holds it
            assertThat(evaluation.knowledgeBase().search(q.text(), 100_000))
                    .as("a passage of %s holding '%s'", q.document(), q.answer())
                    .anyMatch(p -> RetrievalEvaluation.holdsAnswer(p, q));
        }
    }

    @Test
    void answerReachesThePromptForAtLeast90PercentWithinTheDefaultBudget() {
        RetrievalEvaluation.Result result = evaluation.run(KnowledgeBase.DEFAULT_PROMPT_CHARS);
        for (int budget : new int[] {1000, 2000, 4000, 8000}) {
            RetrievalEvaluation.Result r = evaluation.run(budget);
            LOG.info("budget {} chars: recall {}/{} = {}%, average prompt {} chars ({}% of the {} chars of all documents); missed {}",
                    budget, r.answered(), r.total(), Math.round(r.recall() * 1000) / 10.0,
                    Math.round(r.averagePromptChars()),
                    Math.round(r.averagePromptChars() * 1000 / evaluation.corpusChars()) / 10.0,
                    evaluation.corpusChars(), r.misses().stream().map(m -> m.document() + ": " + m.text()).toList());
        }
        assertThat(result.recall()).as("misses: %s", result.misses()).isGreaterThanOrEqualTo(0.90);
        assertThat(result.averagePromptChars()).isLessThanOrEqualTo(0.25 * evaluation.corpusChars());
    }

    @Test
    void heldOutQuestionsWrittenAfterTuningAlsoReachThePrompt() {
        for (int budget : new int[] {1000, 2000, 4000}) {
            RetrievalEvaluation.Result r = evaluation.run(budget, evaluation.heldOut());
            LOG.info("held-out, budget {} chars: recall {}/{}; missed {}", budget, r.answered(), r.total(),
                    r.misses().stream().map(m -> m.document() + ": " + m.text()).toList());
        }
        RetrievalEvaluation.Result result = evaluation.run(KnowledgeBase.DEFAULT_PROMPT_CHARS, evaluation.heldOut());
        assertThat(result.recall()).as("misses: %s", result.misses()).isGreaterThanOrEqualTo(0.75);
    }
}
