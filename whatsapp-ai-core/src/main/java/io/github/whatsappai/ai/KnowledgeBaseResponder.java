package io.github.whatsappai.ai;

import io.github.whatsappai.ai.knowledge.KnowledgeBase;
import io.github.whatsappai.ai.knowledge.Passage;
import io.github.whatsappai.internal.SettingsCheck;
import io.github.whatsappai.internal.TextAnalyzer;

import java.text.BreakIterator;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * An offline responder that answers from the knowledge base alone, without a language model: it
 * searches the passages for the burst's {@link AiRequest#userTurn()}, picks from each of the best
 * passages the sentences that share the most words with the question, and quotes them with the
 * page they come from, e.g. {@code "… within 30 days. (p. 3)"} (the document's name is added when
 * the quotes come from more than one document). When nothing relevant is found it answers a
 * polite, configurable "not found" text. Used by the demo when there is no API key, and as the
 * fallback responder when the AI provider is down.
 *
 * <p>A passage counts as relevant when it shares at least two distinct words with the question
 * (one for a one-word question); a sentence is quoted when it shares at least one. The reply's
 * {@link AiReply#model()} is {@value #MODEL}; there are no token counts.
 *
 * <p>Thread-safe when the knowledge base is (every built-in one is).
 */
public final class KnowledgeBaseResponder implements AiResponder {

    /** The model name in every reply. */
    public static final String MODEL = "knowledge-base";
    /** Passages searched per question: 3. */
    public static final int DEFAULT_PASSAGES = 3;
    /** Longest reply: 1500 characters. */
    public static final int DEFAULT_MAX_REPLY_CHARS = 1500;
    /** Sentences quoted from one passage: 2. */
    public static final int DEFAULT_SENTENCES_PER_PASSAGE = 2;
    /** The answer when nothing matches. */
    public static final String DEFAULT_NO_ANSWER_TEXT = "Sorry, I couldn't find that in the knowledge base. "
            + "Could you rephrase your question?";

    /** A paragraph shorter than this without closing punctuation is taken for a heading and not quoted. */
    private static final int MAX_HEADING_CHARS = 80;

    private final KnowledgeBase knowledgeBase;
    private final int passages;
    private final int maxReplyChars;
    private final int sentencesPerPassage;
    private final String noAnswerText;
    private final TextAnalyzer analyzer = TextAnalyzer.standard();

    /** A responder over {@code knowledgeBase} with the defaults. */
    public KnowledgeBaseResponder(KnowledgeBase knowledgeBase) {
        this(builder(knowledgeBase));
    }

    private KnowledgeBaseResponder(Builder b) {
        this.knowledgeBase = b.knowledgeBase;
        this.passages = b.passages;
        this.maxReplyChars = b.maxReplyChars;
        this.sentencesPerPassage = b.sentencesPerPassage;
        this.noAnswerText = b.noAnswerText;
    }

    /** A builder for a responder over {@code knowledgeBase}. */
    public static Builder builder(KnowledgeBase knowledgeBase) {
        return new Builder(knowledgeBase);
    }

    /**
     * Quotes the most relevant sentences, or answers the "not found" text.
     *
     * @throws AiResponderException when the knowledge base itself fails (a plugged-in one may)
     */
    @Override
    public AiReply respond(AiRequest request) {
        String question = request.userTurn();
        Set<String> questionTerms = new HashSet<>(analyzer.terms(question));
        if (questionTerms.isEmpty()) {
            return AiReply.of(noAnswerText, MODEL);
        }
        List<Passage> found;
        try {
            found = knowledgeBase.search(question, passages);
        } catch (RuntimeException e) {
            throw new AiResponderException("knowledge-base search failed: " + e.getClass().getSimpleName(),
                    1, -1, true, e);
        }
        int needed = Math.min(2, questionTerms.size());
        List<Quote> quotes = new ArrayList<>();
        Set<String> sources = new HashSet<>();
        Set<String> seen = new HashSet<>();
        for (Passage p : found) {
            if (matches(p.text(), questionTerms) < needed) {
                continue;
            }
            String excerpt = excerpt(p.text(), questionTerms);
            if (!excerpt.isEmpty() && seen.add(excerpt)) {
                quotes.add(new Quote(excerpt, p));
                sources.add(p.source());
            }
        }
        if (quotes.isEmpty()) {
            return AiReply.of(noAnswerText, MODEL);
        }
        StringBuilder reply = new StringBuilder();
        for (Quote q : quotes) {
            String cite = citation(q.passage(), sources.size() > 1);
            String separator = reply.length() == 0 ? "" : "\n\n";
            int room = maxReplyChars - reply.length() - separator.length() - cite.length() - 1;
            if (room < 40) {
                break;
            }
            reply.append(separator).append(shorten(q.text(), room)).append(' ').append(cite);
        }
        return AiReply.of(reply.toString(), MODEL);
    }

    private record Quote(String text, Passage passage) {
    }

    /** The passage's best sentences (most question words), in their order in the passage. */
    private String excerpt(String text, Set<String> questionTerms) {
        List<String> sentences = sentences(text);
        int[] scores = new int[sentences.size()];
        for (int i = 0; i < sentences.size(); i++) {
            scores[i] = matches(sentences.get(i), questionTerms);
        }
        Set<Integer> chosen = new LinkedHashSet<>();
        for (int n = 0; n < sentencesPerPassage; n++) {
            int best = -1;
            for (int i = 0; i < scores.length; i++) {
                if (scores[i] > 0 && !chosen.contains(i) && (best < 0 || scores[i] > scores[best])) {
                    best = i;
                }
            }
            if (best < 0) {
                break;
            }
            chosen.add(best);
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < sentences.size(); i++) {
            if (chosen.contains(i)) {
                if (sb.length() > 0) {
                    sb.append(' ');
                }
                sb.append(sentences.get(i));
            }
        }
        return sb.toString();
    }

    private int matches(String text, Set<String> questionTerms) {
        Set<String> hit = new HashSet<>();
        analyzer.forEachTerm(text, t -> {
            if (questionTerms.contains(t)) {
                hit.add(t);
            }
        });
        return hit.size();
    }

    /** The sentences of a passage worth quoting: headings (short paragraphs without a full stop) are left out. */
    private static List<String> sentences(String text) {
        List<String> out = new ArrayList<>();
        BreakIterator it = BreakIterator.getSentenceInstance(Locale.ROOT);
        for (String paragraph : text.split("\n\\s*\n")) {
            String flat = paragraph.replace('\n', ' ').strip();
            if (flat.isEmpty() || isHeading(flat)) {
                continue;
            }
            it.setText(flat);
            int start = it.first();
            for (int end = it.next(); end != BreakIterator.DONE; start = end, end = it.next()) {
                String s = flat.substring(start, end).strip();
                if (!s.isEmpty()) {
                    out.add(s);
                }
            }
        }
        return out;
    }

    private static boolean isHeading(String paragraph) {
        return paragraph.length() < MAX_HEADING_CHARS
                && ".!?:;)\"'\u201D\u2019".indexOf(paragraph.charAt(paragraph.length() - 1)) < 0;
    }

    private static String citation(Passage p, boolean withSource) {
        String name = p.source().substring(Math.max(p.source().lastIndexOf('/'), p.source().lastIndexOf('\\')) + 1);
        if (p.page() <= 0) {
            return withSource ? "(" + name + ")" : "";
        }
        return withSource ? "(" + name + ", p. " + p.page() + ")" : "(p. " + p.page() + ")";
    }

    /** {@code text} cut at a word boundary to at most {@code max} characters, with an ellipsis. */
    private static String shorten(String text, int max) {
        if (text.length() <= max) {
            return text;
        }
        int cut = text.lastIndexOf(' ', max - 1);
        if (cut <= 0) {
            cut = max - 1;
        }
        if (Character.isLowSurrogate(text.charAt(cut))) {
            cut--;
        }
        return text.substring(0, cut).stripTrailing() + "…";
    }

    /**
     * Configures a {@link KnowledgeBaseResponder}. Defaults: {@link #DEFAULT_PASSAGES} passages,
     * {@link #DEFAULT_SENTENCES_PER_PASSAGE} sentences each, {@link #DEFAULT_MAX_REPLY_CHARS}
     * characters, {@link #DEFAULT_NO_ANSWER_TEXT}. Not thread-safe.
     */
    public static final class Builder {
        private final KnowledgeBase knowledgeBase;
        private int passages = DEFAULT_PASSAGES;
        private int maxReplyChars = DEFAULT_MAX_REPLY_CHARS;
        private int sentencesPerPassage = DEFAULT_SENTENCES_PER_PASSAGE;
        private String noAnswerText = DEFAULT_NO_ANSWER_TEXT;

        private Builder(KnowledgeBase knowledgeBase) {
            this.knowledgeBase = Objects.requireNonNull(knowledgeBase, "knowledgeBase");
        }

        /** How many passages to search and quote from (1–20). */
        public Builder passages(int count) {
            this.passages = count;
            return this;
        }

        /** Sentences quoted from each passage (at least 1). */
        public Builder sentencesPerPassage(int count) {
            this.sentencesPerPassage = count;
            return this;
        }

        /** Longest reply in characters (at least 100; WhatsApp's own limit, 4096, is handled by the client). */
        public Builder maxReplyChars(int chars) {
            this.maxReplyChars = chars;
            return this;
        }

        /** The answer when nothing relevant is found. */
        public Builder noAnswerText(String text) {
            this.noAnswerText = text;
            return this;
        }

        /**
         * Builds the responder.
         *
         * @throws IllegalArgumentException listing every invalid value
         */
        public KnowledgeBaseResponder build() {
            new SettingsCheck("KnowledgeBaseResponder")
                    .problemIf(passages < 1 || passages > 20, "passages", "must be between 1 and 20, was " + passages)
                    .problemIf(sentencesPerPassage < 1, "sentencesPerPassage", "must be at least 1, was " + sentencesPerPassage)
                    .problemIf(maxReplyChars < 100, "maxReplyChars", "must be at least 100, was " + maxReplyChars)
                    .notBlank("noAnswerText", noAnswerText)
                    .done();
            return new KnowledgeBaseResponder(this);
        }
    }
}
