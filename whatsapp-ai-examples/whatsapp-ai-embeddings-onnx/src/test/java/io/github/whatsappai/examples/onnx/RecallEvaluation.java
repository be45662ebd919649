package io.github.whatsappai.examples.onnx;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import io.github.whatsappai.ai.AiRequest;
import io.github.whatsappai.ai.OpenRouterResponder;
import io.github.whatsappai.ai.OpenRouterSettings;
import io.github.whatsappai.ai.knowledge.Embedder;
import io.github.whatsappai.ai.knowledge.PdfKnowledgeBase;
import io.github.whatsappai.ai.knowledge.TestPdfs;
import io.github.whatsappai.webhook.model.ConversationKey;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

/**
 * The recall evaluation of {@code src/test/resources/recall-eval} (see its README): six documents
 * written for it (English and Indonesian) and the eight licence texts of the core's
 * {@code kb-eval}, rendered to PDFs with PDFBox and loaded from files into one
 * {@link PdfKnowledgeBase}, lexical or hybrid; every question is answered by the real
 * {@link OpenRouterResponder} against a WireMock stand-in for OpenRouter, and the request that
 * stand-in received is read back: a question counts as answered when a {@code <passage>} of the
 * right document holding the answer text is in the JSON sent to the model. Deterministic for a
 * given embedder.
 */
final class RecallEvaluation implements AutoCloseable {

    /** Documents written for the evaluation: file name (without .txt) in {@code /recall-eval}. */
    static final List<String> OWN_DOCUMENTS = List.of("handbook-en", "terms-en", "library-en",
            "panduan-id", "ketentuan-id", "koperasi-id");

    /** The core's licence texts (file name → PDF title), loaded beside them as volume and distractors. */
    static final Map<String, String> LICENCES = new LinkedHashMap<>();

    static {
        LICENCES.put("GPL-2", "GNU General Public License, version 2");
        LICENCES.put("GPL-3", "GNU General Public License, version 3");
        LICENCES.put("LGPL-2.1", "GNU Lesser General Public License, version 2.1");
        LICENCES.put("LGPL-3", "GNU Lesser General Public License, version 3");
        LICENCES.put("MPL-2.0", "Mozilla Public License, version 2.0");
        LICENCES.put("Apache-2.0", "Apache License, version 2.0");
        LICENCES.put("GFDL-1.3", "GNU Free Documentation License, version 1.3");
        LICENCES.put("Artistic", "The Artistic License");
    }

    /** Characters of text on one rendered page of the own documents, at most (a manual's page). */
    static final int PAGE_CHARS = 1_800;

    private static final Pattern WS = Pattern.compile("\\s+");
    private static final Pattern PASSAGE = Pattern.compile(
            "<passage source=\"([^\"]*)\"(?: page=\"(\\d+)\")?>\\n(.*?)\\n</passage>", Pattern.DOTALL);
    private static final String CHAT_PATH = "/api/v1/chat/completions";
    private static final String COMPLETION = "{\"id\":\"gen-eval\",\"object\":\"chat.completion\",\"created\":1764800000,"
            + "\"model\":\"eval/stub\",\"choices\":[{\"index\":0,\"finish_reason\":\"stop\",\"message\":"
            + "{\"role\":\"assistant\",\"content\":\"ok\"}}],\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":1,"
            + "\"total_tokens\":2}}";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Where an answer is: a document and a text in it. */
    record Answer(String document, String text) {
    }

    /** One question: its set ({@code dev} or {@code heldout}), language ({@code en}, {@code id}) and answers. */
    record Question(String set, String language, String text, List<Answer> answers) {
    }

    /** What one question got: whether the answer was in the request, and the request's sizes. */
    record Outcome(Question question, boolean answered, int promptChars, int passageChars, int passages,
                   String answerPages) {
    }

    /** The documents' texts, by name, whitespace-normalised, and the knowledge base's size. */
    record Corpus(Map<String, String> texts, List<Path> pdfs, long chars, int pages) {
    }

    private final Corpus corpus;
    private final PdfKnowledgeBase knowledgeBase;
    private final WireMockServer openRouter;

    private RecallEvaluation(Corpus corpus, PdfKnowledgeBase knowledgeBase, WireMockServer openRouter) {
        this.corpus = corpus;
        this.knowledgeBase = knowledgeBase;
        this.openRouter = openRouter;
    }

    /**
     * Renders the corpus into {@code dir}, indexes it (hybrid when {@code embedder} is not null)
     * and starts the OpenRouter stand-in.
     */
    static RecallEvaluation start(Path dir, Embedder embedder) {
        Corpus corpus = render(dir);
        PdfKnowledgeBase.Builder builder = PdfKnowledgeBase.builder();
        corpus.pdfs().forEach(p -> builder.source(p.toString()));
        if (embedder != null) {
            builder.embedder(embedder);
        }
        PdfKnowledgeBase kb = builder.build();
        PdfKnowledgeBase.Stats stats = kb.refreshNow();
        if (stats.documents() != corpus.pdfs().size()) {
            kb.close();
            throw new IllegalStateException("not every evaluation document loaded: " + stats);
        }
        WireMockServer server = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"));
        server.start();
        server.stubFor(post(urlEqualTo(CHAT_PATH)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(COMPLETION)));
        return new RecallEvaluation(corpus, kb, server);
    }

