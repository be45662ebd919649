package io.github.whatsappai.ai.knowledge;

import java.text.BreakIterator;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Cuts the text of a document's pages into passages of about {@code targetChars}: paragraphs are
 * kept together where they fit, long paragraphs are cut between sentences ({@link BreakIterator},
 * locale-neutral) and a sentence longer than a passage between words. A passage cut inside a
 * paragraph starts with the end of the previous one (whole sentences up to {@code overlapChars},
 * or the last words of a long sentence) so that a fact on the cut is found whole in one of them.
 * Line-break hyphens are removed ({@code exam-\nple → example}, also across a page break) and
 * whitespace is normalised.
 * Each passage keeps the page where it starts; a page that starts a new paragraph also starts a new
 * passage once the current one has some text ({@code targetChars / 8}), so citations point at the
 * right page, while a sentence running on from the previous page is kept whole. Thread-safe
 * (immutable).
 */
final class TextChunker {

    /** A passage of a document, not yet scored. */
    record Chunk(int page, String text) {
    }

    /**
     * A sentence (or a piece of a long one). {@code paragraphStart}: it begins a paragraph;
     * {@code pageStart}: it is the first text of its page and not the continuation of the
     * previous page's last sentence.
     */
    private record Unit(String text, int page, boolean paragraphStart, boolean pageStart) {
    }

    private static final Pattern LINE_BREAK_HYPHEN = Pattern.compile("(\\p{L})[-\u00AD]\\n[ \\t]*(\\p{Ll})");
    private static final Pattern PARAGRAPH_BREAK = Pattern.compile("\\n[ \\t\u00A0]*\\n");
    private static final Pattern WHITESPACE = Pattern.compile("[\\s\u00A0\u2000-\u200B\u202F\u205F\u3000\uFEFF]+");

    private final int targetChars;
    private final int overlapChars;
    private final int minChars;
    private final int minCharsBeforePageBreak;

    /**
     * @param targetChars the size a passage grows to (a paragraph break closes it after half of it)
     * @param overlapChars how much of a passage cut inside a paragraph is repeated at the start of the next
     */
    TextChunker(int targetChars, int overlapChars) {
        validate(targetChars, overlapChars);
        this.targetChars = targetChars;
        this.overlapChars = overlapChars;
        this.minChars = targetChars / 2;
        this.minCharsBeforePageBreak = targetChars / 8;
    }

    /** Checks a passage size and overlap; throws {@link IllegalArgumentException} saying what is wrong. */
    static void validate(int targetChars, int overlapChars) {
        if (targetChars < 100) {
            throw new IllegalArgumentException("passage size must be at least 100 characters, was " + targetChars);
        }
        if (overlapChars < 0 || overlapChars >= targetChars / 2) {
            throw new IllegalArgumentException("overlap must be between 0 and half the passage size, was "
                    + overlapChars);
        }
    }

    /** The passages of a document whose page {@code i + 1} has the text {@code pages.get(i)}. */
    List<Chunk> chunk(List<String> pages) {
        List<Unit> units = new ArrayList<>();
        for (int i = 0; i < pages.size(); i++) {
            int first = units.size();
            splitPage(pages.get(i), i + 1, units);
            if (first > 0 && first < units.size()) {
                Unit previous = units.get(first - 1);
                Unit head = units.get(first);
                boolean continues = continuesSentence(previous.text(), head.text());
                if (continues && endsWithLineBreakHyphen(previous.text())) {
                    String joined = previous.text().substring(0, previous.text().length() - 1) + head.text();
                    units.set(first - 1, new Unit(joined, previous.page(), previous.paragraphStart(),
                            previous.pageStart()));
                    units.remove(first);
                } else {
                    units.set(first, new Unit(head.text(), head.page(), !continues, !continues));
                }
            }
        }
        return assemble(units);
    }

    private void splitPage(String raw, int page, List<Unit> out) {
        String text = raw.replace("\r\n", "\n").replace('\r', '\n');
        text = LINE_BREAK_HYPHEN.matcher(text).replaceAll("$1$2");
        for (String paragraph : PARAGRAPH_BREAK.split(text)) {
            String p = WHITESPACE.matcher(paragraph).replaceAll(" ").strip();
            if (p.isEmpty()) {
                continue;
            }
            boolean first = true;
            for (String sentence : sentences(p)) {
                for (String piece : splitLong(sentence)) {
                    out.add(new Unit(piece, page, first, false));
                    first = false;
                }
            }
        }
    }

