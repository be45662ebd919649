package io.github.whatsappai.client;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a WhatsApp-formatted text into parts no longer than a limit (default
 * {@value #DEFAULT_LIMIT} characters, WhatsApp's text limit, counted in UTF-16 units).
 *
 * <p>Each cut is made at the last boundary that fits, preferring, in order: a paragraph break, a
 * line break, the end of a sentence, a space. Boundaries inside a formatting span ({@code *bold*},
 * {@code _italic_}, {@code ~strike~}, {@code `code`}) or a {@code ```} code block are avoided. A
 * boundary is only taken if the part is at least a third of the limit, so a text is not broken
 * into crumbs. When a code block is longer than the limit it is cut at a line break (or, failing
 * that, anywhere) and the fence is closed at the end of one part and reopened at the start of the
 * next. Only when no boundary exists is the text cut at the limit, and never between the two
 * halves of a surrogate pair. Whitespace at the cuts is dropped; nothing else is.
 *
 * <p>Immutable and thread-safe.
 */
final class MessageSplitter {

    /** WhatsApp's limit for a text body. */
    public static final int DEFAULT_LIMIT = TextMessage.MAX_BODY;
    /** The smallest limit accepted (room for a reopened code fence and some text). */
    public static final int MIN_LIMIT = 16;

    private static final String FENCE = "```";
    private static final String CLOSE_FENCE = "\n```";
    private static final String OPEN_FENCE = "```\n";

    private final int limit;

    /** A splitter with WhatsApp's limit of {@value #DEFAULT_LIMIT} characters. */
    public MessageSplitter() {
        this(DEFAULT_LIMIT);
    }

    /**
     * A splitter with another limit.
     *
     * @param limit the longest part, at least {@value #MIN_LIMIT}
     */
    public MessageSplitter(int limit) {
        if (limit < MIN_LIMIT) {
            throw new IllegalArgumentException("split limit must be at least " + MIN_LIMIT + ", got " + limit);
        }
        this.limit = limit;
    }

    /** The longest part this splitter produces. */
    public int limit() {
        return limit;
    }

    /**
     * Splits {@code text}.
     *
     * @param text the text; {@code null} or blank gives no parts
     * @return the parts in order, each non-blank and at most {@link #limit()} characters
     */
    public List<String> split(String text) {
        if (text == null || text.isBlank()) {
            return List.of();
        }
        String rest = text.strip();
        List<String> parts = new ArrayList<>(rest.length() / limit + 1);
        while (rest.length() > limit) {
            Cut cut = choose(rest);
            String part = rest.substring(0, cut.at).stripTrailing();
            String next = rest.substring(cut.at);
            if (cut.inCode) {
                part = part + CLOSE_FENCE;
                next = OPEN_FENCE + (next.startsWith("\n") ? next.substring(1) : next);
            } else {
                next = next.stripLeading();
            }
            parts.add(part);
            rest = next;
        }
        if (!rest.isBlank()) {
            parts.add(rest);
        }
        return parts;
    }

    private record Cut(int at, boolean inCode) {
    }

    private Cut choose(String s) {
        int scanEnd = s.indexOf('\n', limit);
        scanEnd = scanEnd < 0 ? s.length() : scanEnd;
        boolean[] code = new boolean[limit + 1];
        boolean[] span = new boolean[limit + 1];
        mark(s, scanEnd, code, span);
        int minFill = Math.max(1, limit / 3);
        // 1. outside code blocks and formatting spans
        for (int level = 0; level < 4; level++) {
            for (int p = limit; p >= minFill; p--) {
                if (!code[p] && !span[p] && isBoundary(s, p, level)) {
                    return new Cut(p, false);
                }
            }
        }
        // 2. inside a code block, at a line break, leaving room to close the fence
        int codeLimit = limit - CLOSE_FENCE.length();
        for (int p = codeLimit; p >= minFill; p--) {
            if (code[p] && isBoundary(s, p, 1) && !s.startsWith(FENCE, p)) {
                return new Cut(p, true);
            }
        }
        // 3. any boundary, even inside a span
        for (int level = 2; level < 4; level++) {
            for (int p = codeLimit; p >= minFill; p--) {
                if (isBoundary(s, p, level)) {
                    return new Cut(p, code[p]);
                }
            }
        }
        // 4. hard cut, never inside a surrogate pair
        int p = code[limit] ? codeLimit : limit;
        if (Character.isHighSurrogate(s.charAt(p - 1)) && Character.isLowSurrogate(s.charAt(p))) {
            p--;
        }
        return new Cut(p, code[p]);
    }

    /** Whether a cut before index {@code p} is at a boundary of the given level. */
    private static boolean isBoundary(String s, int p, int level) {
        char before = s.charAt(p - 1);
        switch (level) {
            case 0:
                return before == '\n' && p >= 2 && s.charAt(p - 2) == '\n';
            case 1:
                return before == '\n';
            case 2:
                if (!Character.isWhitespace(before) || p < 2) {
                    return false;
                }
                int q = p - 2;
                while (q > 0 && "\"')]*_~".indexOf(s.charAt(q)) >= 0) {
                    q--;
                }
                return ".!?\u2026\u3002\uFF01\uFF1F".indexOf(s.charAt(q)) >= 0;
            default:
                return before == ' ' || before == '\t' || before == '\u00A0';
        }
    }

    /**
     * Marks, for each cut position {@code p <= limit}, whether it falls inside a code block and
     * whether it falls inside an inline formatting span (spans end at the line's end, scanned up to
     * {@code scanEnd}).
     */
    private void mark(String s, int scanEnd, boolean[] code, boolean[] span) {
        boolean inCode = false;
        int i = 0;
        int lineStart = 0;
        while (i < scanEnd) {
            if (s.startsWith(FENCE, i)) {
                int fenceEnd = i + FENCE.length();
                while (fenceEnd < scanEnd && s.charAt(fenceEnd) == '`') {
                    fenceEnd++;
                }
                for (int p = i + 1; p < fenceEnd && p <= limit; p++) {
                    code[p] = true;
                }
                inCode = !inCode;
                i = fenceEnd;
                continue;
            }
            if (inCode) {
                if (i + 1 <= limit) {
                    code[i + 1] = true;
                }
                i++;
                continue;
            }
            char c = s.charAt(i);
            if (c == '\n') {
                lineStart = i + 1;
                i++;
                continue;
            }
            if ((c == '*' || c == '_' || c == '~' || c == '`') && opens(s, i, lineStart, scanEnd)) {
                int close = closing(s, i, scanEnd);
                if (close > 0) {
                    for (int p = i + 1; p <= close && p <= limit; p++) {
                        span[p] = true;
                    }
                    i = close + 1;
                    continue;
                }
            }
            i++;
        }
    }

    private static boolean opens(String s, int i, int lineStart, int end) {
        char c = s.charAt(i);
        if (i + 1 >= end || Character.isWhitespace(s.charAt(i + 1)) || s.charAt(i + 1) == c) {
            return false;
        }
        return c == '`' || i == lineStart || !Character.isLetterOrDigit(s.charAt(i - 1));
    }

    private static int closing(String s, int open, int end) {
        char c = s.charAt(open);
        for (int j = open + 2; j < end; j++) {
            char d = s.charAt(j);
            if (d == '\n') {
                return -1;
            }
            if (d == c && (c == '`' || (!Character.isWhitespace(s.charAt(j - 1))
                    && (j + 1 >= end || !Character.isLetterOrDigit(s.charAt(j + 1)))))) {
                return j;
            }
        }
        return -1;
    }
}
