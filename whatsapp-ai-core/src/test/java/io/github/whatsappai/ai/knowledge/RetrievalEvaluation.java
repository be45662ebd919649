package io.github.whatsappai.ai.knowledge;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The retrieval-quality evaluation over {@code src/test/resources/kb-eval}: eight license texts
 * rendered to PDF, loaded through {@link PdfKnowledgeBase} from files, and the questions of
 * {@code questions.tsv}. Used by {@link RetrievalEvaluationTest} (which fails the build below
 * 90 %) and by the benchmark report. Deterministic.
 */
public final class RetrievalEvaluation {

    /** Document name (file name without .txt) → PDF title. */
    static final Map<String, String> DOCUMENTS = new LinkedHashMap<>();

    static {
        DOCUMENTS.put("GPL-2", "GNU General Public License, version 2");
        DOCUMENTS.put("GPL-3", "GNU General Public License, version 3");
        DOCUMENTS.put("LGPL-2.1", "GNU Lesser General Public License, version 2.1");
        DOCUMENTS.put("LGPL-3", "GNU Lesser General Public License, version 3");
        DOCUMENTS.put("MPL-2.0", "Mozilla Public License, version 2.0");
        DOCUMENTS.put("Apache-2.0", "Apache License, version 2.0");
        DOCUMENTS.put("GFDL-1.3", "GNU Free Documentation License, version 1.3");
        DOCUMENTS.put("Artistic", "The Artistic License");
    }

    private static final Pattern WS = Pattern.compile("\\s+");

    /** One question of the set. */
    public record Question(String document, String text, String answer) {
    }

    /**
     * The outcome at one budget.
     *
     * @param budget prompt characters allowed
     * @param answered questions whose answer passage fit in the budget
     * @param total questions asked
     * @param averagePromptChars average characters of passage text actually used
     * @param misses the questions not answered
     */
    public record Result(int budget, int answered, int total, double averagePromptChars, List<Question> misses) {

        /** Share of questions answered. */
        public double recall() {
            return (double) answered / total;
        }
    }

    private final PdfKnowledgeBase knowledgeBase;
    private final List<Question> questions;
    private final List<Question> heldOut;
    private final long corpusChars;

    private RetrievalEvaluation(PdfKnowledgeBase knowledgeBase, List<Question> questions, List<Question> heldOut,
                                long corpusChars) {
        this.knowledgeBase = knowledgeBase;
        this.questions = questions;
        this.heldOut = heldOut;
        this.corpusChars = corpusChars;
    }

    /** Renders the documents into {@code dir} as PDFs and loads them. */
    public static RetrievalEvaluation load(Path dir) {
        PdfKnowledgeBase.Builder builder = PdfKnowledgeBase.builder();
        long chars = 0;
        try {
            for (Map.Entry<String, String> doc : DOCUMENTS.entrySet()) {
                String text = TestPdfs.resource("/kb-eval/" + doc.getKey() + ".txt");
                chars += WS.matcher(text).replaceAll(" ").strip().length();
                Path pdf = dir.resolve(doc.getKey() + ".pdf");
                Files.write(pdf, TestPdfs.preformatted(doc.getValue(), text, 55));
                builder.source(pdf.toString());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        PdfKnowledgeBase kb = builder.build();
        kb.refreshNow();
        if (kb.stats().documents() != DOCUMENTS.size()) {
            throw new IllegalStateException("not every evaluation document loaded: " + kb.stats());
        }
        return new RetrievalEvaluation(kb, questions("/kb-eval/questions.tsv"),
                questions("/kb-eval/questions-heldout.tsv"), chars);
    }

    private static List<Question> questions(String resource) {
        List<Question> questions = new ArrayList<>();
        for (String line : TestPdfs.resource(resource).split("\n")) {
            if (!line.isBlank()) {
                String[] f = line.split("\t");
                questions.add(new Question(f[0], f[1], f[2]));
            }
        }
        return questions;
    }

    /** The questions the defaults were tuned on ({@code questions.tsv}). */
    public List<Question> questions() {
        return questions;
    }

    /** Questions written after the tuning ({@code questions-heldout.tsv}): a check against overfitting. */
    public List<Question> heldOut() {
        return heldOut;
    }

    /** Characters of all documents' text together: what stuffing everything into a prompt costs. */
    public long corpusChars() {
        return corpusChars;
    }

    /** The knowledge base holding the documents. */
    public PdfKnowledgeBase knowledgeBase() {
        return knowledgeBase;
    }

    /** Asks every tuning question with {@link KnowledgeBase#searchWithinBudget} at {@code budget}. */
    public Result run(int budget) {
        return run(budget, questions);
    }

    /** Asks {@code questions} with {@link KnowledgeBase#searchWithinBudget} at {@code budget}. */
    public Result run(int budget, List<Question> questions) {
        int answered = 0;
        long used = 0;
        List<Question> misses = new ArrayList<>();
        for (Question q : questions) {
            List<Passage> passages = knowledgeBase.searchWithinBudget(q.text(), budget);
            for (Passage p : passages) {
                used += p.text().length();
            }
            if (passages.stream().anyMatch(p -> holdsAnswer(p, q))) {
                answered++;
            } else {
                misses.add(q);
            }
        }
        return new Result(budget, answered, questions.size(), (double) used / questions.size(), misses);
    }

    /** Whether {@code p} is from the question's document and contains its answer. */
    static boolean holdsAnswer(Passage p, Question q) {
        return p.source().endsWith(q.document() + ".pdf")
                && WS.matcher(p.text()).replaceAll(" ").contains(q.answer());
    }
}