    /** The documents rendered to PDFs in {@code dir}: the own documents first, then the licences. */
    static Corpus render(Path dir) {
        Map<String, String> texts = new LinkedHashMap<>();
        List<Path> pdfs = new ArrayList<>();
        long chars = 0;
        int pages = 0;
        try {
            Files.createDirectories(dir);
            for (String name : OWN_DOCUMENTS) {
                String text = TestPdfs.resource("/recall-eval/" + name + ".txt");
                List<List<String>> rendered = pages(text);
                String title = text.lines().findFirst().orElseThrow().substring(2).strip();
                Path pdf = dir.resolve(name + ".pdf");
                Files.write(pdf, TestPdfs.paragraphs(title, rendered));
                pdfs.add(pdf);
                texts.put(name, normalise(text));
                chars += normalise(text).length();
                pages += rendered.size();
            }
            for (Map.Entry<String, String> licence : LICENCES.entrySet()) {
                String text = TestPdfs.resource("/kb-eval/" + licence.getKey() + ".txt");
                Path pdf = dir.resolve(licence.getKey() + ".pdf");
                byte[] bytes = TestPdfs.preformatted(licence.getValue(), text, 55);
                Files.write(pdf, bytes);
                pdfs.add(pdf);
                texts.put(licence.getKey(), normalise(text));
                chars += normalise(text).length();
                try (var doc = org.apache.pdfbox.Loader.loadPDF(bytes)) {
                    pages += doc.getNumberOfPages();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Corpus(texts, pdfs, chars, pages);
    }

    /** Paragraphs (a {@code # } line is a heading) laid out on pages of at most {@link #PAGE_CHARS}. */
    private static List<List<String>> pages(String text) {
        List<List<String>> pages = new ArrayList<>();
        List<String> page = new ArrayList<>();
        int used = 0;
        for (String paragraph : text.split("\\n\\s*\\n")) {
            String p = paragraph.strip();
            if (p.isEmpty()) {
                continue;
            }
            boolean heading = p.startsWith("# ");
            // a heading never ends a page: it moves to the next page when less than a paragraph fits
            if (!page.isEmpty() && (used + p.length() > PAGE_CHARS || heading && used > PAGE_CHARS - 400)) {
                pages.add(page);
                page = new ArrayList<>();
                used = 0;
            }
            page.add(p);
            used += p.length();
        }
        if (!page.isEmpty()) {
            pages.add(page);
        }
        return pages;
    }

    /** The questions of {@code /recall-eval/questions-<set>.tsv}. */
    static List<Question> questions(String set) {
        List<Question> questions = new ArrayList<>();
        for (String line : TestPdfs.resource("/recall-eval/questions-" + set + ".tsv").split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split("\t");
            if (f.length != 3) {
                throw new IllegalArgumentException("expected language, question, answers in: " + line);
            }
            List<Answer> answers = new ArrayList<>();
            for (String a : f[2].split(" \\| ")) {
                int colon = a.indexOf(": ");
                answers.add(new Answer(a.substring(0, colon).strip(), normalise(a.substring(colon + 2))));
            }
            questions.add(new Question(set, f[0], f[1], List.copyOf(answers)));
        }
        return questions;
    }

    Corpus corpus() {
        return corpus;
    }

    PdfKnowledgeBase knowledgeBase() {
        return knowledgeBase;
    }

    /**
     * Asks {@code question} through an {@link OpenRouterResponder} wired as the demo wires it (the
     * default settings, the knowledge base, its budget {@code budget}) and reads back the request.
     */
    Outcome ask(OpenRouterResponder responder, Question question) {
        openRouter.resetRequests();
        responder.respond(new AiRequest(new ConversationKey("100200300", "15555550123"), "eval-user",
                "eval-session", List.of(), List.of(), question.text()));
        List<ServeEvent> events = openRouter.getAllServeEvents();
        if (events.size() != 1) {
            throw new IllegalStateException("expected one request to the stand-in, got " + events.size());
        }
        JsonNode messages;
        try {
            messages = JSON.readTree(events.get(0).getRequest().getBodyAsString()).path("messages");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int promptChars = 0;
        int passageChars = 0;
        int passages = 0;
        boolean answered = false;
        List<String> answerPages = new ArrayList<>();
        for (JsonNode m : messages) {
            String content = m.path("content").asText();
            promptChars += content.length();
            if (!"user".equals(m.path("role").asText()) || !content.contains("\n<knowledge>\n")) {
                continue;
            }
            Matcher p = PASSAGE.matcher(content);
            while (p.find()) {
                passages++;
                passageChars += p.group(3).length();
                String text = normalise(p.group(3));
                for (Answer a : question.answers()) {
                    if (p.group(1).endsWith("/" + a.document() + ".pdf") && text.contains(a.text())) {
                        answered = true;
                        answerPages.add(a.document() + " p." + p.group(2));
                    }
                }
            }
        }
        return new Outcome(question, answered, promptChars, passageChars, passages, String.join(", ", answerPages));
    }

    /** A responder as the demo builds it with an API key, pointed at the stand-in, with {@code budget}. */
    OpenRouterResponder responder(int budget) {
        OpenRouterSettings settings = OpenRouterSettings.builder()
                .apiKey("sk-or-v1-recall-evaluation-0000")
                .baseUrl(openRouter.baseUrl() + "/api/v1/")
                .build();
        return OpenRouterResponder.builder().settings(settings).knowledgeBase(knowledgeBase)
                .knowledgeCharBudget(budget).maxAttempts(1).build();
    }

    static String normalise(String text) {
        return WS.matcher(text).replaceAll(" ").strip();
    }

    /** The value at quantile {@code q} (0..1) of {@code values}, nearest rank. */
    static int quantile(int[] values, double q) {
        int[] sorted = values.clone();
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(q * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    @Override
    public void close() {
        openRouter.stop();
        knowledgeBase.close();
    }
}