    private static List<String> sentences(String paragraph) {
        BreakIterator it = BreakIterator.getSentenceInstance(Locale.ROOT);
        it.setText(paragraph);
        List<String> out = new ArrayList<>();
        int start = it.first();
        for (int end = it.next(); end != BreakIterator.DONE; start = end, end = it.next()) {
            String s = paragraph.substring(start, end).strip();
            if (!s.isEmpty()) {
                out.add(s);
            }
        }
        return out;
    }

    /** A sentence longer than a passage, cut between words (or hard, when a "word" is that long). */
    private List<String> splitLong(String sentence) {
        if (sentence.length() <= targetChars) {
            return List.of(sentence);
        }
        List<String> out = new ArrayList<>();
        int start = 0;
        while (sentence.length() - start > targetChars) {
            int cut = sentence.lastIndexOf(' ', start + targetChars);
            if (cut <= start) {
                cut = start + targetChars;
                if (Character.isLowSurrogate(sentence.charAt(cut))) {
                    cut--;
                }
            }
            out.add(sentence.substring(start, cut).strip());
            start = cut;
            while (start < sentence.length() && sentence.charAt(start) == ' ') {
                start++;
            }
        }
        if (start < sentence.length()) {
            out.add(sentence.substring(start));
        }
        return out;
    }

    private List<Chunk> assemble(List<Unit> units) {
        List<Chunk> chunks = new ArrayList<>();
        List<Unit> current = new ArrayList<>();
        int length = 0;
        for (Unit u : units) {
            if (!current.isEmpty()) {
                boolean full = length + 1 + u.text().length() > targetChars;
                boolean goodBreak = u.paragraphStart() && length >= minChars
                        || u.pageStart() && length >= minCharsBeforePageBreak;
                if (full || goodBreak) {
                    chunks.add(toChunk(current));
                    List<Unit> carried = u.paragraphStart() ? List.of() : overlap(current);
                    int carriedLength = textLength(carried);
                    if (carriedLength + 1 + u.text().length() > targetChars) {
                        carried = List.of();
                        carriedLength = 0;
                    }
                    current = new ArrayList<>(carried);
                    length = carriedLength;
                }
            }
            length += current.isEmpty() ? u.text().length() : u.text().length() + (u.paragraphStart() ? 2 : 1);
            current.add(u);
        }
        if (!current.isEmpty()) {
            chunks.add(toChunk(current));
        }
        return chunks;
    }

    /** The end of a closed passage that the next one repeats. */
    private List<Unit> overlap(List<Unit> closed) {
        if (overlapChars == 0) {
            return List.of();
        }
        List<Unit> out = new ArrayList<>();
        int total = 0;
        for (int i = closed.size() - 1; i >= 0; i--) {
            Unit u = closed.get(i);
            if (total + u.text().length() + 1 > overlapChars) {
                if (out.isEmpty()) {
                    String tail = tailWords(u.text());
                    if (!tail.isEmpty()) {
                        out.add(new Unit(tail, u.page(), false, false));
                    }
                }
                break;
            }
            out.add(0, u);
            total += u.text().length() + 1;
        }
        if (!out.isEmpty()) {
            Unit first = out.get(0);
            out.set(0, new Unit(first.text(), first.page(), false, false));
        }
        return out;
    }

    /** Whether a page starting with {@code next} goes on with the sentence that {@code previous} ends. */
    private static boolean continuesSentence(String previous, String next) {
        int last = previous.codePointBefore(previous.length());
        boolean previousEnded = ".!?:;\"'\u201D\u2019)]".indexOf(last) >= 0;
        return !previousEnded && Character.isLowerCase(next.codePointAt(0));
    }

    /** Whether {@code text} ends in a hyphen after a letter: a word cut at the end of a page. */
    private static boolean endsWithLineBreakHyphen(String text) {
        int n = text.length();
        return n >= 2 && (text.charAt(n - 1) == '-' || text.charAt(n - 1) == '\u00AD')
                && Character.isLetter(text.charAt(n - 2));
    }

    private String tailWords(String sentence) {
        int from = sentence.length() - overlapChars;
        int space = sentence.indexOf(' ', Math.max(from, 0));
        return space < 0 ? "" : sentence.substring(space + 1);
    }

    private static int textLength(List<Unit> units) {
        int n = 0;
        for (int i = 0; i < units.size(); i++) {
            n += units.get(i).text().length() + (i == 0 ? 0 : units.get(i).paragraphStart() ? 2 : 1);
        }
        return n;
    }

    private static Chunk toChunk(List<Unit> units) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < units.size(); i++) {
            Unit u = units.get(i);
            if (i > 0) {
                sb.append(u.paragraphStart() ? "\n\n" : " ");
            }
            sb.append(u.text());
        }
        return new Chunk(units.get(0).page(), sb.toString());
    }
}
