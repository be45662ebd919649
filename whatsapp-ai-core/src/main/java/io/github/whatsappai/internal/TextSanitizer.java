package io.github.whatsappai.internal;

import java.text.Normalizer;

/**
 * Cleans untrusted text (message bodies, captions, titles, profile names) before it reaches the AI,
 * a log or a database.
 *
 * <ul>
 *   <li>Removes C0 controls except newline and tab ({@code \r} is removed, so CRLF becomes LF), DEL
 *       and C1 controls (U+0080–U+009F).</li>
 *   <li>Removes the bidi embeddings, overrides and isolates U+202A–U+202E and U+2066–U+2069, which
 *       can make text display in a different order than it is read ("Trojan Source").</li>
 *   <li>Keeps U+200E/U+200F (LRM/RLM) and U+061C (ALM): they are invisible marks that only set the
 *       direction of neighbouring neutral characters, cannot reorder other text, and are used
 *       legitimately in Arabic, Hebrew and Persian writing.</li>
 *   <li>Removes unpaired surrogates, then normalises to NFC.</li>
 *   <li>Caps the result at a number of UTF-16 chars without splitting a surrogate pair.</li>
 * </ul>
 *
 * Stateless and thread-safe.
 */
public final class TextSanitizer {

    private final int maxChars;

    /**
     * Creates a sanitiser that caps its results.
     *
     * @param maxChars longest result in UTF-16 chars; positive
     */
    public TextSanitizer(int maxChars) {
        if (maxChars <= 0) {
            throw new IllegalArgumentException("maxChars must be positive, was " + maxChars);
        }
        this.maxChars = maxChars;
    }

    /** The cap given to the constructor. */
    public int maxChars() {
        return maxChars;
    }

    /** Sanitises {@code text}; {@code null} stays {@code null}. Returns the same instance when nothing changes. */
    public String sanitize(String text) {
        if (text == null) {
            return null;
        }
        String s = text;
        if (!isPlain(s)) {
            if (needsStrip(s)) {
                s = strip(s);
            }
            if (!Normalizer.isNormalized(s, Normalizer.Form.NFC)) {
                s = Normalizer.normalize(s, Normalizer.Form.NFC);
            }
        }
        return cap(s, maxChars);
    }

    /** Caps {@code text} at {@code max} UTF-16 chars without splitting a surrogate pair. */
    public static String cap(String text, int max) {
        if (text.length() <= max) {
            return text;
        }
        int end = max;
        if (Character.isHighSurrogate(text.charAt(end - 1))) {
            end--;
        }
        return text.substring(0, end);
    }

    /** Fast path: printable ASCII, newline and tab need no work (and are NFC). */
    private static boolean isPlain(String s) {
        for (int i = 0, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            if ((c < 0x20 && c != '\n' && c != '\t') || c >= 0x7F) {
                return false;
            }
        }
        return true;
    }

    /** Whether {@code s} has a character to remove; most non-ASCII text (accents, emoji) has none. */
    private static boolean needsStrip(String s) {
        for (int i = 0, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 >= n || !Character.isLowSurrogate(s.charAt(i + 1))) {
                    return true;
                }
                i++;
            } else if (Character.isLowSurrogate(c) || isRemoved(c)) {
                return true;
            }
        }
        return false;
    }

    private static String strip(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                    sb.append(c).append(s.charAt(++i));
                }
            } else if (!Character.isLowSurrogate(c) && !isRemoved(c)) {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    private static boolean isRemoved(char c) {
        if (c < 0x20) {
            return c != '\n' && c != '\t';
        }
        return (c >= 0x7F && c <= 0x9F)
                || (c >= '\u202A' && c <= '\u202E')
                || (c >= '\u2066' && c <= '\u2069');
    }
}
