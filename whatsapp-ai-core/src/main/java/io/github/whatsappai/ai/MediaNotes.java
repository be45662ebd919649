package io.github.whatsappai.ai;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Splits a reply to a burst with media into the answer for the user and the notes kept for history
 * (the block the system prompt asks for: {@value #OPEN}, one {@code N: text} line per attachment,
 * {@value #CLOSE}). The block never reaches the user, whether or not it is closed. Stateless.
 */
final class MediaNotes {

    static final String OPEN = "<media-notes>";
    static final String CLOSE = "</media-notes>";
    /** Longest note kept per attachment. */
    static final int MAX_NOTE_CHARS = 2_000;

    private static final Pattern LINE = Pattern.compile(
            "^\\s*(?:[\\[(](\\d{1,3})[\\])]\\s*[:.\\-–]?|(\\d{1,3})\\s*[:.)\\-–])\\s*(.*)$");

    private MediaNotes() {
    }

    /** The answer without the block, and the notes by attachment (index 0 is attachment 1). */
    record Split(String answer, List<String> notes) {
    }

    /** Splits {@code reply}, written for a request with {@code attachments} attachments. */
    static Split split(String reply, int attachments) {
        String lower = reply.toLowerCase(Locale.ROOT);
        int open = lower.lastIndexOf(OPEN);
        if (open < 0 || attachments == 0) {
            return new Split(reply.strip(), List.of());
        }
        int close = lower.indexOf(CLOSE, open);
        String block = reply.substring(open + OPEN.length(), close < 0 ? reply.length() : close);
        String after = close < 0 ? "" : reply.substring(close + CLOSE.length());
        String answer = (reply.substring(0, open).stripTrailing() + (after.isBlank() ? "" : "\n\n" + after.strip()))
                .strip();
        List<String> out = numbered(block, attachments, MAX_NOTE_CHARS);
        return new Split(answer, out);
    }

    /**
     * The {@code N: text} lines of {@code block} (lines that follow one without a number continue
     * it; numbers outside 1..{@code count} and their lines are ignored; a repeated number replaces
     * the earlier text): index 0 is item 1, {@code null} where none was written, each cut at
     * {@code maxChars}.
     */
    static List<String> numbered(String block, int count, int maxChars) {
        String[] notes = new String[count];
        int current = -1;
        for (String line : block.split("\\R")) {
            Matcher m = LINE.matcher(line);
            if (m.matches()) {
                int n = Integer.parseInt(m.group(1) != null ? m.group(1) : m.group(2));
                current = n >= 1 && n <= count ? n - 1 : -1;
                if (current >= 0) {
                    notes[current] = m.group(3).strip();
                }
            } else if (current >= 0 && !line.isBlank()) {
                notes[current] = (notes[current] + " " + line.strip()).strip();
            }
        }
        List<String> out = new ArrayList<>(Arrays.asList(notes));
        out.replaceAll(n -> n == null || n.isBlank() ? null : PromptAssembler.truncate(n, maxChars));
        return out;
    }
}
