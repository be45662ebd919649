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

    /** {@link #scan} flag: the text has characters to remove. */
    private static final int STRIP = 1;
    /** {@link #scan} flag: the text may not be NFC. */
    private static final int NORMALIZE = 2;

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
        int work = scan(s);
        if ((work & STRIP) != 0) {
            s = strip(s);
        }
        // Removing characters cannot make NFC text out of NFC-safe ones non-NFC, so the scan of
        // the original decides whether normalisation may be needed.
        if ((work & NORMALIZE) != 0 && !Normalizer.isNormalized(s, Normalizer.Form.NFC)) {
            s = Normalizer.normalize(s, Normalizer.Form.NFC);
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

    /**
     * One pass over {@code s}: whether it has characters to remove ({@link #STRIP}) and whether it
     * has characters that may make it non-NFC ({@link #NORMALIZE}). Text made only of
     * {@linkplain #isNfcSafe NFC-safe} characters (ASCII, Latin, common scripts, punctuation, emoji)
     * is NFC already, so {@link Normalizer} is only consulted for the rest.
     */
    private static int scan(String s) {
        int work = 0;
        for (int i = 0, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x20 && c < 0x7F) {
                continue;
            }
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                    if (!isNfcSafe(Character.toCodePoint(c, s.charAt(++i)))) {
                        work |= NORMALIZE;
                    }
                } else {
                    work |= STRIP;
                }
            } else if (Character.isLowSurrogate(c) || isRemoved(c)) {
                work |= STRIP;
            } else if (!isNfcSafe(c)) {
                work |= NORMALIZE;
            }
        }
        return work;
    }

    /**
     * Whether {@code cp} is a starter (canonical combining class 0) that is "Yes" for the NFC
     * quick check: it never changes under NFC and never composes with what precedes it. A string
     * of such characters is NFC. Only well-known blocks are listed; everything else goes through
     * {@link Normalizer}.
     */
    static boolean isNfcSafe(int cp) {
        if (cp < 0x300) {
            return true; // ASCII, Latin-1, Latin Extended-A/B, IPA, spacing modifiers
        }
        if (cp < 0x2000) {
            return cp >= 0x400 && cp <= 0x482 || cp >= 0x48A && cp <= 0x52F // Cyrillic letters
                    || cp >= 0x5D0 && cp <= 0x5EA // Hebrew letters
                    || cp >= 0x621 && cp <= 0x64A // Arabic letters
                    || cp >= 0x660 && cp <= 0x669; // Arabic-Indic digits
        }
        if (cp < 0x10000) {
            return cp >= 0x200B && cp <= 0x200F // zero-width space, (non-)joiner, LRM, RLM
                    || cp >= 0x2010 && cp <= 0x2027 // dashes, quotes, bullet, ellipsis
                    || cp >= 0x2030 && cp <= 0x205E // per mille, primes, other punctuation
                    || cp >= 0x20A0 && cp <= 0x20C0 // currency signs
                    || cp >= 0x2190 && cp <= 0x21FF // arrows
                    || cp >= 0x2600 && cp <= 0x27BF // miscellaneous symbols, dingbats
                    || cp >= 0x3041 && cp <= 0x3096 || cp >= 0x30A1 && cp <= 0x30FA // kana
                    || cp >= 0x4E00 && cp <= 0x9FFF // CJK unified ideographs
                    || cp >= 0xAC00 && cp <= 0xD7A3; // Hangul syllables
        }
        return cp >= 0x1F300 && cp <= 0x1FAFF; // emoji and pictographs
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
