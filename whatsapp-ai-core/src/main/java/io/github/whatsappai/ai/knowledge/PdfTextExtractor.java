package io.github.whatsappai.ai.knowledge;

import org.apache.pdfbox.Loader;
import org.apache.pdfbox.io.MemoryUsageSetting;
import org.apache.pdfbox.io.RandomAccessReadBuffer;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.encryption.InvalidPasswordException;
import org.apache.pdfbox.text.PDFTextStripper;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Extracts the text of a PDF page by page with PDFBox in one pass, paragraphs separated by a blank
 * line. Refuses, with a {@link SourceException} that says why, anything that is not a PDF, cannot
 * be parsed, needs a password or has more pages than allowed. Thread-safe (stateless).
 */
final class PdfTextExtractor {

    /** The text of a PDF: its title (empty when it has none) and one string per page. */
    record Extracted(String title, List<String> pages) {
    }

    /** PDFBox may keep this much of a document's scratch data on the heap before it uses a temp file. */
    private static final long SCRATCH_MEMORY_BYTES = 16L * 1024 * 1024;
    /** The header may follow some junk; readers accept it within the first kilobyte. */
    private static final int HEADER_WINDOW = 1024;
    private static final byte[] PDF_MAGIC = "%PDF-".getBytes(StandardCharsets.US_ASCII);

    private final int maxPages;

    PdfTextExtractor(int maxPages) {
        this.maxPages = maxPages;
    }

    Extracted extract(byte[] pdf) throws SourceException {
        if (!hasPdfHeader(pdf)) {
            throw new SourceException("not a PDF: " + describeStart(pdf));
        }
        try (PDDocument document = Loader.loadPDF(new RandomAccessReadBuffer(pdf), "", null, null,
                MemoryUsageSetting.setupMixed(SCRATCH_MEMORY_BYTES).streamCache)) {
            int pageCount = document.getNumberOfPages();
            if (pageCount > maxPages) {
                throw new SourceException("too many pages: " + pageCount + " (the limit is " + maxPages + ")");
            }
            PageRecordingStripper stripper = new PageRecordingStripper(pageCount);
            String text = stripper.run(document);
            String title = document.getDocumentInformation().getTitle();
            return new Extracted(title == null ? "" : title.strip(), stripper.pages(text));
        } catch (InvalidPasswordException e) {
            throw new SourceException("the PDF is encrypted and needs a password", e);
        } catch (IOException | RuntimeException e) {
            throw new SourceException("the PDF cannot be parsed: " + e.getMessage(), e);
        }
    }

    private static boolean hasPdfHeader(byte[] data) {
        int last = Math.min(data.length - PDF_MAGIC.length, HEADER_WINDOW);
        for (int i = 0; i <= last; i++) {
            if (Arrays.equals(data, i, i + PDF_MAGIC.length, PDF_MAGIC, 0, PDF_MAGIC.length)) {
                return true;
            }
        }
        return false;
    }

    /** The first bytes as printable ASCII, for an error message. */
    private static String describeStart(byte[] data) {
        if (data.length == 0) {
            return "the content is empty";
        }
        StringBuilder sb = new StringBuilder("the content starts with '");
        for (int i = 0; i < Math.min(data.length, 32); i++) {
            int b = data[i] & 0xff;
            sb.append(b >= 0x20 && b < 0x7f ? (char) b : '.');
        }
        return sb.append("'").toString();
    }

    /** A stripper that notes where each page's text starts in its output. */
    private static final class PageRecordingStripper extends PDFTextStripper {

        private final int[] pageStarts;
        private StringWriter out;

        PageRecordingStripper(int pageCount) {
            this.pageStarts = new int[pageCount + 1];
            Arrays.fill(pageStarts, -1);
            setLineSeparator("\n");
            setParagraphStart("\n");
            setParagraphEnd("");
            setPageStart("");
            setPageEnd("\n");
            setSortByPosition(false);
        }

        String run(PDDocument document) throws IOException {
            out = new StringWriter();
            writeText(document, out);
            return out.toString();
        }

        @Override
        protected void startPage(PDPage page) throws IOException {
            super.startPage(page);
            pageStarts[getCurrentPageNo() - 1] = out.getBuffer().length();
        }

        List<String> pages(String text) {
            int count = pageStarts.length - 1;
            pageStarts[count] = text.length();
            List<String> pages = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                int start = pageStarts[i];
                if (start < 0) {
                    pages.add("");
                    continue;
                }
                int end = text.length();
                for (int j = i + 1; j <= count; j++) {
                    if (pageStarts[j] >= 0) {
                        end = pageStarts[j];
                        break;
                    }
                }
                pages.add(text.substring(start, end));
            }
            return pages;
        }
    }
}
