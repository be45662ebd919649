package io.github.whatsappai.internal;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Turns text into search terms for lexical retrieval, the same way for documents and queries:
 * Unicode NFKC, lower case ({@link Locale#ROOT}), split on anything that is not a letter or digit
 * ({@link Character#isLetterOrDigit(int)}, so every script works), diacritics stripped
 * ({@code café} matches {@code cafe}), small English and Indonesian stopword lists dropped, and a
 * light, conservative stemmer that helps both languages: English plurals, {@code -ing}, {@code -ed}
 * and a final {@code -e}; Indonesian particles ({@code -lah}, {@code -kah}, {@code -pun}),
 * {@code -nya}, the suffixes {@code -kan} and {@code -an}, and the prefixes {@code di-}, {@code ter-},
 * {@code ber-}, {@code per-}, {@code ke-}, {@code meN-} and {@code peN-} with their nasal sound changes
 * ({@code menulis → tulis}, {@code memakai → pakai}, {@code menyimpan → simpan}). Every rule
 * leaves a stem of a minimum length, so short words are never mangled. The stems are index keys,
 * not words to show.
 *
 * <p>Stateless and thread-safe.
 */
public final class TextAnalyzer {

    private static final Set<String> STOPWORDS = Set.of(
            // English
            "a", "an", "and", "are", "as", "at", "be", "been", "but", "by", "can", "do", "does", "for",
            "from", "had", "has", "have", "how", "i", "if", "in", "into", "is", "it", "its", "me", "my",
            "of", "on", "or", "our", "so", "than", "that", "the", "their", "them", "then", "there",
            "these", "they", "this", "those", "to", "was", "we", "were", "what", "when", "where",
            "which", "who", "whom", "why", "will", "with", "would", "you", "your",
            // Indonesian
            "ada", "adalah", "agar", "akan", "aku", "apa", "apakah", "atau", "bagaimana", "bahwa",
            "begitu", "bisa", "dalam", "dan", "dari", "dengan", "di", "dia", "ini", "itu", "jika",
            "juga", "kami", "kamu", "kapan", "ke", "kita", "mana", "mereka", "oleh", "pada", "saya",
            "sangat", "secara", "seperti", "serta", "sudah", "telah", "tentang", "untuk", "yang");

    /** Shortest stem an Indonesian rule may leave (many roots have four letters: beri, buat, baca). */
    private static final int MIN_STEM = 4;

    private static final TextAnalyzer INSTANCE = new TextAnalyzer();

    private TextAnalyzer() {
    }

    /** The shared analyzer. */
    public static TextAnalyzer standard() {
        return INSTANCE;
    }

    /** The terms of {@code text}, in order, stopwords removed; empty for blank text. */
    public List<String> terms(String text) {
        List<String> out = new ArrayList<>();
        forEachTerm(text, out::add);
        return out;
    }

    /** Passes each term of {@code text} to {@code sink}, in order, stopwords removed. */
    public void forEachTerm(String text, Consumer<String> sink) {
        if (text == null || text.isEmpty()) {
            return;
        }
        String normalized = isPlainAscii(text) ? text : Normalizer.normalize(text, Normalizer.Form.NFKC);
        int n = normalized.length();
        int start = -1;
        for (int i = 0; i < n; ) {
            int cp = normalized.codePointAt(i);
            int width = Character.charCount(cp);
            boolean partOfWord = Character.isLetterOrDigit(cp) || start >= 0 && isCombiningMark(cp);
            if (partOfWord) {
                if (start < 0) {
                    start = i;
                }
            } else if (start >= 0) {
                emit(normalized.substring(start, i), sink);
                start = -1;
            }
            i += width;
        }
        if (start >= 0) {
            emit(normalized.substring(start), sink);
        }
    }

    /**
     * One word as it is indexed: folded ({@link #fold(String)}) and stemmed; {@code null} when it
     * is a stopword.
     */
    public String term(String word) {
        String folded = fold(word);
        if (folded.isEmpty() || STOPWORDS.contains(folded)) {
            return null;
        }
        return stem(folded);
    }

    /** Lower case ({@link Locale#ROOT}) without diacritics: {@code Éléphant → elephant}. */
    public static String fold(String word) {
        String lower = word.toLowerCase(Locale.ROOT);
        if (isPlainAscii(lower)) {
            return lower;
        }
        String decomposed = Normalizer.normalize(lower, Normalizer.Form.NFD);
        StringBuilder sb = new StringBuilder(decomposed.length());
        for (int i = 0; i < decomposed.length(); ) {
            int cp = decomposed.codePointAt(i);
            if (!isCombiningMark(cp)) {
                sb.appendCodePoint(cp);
            }
            i += Character.charCount(cp);
        }
        return sb.toString();
    }

    private void emit(String word, Consumer<String> sink) {
        String t = term(word);
        if (t != null) {
            sink.accept(t);
        }
    }

    /** The stem of a folded, lower-case word. */
    static String stem(String w) {
        if (w.length() <= 3 || !isAsciiLetters(w)) {
            return w;
        }
        return indonesian(english(w));
    }

    private static String english(String w) {
        String s = w;
        if (s.endsWith("ies") && s.length() > 4) {
            s = s.substring(0, s.length() - 3) + "y";
        } else if (s.endsWith("sses")) {
            s = s.substring(0, s.length() - 2);
        } else if ((s.endsWith("xes") || s.endsWith("ches") || s.endsWith("shes")) && s.length() > 4) {
            s = s.substring(0, s.length() - 2);
        } else if (s.endsWith("s") && !s.endsWith("ss") && !s.endsWith("us") && !s.endsWith("is")
                && s.length() > 3) {
            s = s.substring(0, s.length() - 1);
        }
        if (s.endsWith("ing") && hasVowel(s, s.length() - 3) && s.length() - 3 >= 3) {
            s = undouble(s.substring(0, s.length() - 3));
        } else if (s.endsWith("ed") && hasVowel(s, s.length() - 2) && s.length() - 2 >= 3) {
            s = undouble(s.substring(0, s.length() - 2));
        }
        if (s.endsWith("e") && s.length() > 4) {
            s = s.substring(0, s.length() - 1);
        }
        return s;
    }

    private static String indonesian(String w) {
        String s = w;
        for (String particle : new String[] {"lah", "kah", "pun"}) {
            if (s.endsWith(particle) && s.length() - particle.length() >= MIN_STEM) {
                s = s.substring(0, s.length() - particle.length());
                break;
            }
        }
        if (s.endsWith("nya") && s.length() - 3 >= MIN_STEM) {
            s = s.substring(0, s.length() - 3);
        }
        if (s.endsWith("kan") && s.length() - 3 >= MIN_STEM) {
            s = s.substring(0, s.length() - 3);
        } else if (s.endsWith("an") && s.length() - 2 >= MIN_STEM) {
            s = s.substring(0, s.length() - 2);
        }
        return prefix(s);
    }

    private static String prefix(String s) {
        if (s.startsWith("meng") || s.startsWith("peng")) {
            return keep(s, s.substring(4));
        }
        if (s.startsWith("meny") || s.startsWith("peny")) {
            return keep(s, "s" + s.substring(4));
        }
        if (s.startsWith("mem") || s.startsWith("pem")) {
            char c = s.length() > 3 ? s.charAt(3) : 'x';
            return keep(s, isVowel(c) ? "p" + s.substring(3) : s.substring(3));
        }
        if (s.startsWith("men") || s.startsWith("pen")) {
            char c = s.length() > 3 ? s.charAt(3) : 'x';
            return keep(s, isVowel(c) ? "t" + s.substring(3) : s.substring(3));
        }
        if (s.startsWith("ber") || s.startsWith("ter") || s.startsWith("per")) {
            return keep(s, s.substring(3));
        }
        if ((s.startsWith("me") || s.startsWith("pe")) && s.length() > 2 && "lrwy".indexOf(s.charAt(2)) >= 0) {
            return keep(s, s.substring(2));
        }
        if (s.startsWith("di") || s.startsWith("ke")) {
            return keep(s, s.substring(2));
        }
        return s;
    }

    /** {@code stripped} when it is long enough to be a stem, otherwise {@code original}. */
    private static String keep(String original, String stripped) {
        return stripped.length() >= MIN_STEM && hasVowel(stripped, stripped.length()) ? stripped : original;
    }

    private static String undouble(String s) {
        int n = s.length();
        if (n >= 4 && s.charAt(n - 1) == s.charAt(n - 2) && !isVowel(s.charAt(n - 1))
                && "lsz".indexOf(s.charAt(n - 1)) < 0) {
            return s.substring(0, n - 1);
        }
        return s;
    }

    private static boolean hasVowel(String s, int end) {
        for (int i = 0; i < end; i++) {
            if (isVowel(s.charAt(i))) {
                return true;
            }
        }
        return false;
    }

    private static boolean isVowel(char c) {
        return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u';
    }

    private static boolean isAsciiLetters(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 'a' || c > 'z') {
                return false;
            }
        }
        return true;
    }

    private static boolean isPlainAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    private static boolean isCombiningMark(int cp) {
        int type = Character.getType(cp);
        return type == Character.NON_SPACING_MARK || type == Character.COMBINING_SPACING_MARK
                || type == Character.ENCLOSING_MARK;
    }
}
