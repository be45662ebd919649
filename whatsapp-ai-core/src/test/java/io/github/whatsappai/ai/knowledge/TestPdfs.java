package io.github.whatsappai.ai.knowledge;

import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.font.PDFont;
import org.apache.pdfbox.pdmodel.font.PDType0Font;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Makes real PDFs with PDFBox for tests and benchmarks.
 *
 * <p>Font: Liberation Sans Regular, which PDFBox itself bundles in its jar
 * ({@code /org/apache/pdfbox/resources/ttf/LiberationSans-Regular.ttf}), embedded as a subset
 * Type 0 font. It covers Latin-1, Latin Extended, Greek and Cyrillic, so Indonesian and accented
 * text (é, ñ, ü, ç, …) works on any machine, with no system font needed. (The standard 14 fonts
 * only encode WinAnsi, and {@code /usr/share/fonts} is not there on every machine.)
 */
public final class TestPdfs {

    private static final String FONT = "/org/apache/pdfbox/resources/ttf/LiberationSans-Regular.ttf";
    private static final float MARGIN = 50;
    private static final float BODY_SIZE = 10.5f;
    private static final float HEADING_SIZE = 15;
    private static final float LEADING = 1.35f;

    private TestPdfs() {
    }

    /**
     * A PDF with one page per element of {@code pages}; each page is a list of paragraphs, wrapped
     * to the page width; a paragraph starting with {@code "# "} is a heading in a larger size.
     */
    public static byte[] paragraphs(String title, List<List<String>> pages) {
        try (PDDocument doc = new PDDocument()) {
            PDFont font = font(doc);
            for (List<String> paragraphs : pages) {
                PDPage page = new PDPage(PDRectangle.A4);
                doc.addPage(page);
                float width = page.getMediaBox().getWidth() - 2 * MARGIN;
                try (PDPageContentStream cs = new PDPageContentStream(doc, page)) {
                    float y = page.getMediaBox().getHeight() - MARGIN;
                    for (String paragraph : paragraphs) {
                        boolean heading = paragraph.startsWith("# ");
                        float size = heading ? HEADING_SIZE : BODY_SIZE;
                        String text = heading ? paragraph.substring(2) : paragraph;
                        for (String line : wrap(text, font, size, width)) {
                            y -= size * LEADING;
                            show(cs, font, size, y, line);
                        }
                        y -= size * LEADING * 0.9f;
                    }
                }
            }
            doc.getDocumentInformation().setTitle(title);
            return save(doc);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A PDF of preformatted text (a plain-text file): its lines as they are, wrapped only when
     * wider than the page, blank lines kept, a new page every {@code linesPerPage} lines; form
     * feeds start a new page. Uses the standard Helvetica font (fast to write, nothing embedded),
     * so the text must be WinAnsi (Latin-1) only: the license texts and benchmark documents are.
     */
    public static byte[] preformatted(String title, String text, int linesPerPage) {
        try (PDDocument doc = new PDDocument()) {
            PDFont font = new PDType1Font(Standard14Fonts.FontName.HELVETICA);
            PDRectangle box = PDRectangle.A4;
            float width = box.getWidth() - 2 * MARGIN;
            List<List<String>> pages = new ArrayList<>();
            List<String> current = new ArrayList<>();
            for (String raw : text.replace("\r", "").split("\n", -1)) {
                boolean feed = raw.indexOf('\f') >= 0;
                String line = raw.replace('\t', ' ').replace("\f", "");
                List<String> wrapped = line.isBlank() ? List.of("") : wrap(line, font, BODY_SIZE, width);
                for (String w : wrapped) {
                    if (current.size() == linesPerPage) {
                        pages.add(current);
                        current = new ArrayList<>();
                    }
                    current.add(w);
                }
                if (feed && !current.isEmpty()) {
                    pages.add(current);
                    current = new ArrayList<>();
                }
            }
            if (!current.isEmpty()) {
                pages.add(current);
            }
            for (List<String> lines : pages) {
                PDPage page = new PDPage(box);
                doc.addPage(page);
                try (PDPageContentStream cs = new PDPageContentStream(doc, page)) {
                    float y = box.getHeight() - MARGIN;
                    for (String line : lines) {
                        y -= BODY_SIZE * LEADING;
                        if (!line.isEmpty()) {
                            show(cs, font, BODY_SIZE, y, line);
                        }
                    }
                }
            }
            doc.getDocumentInformation().setTitle(title);
            return save(doc);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A text resource of the test classpath, e.g. {@code /kb-eval/GPL-3.txt}. */
    public static String resource(String name) {
        try (InputStream in = TestPdfs.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalArgumentException("no resource " + name);
            }
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static PDFont font(PDDocument doc) throws IOException {
        try (InputStream in = PDDocument.class.getResourceAsStream(FONT)) {
            if (in == null) {
                throw new IllegalStateException("PDFBox no longer bundles " + FONT);
            }
            return PDType0Font.load(doc, in);
        }
    }

    private static void show(PDPageContentStream cs, PDFont font, float size, float y, String line) throws IOException {
        cs.beginText();
        cs.setFont(font, size);
        cs.newLineAtOffset(MARGIN, y);
        cs.showText(line);
        cs.endText();
    }

    private static List<String> wrap(String text, PDFont font, float size, float width) throws IOException {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String word : text.split(" ")) {
            String candidate = line.length() == 0 ? word : line + " " + word;
            if (line.length() > 0 && font.getStringWidth(candidate) / 1000 * size > width) {
                lines.add(line.toString());
                line = new StringBuilder(word);
            } else {
                line = new StringBuilder(candidate);
            }
        }
        if (line.length() > 0) {
            lines.add(line.toString());
        }
        return lines;
    }

    private static byte[] save(PDDocument doc) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        doc.save(out);
        return out.toByteArray();
    }
}
