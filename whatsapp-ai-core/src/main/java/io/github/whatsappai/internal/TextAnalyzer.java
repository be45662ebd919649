package io.github.whatsappai.internal;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Turns text into search terms for lexical retrieval, the same way for documents and queries:
 * Unicode NFKC, lower case ({@link Locale#ROOT}), split on anything that is not a letter or digit
 * ({@link Character#isLetterOrDigit(int)}, so every script works), diacritics stripped
 * ({@code café} matches {@code cafe}), light English and Indonesian stopword lists dropped, and a
 * conservative, dictionary-free stemmer for both languages.
 *
 * <p><b>English:</b> plurals, {@code -ing}, {@code -ed} and a final {@code -e}.
 *
 * <p><b>Indonesian (formal):</b> the particles {@code -lah}, {@code -kah}, {@code -pun}, the
 * possessive {@code -nya}, the suffixes {@code -kan}, {@code -an} and {@code -i} (the last only
 * together with a prefix, as in {@code dimiliki → milik}), and up to two prefixes among
 * {@code di-}, {@code ke-}, {@code ter-}, {@code ber-}, {@code per-}, {@code meN-} and {@code peN-}
 * ({@code ke-…-an} and {@code diperbaiki → baik} fall out of these). The nasal of {@code meN-}
 * and {@code peN-} swallows the first sound of some roots, and without a dictionary the root is
 * not always certain: {@code menyimpan → simpan} is, but {@code mengirim} may be {@code kirim} or
 * {@code irim} and {@code memakan} may be {@code makan} or {@code pakan}. Such a word yields
 * every candidate root as a term ({@code mengirim → irim, kirim}); a document word and a query
 * word that share a root then share a term.
 *
 * <p><b>Indonesian (chat):</b> the colloquial suffix {@code -in} ({@code hapusin → hapus},
 * {@code beresin → beres}), the prefixes {@code nge-}, {@code ng-} and {@code ny-}
 * ({@code ngapus → hapus}, {@code nyimpen → simpan}, {@code nyari → cari}; the word itself is
 * kept as a term too), and a small table of chat spellings ({@code udah → sudah}, {@code liat →
 * lihat}, {@code dapet → dapat}, {@code gak → tidak}) applied to the word and to its stem.
 *
 * <p>Every rule leaves a stem of at least four letters with a vowel (three after {@code nge-}/
 * {@code menge-}, whose roots are one syllable), so short words are never mangled. The stems are
 * index keys, not words to show. Stateless and thread-safe.
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
            "begitu", "begini", "bisa", "dalam", "dan", "dari", "dengan", "di", "dia", "ini", "itu", "jika",
            "juga", "kalau", "kami", "kamu", "kapan", "ke", "kita", "mana", "mereka", "oleh", "pada", "saja",
            "saya", "sangat", "secara", "seperti", "serta", "sudah", "telah", "tentang", "untuk", "yang",
            "dong", "deh", "sih", "kok", "nih", "tuh", "ya", "yah", "kah", "lah", "kak", "gan");

    /**
     * Chat spellings and short forms mapped to the standard word, written from everyday Indonesian
     * chat usage. Applied to the folded word and again to its stem.
     */
    private static final Map<String, String> INFORMAL = Map.ofEntries(
            Map.entry("udah", "sudah"), Map.entry("udh", "sudah"), Map.entry("sdh", "sudah"), Map.entry("dah", "sudah"),
            Map.entry("blm", "belum"), Map.entry("blom", "belum"), Map.entry("belom", "belum"),
            Map.entry("liat", "lihat"), Map.entry("ngeliat", "lihat"), Map.entry("ngliat", "lihat"),
            Map.entry("gak", "tidak"), Map.entry("ga", "tidak"), Map.entry("gk", "tidak"), Map.entry("nggak", "tidak"),
            Map.entry("ngga", "tidak"), Map.entry("enggak", "tidak"), Map.entry("engga", "tidak"), Map.entry("tdk", "tidak"),
            Map.entry("kagak", "tidak"), Map.entry("ndak", "tidak"),
            Map.entry("gimana", "bagaimana"), Map.entry("gmn", "bagaimana"), Map.entry("gmna", "bagaimana"),
            Map.entry("kalo", "kalau"), Map.entry("klo", "kalau"), Map.entry("kl", "kalau"),
            Map.entry("aja", "saja"), Map.entry("aj", "saja"), Map.entry("doang", "saja"),
            Map.entry("yg", "yang"), Map.entry("dgn", "dengan"), Map.entry("dg", "dengan"), Map.entry("utk", "untuk"),
            Map.entry("tp", "tetapi"), Map.entry("tapi", "tetapi"), Map.entry("krn", "karena"), Map.entry("karna", "karena"),
            Map.entry("jg", "juga"), Map.entry("bs", "bisa"), Map.entry("bsa", "bisa"), Map.entry("sy", "saya"),
            Map.entry("gw", "saya"), Map.entry("gue", "saya"), Map.entry("gua", "saya"), Map.entry("aq", "aku"),
            Map.entry("lu", "kamu"), Map.entry("lo", "kamu"), Map.entry("elo", "kamu"), Map.entry("elu", "kamu"),
            Map.entry("bgt", "sangat"), Map.entry("banget", "sangat"), Map.entry("gitu", "begitu"), Map.entry("gini", "begini"),
            Map.entry("kayak", "seperti"), Map.entry("kyk", "seperti"), Map.entry("kek", "seperti"),
            Map.entry("tau", "tahu"), Map.entry("tao", "tahu"), Map.entry("pengen", "ingin"), Map.entry("pgn", "ingin"),
            Map.entry("pingin", "ingin"), Map.entry("kepengen", "ingin"), Map.entry("mo", "mau"),
            Map.entry("bikin", "buat"), Map.entry("bkin", "buat"), Map.entry("bwt", "buat"),
            Map.entry("pake", "pakai"), Map.entry("sampe", "sampai"), Map.entry("nyampe", "sampai"),
            Map.entry("dapet", "dapat"), Map.entry("dpt", "dapat"), Map.entry("simpen", "simpan"),
            Map.entry("bener", "benar"), Map.entry("pinter", "pintar"), Map.entry("temen", "teman"),
            Map.entry("seneng", "senang"), Map.entry("cepet", "cepat"), Map.entry("tempet", "tempat"),
            Map.entry("males", "malas"), Map.entry("inget", "ingat"), Map.entry("denger", "dengar"),
            Map.entry("ilang", "hilang"), Map.entry("abis", "habis"), Map.entry("ampir", "hampir"), Map.entry("emang", "memang"),
            Map.entry("apus", "hapus"), Map.entry("nanya", "tanya"), Map.entry("nunggu", "tunggu"), Map.entry("nulis", "tulis"),
            Map.entry("nutup", "tutup"), Map.entry("nyoba", "coba"), Map.entry("nyari", "cari"), Map.entry("naro", "taruh"),
            Map.entry("taro", "taruh"), Map.entry("ngasih", "kasih"), Map.entry("ksh", "kasih"),
            Map.entry("skrg", "sekarang"), Map.entry("skrang", "sekarang"), Map.entry("kmrn", "kemarin"),
            Map.entry("brp", "berapa"), Map.entry("knp", "kenapa"), Map.entry("napa", "kenapa"),
            Map.entry("msh", "masih"), Map.entry("masi", "masih"), Map.entry("trus", "terus"), Map.entry("trs", "terus"),
            Map.entry("org", "orang"), Map.entry("tgl", "tanggal"), Map.entry("hrs", "harus"), Map.entry("musti", "harus"),
            Map.entry("mesti", "harus"), Map.entry("duit", "uang"), Map.entry("apdet", "update"),
            Map.entry("donlot", "download"), Map.entry("dlu", "dulu"), Map.entry("dl", "dulu"), Map.entry("lg", "lagi"),
            Map.entry("sm", "sama"), Map.entry("ama", "sama"), Map.entry("dmn", "mana"), Map.entry("dimana", "mana"),
            Map.entry("gmana", "bagaimana"), Map.entry("tuk", "untuk"), Map.entry("bbrp", "beberapa"));

    /** Shortest stem an Indonesian rule may leave (many roots have four letters: beri, buat, baca). */
    private static final int MIN_STEM = 4;
    /** Shortest root after {@code nge-}/{@code menge-}, which are used with one-syllable roots (cek, tik). */
    private static final int MIN_MONOSYLLABLE = 3;

    private static final TextAnalyzer INSTANCE = new TextAnalyzer();

    private TextAnalyzer() {
    }

    /** The shared analyzer. */
    public static TextAnalyzer standard() {
        return INSTANCE;
    }

    /**
     * The terms of {@code text}, in order, stopwords removed; a word with several candidate roots
     * contributes each of them, next to each other; empty for blank text.
     */
    public List<String> terms(String text) {
        List<String> out = new ArrayList<>();
        forEachTerm(text, out::add);
        return out;
    }

    /** Passes each term of {@code text} to {@code sink}, in order, as {@link #terms(String)} lists them. */
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
     * One word as it is indexed: folded ({@link #fold(String)}), mapped from a chat spelling and
     * stemmed; the first candidate root when there are several; {@code null} for a stopword.
     */
    public String term(String word) {
        List<String> all = variants(word);
        return all.isEmpty() ? null : all.get(0);
    }

    /**
     * Every term one word is indexed under, most likely root first: one for most words, two or
     * three where a nasal prefix or a chat prefix leaves the root uncertain; empty for a stopword.
     */
    public List<String> variants(String word) {
        String folded = fold(word);
        String standard = INFORMAL.getOrDefault(folded, folded);
        if (standard.isEmpty() || STOPWORDS.contains(standard)) {
            return List.of();
        }
        return stems(standard);
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
        List<String> all = variants(word);
        for (int i = 0; i < all.size(); i++) {
            sink.accept(all.get(i));
        }
    }

    /** The stem of a folded, lower-case word (the first candidate root). */
    static String stem(String w) {
        return stems(w).get(0);
    }

    /** The candidate stems of a folded, lower-case word, most likely first; never empty. */
    static List<String> stems(String w) {
        if (w.length() <= 3 || !isAsciiLetters(w)) {
            return List.of(w);
        }
        String english = english(w);
        List<String> roots = indonesian(english);
        if (roots.size() == 1 && roots.get(0).equals(english)) {
            return List.of(english);
        }
        Set<String> out = new LinkedHashSet<>();
        for (String root : roots) {
            String standard = INFORMAL.get(root);
            if (standard == null) {
                out.add(root.length() > 3 ? english(root) : root);
            } else {
                // a chat spelling of a root (simpen, dapet) stems like the standard word would
                out.addAll(stems(standard));
            }
        }
        return List.copyOf(out);
    }

    static String english(String w) {
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
        if (s.endsWith("ied") && s.length() > 4) {
            s = s.substring(0, s.length() - 3) + "y";
        } else if (s.endsWith("ing") && hasVowel(s, s.length() - 3) && s.length() - 3 >= 3) {
            s = undouble(s.substring(0, s.length() - 3));
        } else if (s.endsWith("ed") && hasVowel(s, s.length() - 2) && s.length() - 2 >= 3) {
            s = undouble(s.substring(0, s.length() - 2));
        }
        if (s.endsWith("e") && s.length() > 4) {
            s = s.substring(0, s.length() - 1);
        }
        return s;
    }

    /** Candidate roots of a word after Indonesian suffixes and prefixes; the word itself when nothing applies. */
    static List<String> indonesian(String w) {
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
        String whole = s;
        String withoutI = null;
        if (s.endsWith("kan") && s.length() - 3 >= MIN_STEM) {
            s = s.substring(0, s.length() - 3);
        } else if (s.endsWith("an") && s.length() - 2 >= MIN_STEM) {
            s = s.substring(0, s.length() - 2);
        } else if (s.endsWith("in") && s.length() - 2 >= MIN_STEM && !isVowel(s.charAt(s.length() - 3))) {
            // colloquial -in (hapusin, beresin, dapetin) stands for -kan or -i
            s = s.substring(0, s.length() - 2);
        } else if (s.endsWith("i") && s.length() - 1 >= MIN_STEM + 2) {
            withoutI = s.substring(0, s.length() - 1);
        }
        Set<String> out = new LinkedHashSet<>();
        if (withoutI != null) {
            // -i only together with a prefix (memiliki, dimiliki, mengakhiri; never beli, cari, kunci),
            // and the root may itself end in -i (menilai: nilai), so both candidates
            List<String> stripped = prefixes(withoutI, 2);
            if (!stripped.get(0).equals(withoutI)) {
                addRoots(prefixes(s, 2), out);
                addRoots(stripped, out);
                return List.copyOf(out);
            }
        }
        List<String> roots = prefixes(s, 2);
        if (roots.size() == 1 && roots.get(0).equals(s) && !s.equals(whole) && whole.endsWith("an")) {
            // the suffix was part of the root when only the whole word takes a prefix: memakan, makan
            List<String> wholeRoots = prefixes(whole, 2);
            if (!wholeRoots.get(0).equals(whole)) {
                roots = wholeRoots;
            }
        }
        addRoots(roots, out);
        return List.copyOf(out);
    }

    /**
     * Adds roots, each with a final {@code -an} taken off once more where four letters remain, so
     * that a root ending in {@code -an} meets its derived nouns ({@code simpan}, {@code penyimpanan}).
     */
    private static void addRoots(List<String> roots, Set<String> out) {
        for (String root : roots) {
            out.add(root.endsWith("an") && root.length() - 2 >= MIN_STEM ? root.substring(0, root.length() - 2) : root);
        }
    }

    /** Strips up to {@code rounds} prefixes; candidates most likely first. */
    private static List<String> prefixes(String s, int rounds) {
        List<String> once = prefix(s);
        if (rounds == 1 || once.size() != 1 || once.get(0).equals(s)) {
            return once;
        }
        List<String> twice = prefix(once.get(0));
        return twice;
    }

    /** The candidate roots after one prefix; {@code [s]} when none applies. */
    private static List<String> prefix(String s) {
        int n = s.length();
        char c4 = n > 4 ? s.charAt(4) : 'x';
        char c3 = n > 3 ? s.charAt(3) : 'x';
        if (s.startsWith("meng") || s.startsWith("peng")) {
            String rest = s.substring(4);
            List<String> roots = isVowel(c4) ? keepAll(s, rest, "k" + rest) : keepAll(s, rest);
            String mono = s.substring(Math.min(n, 5));
            if (s.startsWith("menge") || s.startsWith("penge")) {
                // menge- before a one-syllable root: mengecek, mengetik
                if (mono.length() >= MIN_MONOSYLLABLE && mono.length() <= 4 && !isVowel(mono.charAt(0))
                        && hasVowel(mono, mono.length())) {
                    List<String> out = new ArrayList<>(roots);
                    out.remove(s);
                    out.add(mono);
                    return out;
                }
            }
            return roots;
        }
        if (s.startsWith("meny") || s.startsWith("peny")) {
            return keepAll(s, "s" + s.substring(4));
        }
        if (s.startsWith("mem") || s.startsWith("pem")) {
            String rest = s.substring(3);
            if (rest.startsWith("per") && rest.length() > 3) {
                return keepAll(s, rest);
            }
            return isVowel(c3) ? keepAll(s, "p" + rest, "m" + rest) : keepAll(s, rest);
        }
        if (s.startsWith("men") || s.startsWith("pen")) {
            String rest = s.substring(3);
            return isVowel(c3) ? keepAll(s, "t" + rest, "n" + rest) : keepAll(s, rest);
        }
        if (s.startsWith("ber") || s.startsWith("ter")) {
            String rest = s.substring(3);
            return isVowel(c3) ? keepAll(s, rest, "r" + rest) : keepAll(s, rest);
        }
        if (s.startsWith("per")) {
            return keepAll(s, s.substring(3));
        }
        if ((s.startsWith("me") || s.startsWith("pe")) && n > 2 && "lrwymn".indexOf(s.charAt(2)) >= 0) {
            return keepAll(s, s.substring(2));
        }
        if (s.startsWith("di") || s.startsWith("ke")) {
            return keepAll(s, s.substring(2));
        }
        // chat prefixes: nge- (ngecek, ngedit), ng- (ngapus, ngirim, ngambil), ny- (nyimpen, nyari)
        if (s.startsWith("ng") && n > 2 && isVowel(s.charAt(2))) {
            String rest = s.substring(2);
            List<String> roots = new ArrayList<>(keepAll(s, "h" + rest, "k" + rest, rest));
            String mono = s.substring(Math.min(n, 3));
            if (s.startsWith("nge") && n > 3 && !isVowel(c3) && mono.length() >= MIN_MONOSYLLABLE
                    && hasVowel(mono, mono.length())) {
                roots.remove(s);
                roots.add(mono);
            }
            return withWord(s, roots);
        }
        if (s.startsWith("ny") && n > 2 && isVowel(s.charAt(2))) {
            String rest = s.substring(2);
            return withWord(s, keepAll(s, "s" + rest, "c" + rest));
        }
        return List.of(s);
    }

    /** The chat-prefix roots followed by the word itself (a standard word may start like a chat prefix: nyaman). */
    private static List<String> withWord(String word, List<String> roots) {
        if (roots.size() == 1 && roots.get(0).equals(word)) {
            return roots;
        }
        List<String> out = new ArrayList<>(roots);
        out.add(word);
        return out;
    }

    /** The candidates long enough to be a stem, or {@code [original]} when none is. */
    private static List<String> keepAll(String original, String... candidates) {
        List<String> out = new ArrayList<>(candidates.length);
        for (String c : candidates) {
            if (c.length() >= MIN_STEM && hasVowel(c, c.length())) {
                out.add(c);
            }
        }
        return out.isEmpty() ? List.of(original) : out;
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
