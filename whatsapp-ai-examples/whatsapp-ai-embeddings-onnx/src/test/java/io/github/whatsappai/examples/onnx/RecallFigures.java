package io.github.whatsappai.examples.onnx;

import io.github.whatsappai.ai.OpenRouterResponder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The recall figures of docs/performance/retrieval-recall.md, run on demand only:
 * {@code ./mvnw -B -q -o -pl whatsapp-ai-examples/whatsapp-ai-embeddings-onnx -am test
 * -Dtest=RecallFigures -Dsurefire.failIfNoSpecifiedTests=false -Dfigures=true -Drecall.sets=dev}
 * ({@code -Drecall.sets=dev,heldout} once the design is final; {@code -Drecall.budgets=…},
 * {@code -Drecall.modes=lexical,hybrid}). For each retrieval mode, set, language and budget it
 * prints the share of questions whose answer reached the request to OpenRouter, and the median and
 * 95th percentile of the request's characters; the misses at each budget follow. Writes the same to
 * {@code target/recall-figures.md}. Asserts nothing.
 */
@EnabledIfSystemProperty(named = "figures", matches = "true")
class RecallFigures {

    @Test
    void recallThroughTheResponder(@TempDir Path dir) throws IOException {
        List<String> sets = List.of(System.getProperty("recall.sets", "dev").split(","));
        int[] budgets = Arrays.stream(System.getProperty("recall.budgets", "1000,2000,3000,4000,6000,8000,10000")
                .split(",")).mapToInt(Integer::parseInt).toArray();
        List<String> modes = List.of(System.getProperty("recall.modes", "lexical,hybrid").split(","));
        StringBuilder out = new StringBuilder();
        StringBuilder misses = new StringBuilder();
        out.append("started ").append(Instant.now()).append(", load ").append(load()).append('\n');
        for (String mode : modes) {
            InProcessEmbedder embedder = mode.equals("hybrid") ? InProcessEmbedder.create() : null;
            long t0 = System.nanoTime();
            try (RecallEvaluation eval = RecallEvaluation.start(dir.resolve(mode), embedder)) {
                RecallEvaluation.Corpus corpus = eval.corpus();
                out.append(String.format("%n%s: %d documents, %d pages, %d characters, indexed in %.1f s%n%n",
                        mode, corpus.pdfs().size(), corpus.pages(), corpus.chars(), (System.nanoTime() - t0) / 1e9));
                out.append("| set | language | budget (chars) | share of the knowledge base | recall "
                        + "| request chars median | p95 | passage chars median |\n|---|---|---|---|---|---|---|---|\n");
                for (String set : sets) {
                    List<RecallEvaluation.Question> questions = RecallEvaluation.questions(set);
                    for (String language : List.of("en", "id")) {
                        List<RecallEvaluation.Question> qs = questions.stream()
                                .filter(q -> q.language().equals(language)).toList();
                        for (int budget : budgets) {
                            OpenRouterResponder responder = eval.responder(budget);
                            List<RecallEvaluation.Outcome> outcomes = new ArrayList<>();
                            for (RecallEvaluation.Question q : qs) {
                                outcomes.add(eval.ask(responder, q));
                            }
                            long answered = outcomes.stream().filter(RecallEvaluation.Outcome::answered).count();
                            int[] prompt = outcomes.stream().mapToInt(RecallEvaluation.Outcome::promptChars).toArray();
                            int[] passages = outcomes.stream().mapToInt(RecallEvaluation.Outcome::passageChars).toArray();
                            out.append(String.format("| %s | %s | %,d | %.1f %% | %d/%d = %.1f %% | %,d | %,d | %,d |%n",
                                    set, language, budget, 100.0 * budget / corpus.chars(), answered, qs.size(),
                                    100.0 * answered / qs.size(), RecallEvaluation.quantile(prompt, 0.5),
                                    RecallEvaluation.quantile(prompt, 0.95), RecallEvaluation.quantile(passages, 0.5)));
                            List<String> missed = outcomes.stream().filter(o -> !o.answered())
                                    .map(o -> o.question().text()).toList();
                            misses.append(String.format("%s %s %s %,d: %s%n", mode, set, language, budget, missed));
                        }
                    }
                }
            }
        }
        out.append('\n').append(misses).append("finished ").append(Instant.now()).append(", load ").append(load()).append('\n');
        System.out.print(out);
        Files.writeString(Path.of("target", "recall-figures.md"), out);
    }

    private static String load() throws IOException {
        return Files.readString(Path.of("/proc/loadavg")).strip();
    }
}
