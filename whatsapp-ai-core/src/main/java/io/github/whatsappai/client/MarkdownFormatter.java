package io.github.whatsappai.client;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Converts the Markdown an LLM writes into WhatsApp's formatting (see "Formatting" in
 * docs/whatsapp-protocol-notes.md).
 *
 * <ul>
 *   <li>{@code **bold**} and {@code __bold__} become {@code *bold*}; {@code *italic*} and
 *       {@code _italic_} become {@code _italic_}; {@code ***both***} becomes {@code *_both_*};
 *       {@code ~~strike~~} becomes {@code ~strike~}.</li>
 *   <li>{@code # Heading} lines (any level) become bold lines.</li>
 *   <li>{@code [text](url)} becomes {@code text (url)}, or just {@code url} when the text is the URL;
 *       {@code ![alt](url)} becomes {@code alt (url)}; {@code <url>} becomes {@code url}.</li>
 *   <li>Tables become one bullet per row, {@code - Header: value; Header: value}.</li>
 *   <li>Fenced code blocks lose their language tag; their content, inline code and URLs are never
 *       changed (underscores and asterisks in them stay as they are).</li>
 *   <li>{@code * } and {@code + } bullets become {@code - } (so WhatsApp does not read them as bold);
 *       numbered lists and quotes stay; horizontal rules are dropped; runs of blank lines collapse to one.</li>
 *   <li>Asterisks between word characters ({@code 2*3*4}) and underscores inside identifiers
 *       ({@code snake_case}) are left alone.</li>
 * </ul>
 *
 * <p>Stateless and thread-safe.
 */
final class MarkdownFormatter {

    private static final Pattern FENCE = Pattern.compile("^(\\s*)(```+|~~~+)\\s*([\\w#+.\\-]*)\\s*$");
    private static final Pattern HEADING = Pattern.compile("^\\s{0,3}#{1,6}\\s+(.*?)(?:\\s+#+)?\\s*$");
    private static final Pattern RULE = Pattern.compile("^\\s{0,3}([-*_])(?:\\s*\\1){2,}\\s*$");
    private static final Pattern BULLET = Pattern.compile("^(\\s*)[*+](\\s+)");
    private static final Pattern TABLE_SEPARATOR = Pattern.compile("^\\s*\\|?\\s*:?-{2,}:?\\s*(\\|\\s*:?-{2,}:?\\s*)*\\|?\\s*$");
    private static final Pattern INLINE_CODE = Pattern.compile("(`+)(.+?)\\1");
    private static final Pattern IMAGE = Pattern.compile("!\\[([^\\]\\n]*)]\\(\\s*<?((?:[^()\\s<>]|\\([^()\\s]*\\))+)>?(?:\\s+\"[^\"]*\")?\\s*\\)");
    private static final Pattern LINK = Pattern.compile("\\[([^\\]\\n]+)]\\(\\s*<?((?:[^()\\s<>]|\\([^()\\s]*\\))+)>?(?:\\s+\"[^\"]*\")?\\s*\\)");
    private static final Pattern AUTOLINK = Pattern.compile("<((?:https?|mailto):[^\\s<>]+)>");
    private static final Pattern URL = Pattern.compile("(?:https?://|www\\.)[^\\s<>]+");
    private static final Pattern ESCAPE = Pattern.compile("\\\\([*_~`#\\[\\]()|\\\\>!-])");
    private static final Pattern BOLD_ITALIC = Pattern.compile("(?<![\\w*])\\*\\*\\*(?=\\S)(.+?)(?<=\\S)\\*\\*\\*(?!\\*)");
    private static final Pattern BOLD_STARS = Pattern.compile("(?<![\\w*])\\*\\*(?=[^\\s*])(.+?)(?<=[^\\s*])\\*\\*(?!\\*)");
    private static final Pattern BOLD_UNDERSCORES = Pattern.compile("(?<![^\\s(\\[\"'])__(?=[^\\s_])(.+?)(?<=[^\\s_])__(?![\\w(])");
    private static final Pattern ITALIC_STAR = Pattern.compile("(?<![\\w*])\\*(?=[^\\s*])([^*]*?)(?<=[^\\s*])\\*(?![\\w*])");
    private static final Pattern STRIKE = Pattern.compile("~~(?=\\S)(.+?)(?<=\\S)~~");

    /** Protected text is replaced by {@code PROTECT + index + PROTECT} until the end. */
    private static final char PROTECT = '\u0000';
    /** Stands for a WhatsApp bold marker until italics are converted. */
    private static final char BOLD = '\u0001';

    private MarkdownFormatter() {
    }

    /**
     * Converts {@code markdown} to WhatsApp formatting.
     *
     * @param markdown the LLM's text; {@code null} gives the empty string
     * @return the text for a WhatsApp message (not yet split)
     */
    public static String toWhatsApp(String markdown) {
        if (markdown == null || markdown.isEmpty()) {
            return "";
        }
        String[] lines = markdown.replace("\r\n", "\n").replace('\r', '\n')
                .replace(String.valueOf(PROTECT), "").replace(String.valueOf(BOLD), "").split("\n", -1);
        StringBuilder out = new StringBuilder(markdown.length() + 16);
        String fence = null;
        boolean lastBlank = true;
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            if (fence != null) {
                Matcher f = FENCE.matcher(line);
                if (f.matches() && f.group(3).isEmpty() && f.group(2).charAt(0) == fence.charAt(0)
                        && f.group(2).length() >= fence.length()) {
                    out.append(f.group(1)).append("```\n");
                    fence = null;
                } else {
                    out.append(line).append('\n');
                }
                lastBlank = false;
                continue;
            }
            char first = firstNonSpace(line);
            Matcher f = first == '`' || first == '~' ? FENCE.matcher(line) : null;
            if (f != null && f.matches()) {
                fence = f.group(2);
                out.append(f.group(1)).append("```\n");
                lastBlank = false;
                continue;
            }
            if (line.isBlank()) {
                if (!lastBlank) {
                    out.append('\n');
                }
                lastBlank = true;
                continue;
            }
            if ((first == '-' || first == '*' || first == '_') && RULE.matcher(line).matches()) {
                continue;
            }
            if (first == '|' && isTableRow(line) && i + 1 < lines.length
                    && TABLE_SEPARATOR.matcher(lines[i + 1]).matches()) {
                List<String> header = cells(line);
                i++;
                while (i + 1 < lines.length && isTableRow(lines[i + 1])) {
                    i++;
                    out.append(tableRow(header, cells(lines[i]))).append('\n');
                }
                lastBlank = false;
                continue;
            }
            Matcher h = first == '#' ? HEADING.matcher(line) : null;
            if (h != null && h.matches()) {
                String title = inline(h.group(1).replace("**", "").replace("__", "")).trim();
                if (!title.isEmpty()) {
                    out.append('*').append(title).append("*\n");
                    lastBlank = false;
                }
                continue;
            }
            if (first == '*' || first == '+') {
                Matcher b = BULLET.matcher(line);
                if (b.lookingAt()) {
                    line = b.group(1) + "-" + b.group(2) + line.substring(b.end());
                }
            }
            out.append(inline(line)).append('\n');
            lastBlank = false;
        }
        if (fence != null) {
            out.append("```\n");
        }
        int end = out.length();
        while (end > 0 && Character.isWhitespace(out.charAt(end - 1))) {
            end--;
        }
        int start = 0;
        while (start < end && out.charAt(start) == '\n') {
            start++;
        }
        return out.substring(start, end);
    }

    private static char firstNonSpace(String line) {
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c != ' ' && c != '\t') {
                return c;
            }
        }
        return ' ';
    }

    private static boolean isTableRow(String line) {
        String t = line.trim();
        return t.length() > 1 && t.charAt(0) == '|' && t.indexOf('|', 1) > 0;
    }

    private static List<String> cells(String row) {
        String t = row.trim();
        if (t.startsWith("|")) {
            t = t.substring(1);
        }
        if (t.endsWith("|") && !t.endsWith("\\|")) {
            t = t.substring(0, t.length() - 1);
        }
        List<String> cells = new ArrayList<>();
        int from = 0;
        for (int i = 0; i < t.length(); i++) {
            if (t.charAt(i) == '|' && (i == 0 || t.charAt(i - 1) != '\\')) {
                cells.add(t.substring(from, i).trim().replace("\\|", "|"));
                from = i + 1;
            }
        }
        cells.add(t.substring(from).trim().replace("\\|", "|"));
        return cells;
    }

    private static String tableRow(List<String> header, List<String> cells) {
        StringBuilder sb = new StringBuilder("- ");
        boolean first = true;
        for (int c = 0; c < cells.size(); c++) {
            String value = cells.get(c);
            if (value.isEmpty()) {
                continue;
            }
            if (!first) {
                sb.append("; ");
            }
            first = false;
            String name = c < header.size() ? header.get(c) : "";
            if (!name.isEmpty()) {
                sb.append(inline(name.replace("**", "").replace("__", ""))).append(": ");
            }
            sb.append(inline(value));
        }
        return sb.toString();
    }

    /** Converts the inline Markdown of one line outside code blocks. */
    static String inline(String line) {
        List<String> kept = new ArrayList<>();
        String s = line;
        if (s.indexOf('`') >= 0) {
            s = protect(s, INLINE_CODE, kept, m -> m.group());
        }
        if (s.indexOf('\\') >= 0) {
            s = protect(s, ESCAPE, kept, m -> m.group(1));
        }
        if (s.indexOf('[') >= 0) {
            s = protect(s, IMAGE, kept, m -> {
                String alt = inline(m.group(1)).trim();
                return alt.isEmpty() ? m.group(2) : alt + " (" + m.group(2) + ")";
            });
            s = protect(s, LINK, kept, m -> {
                String text = m.group(1).trim();
                String url = m.group(2);
                if (sameTarget(text, url)) {
                    return url;
                }
                return inline(text) + " (" + url + ")";
            });
        }
        if (s.indexOf('<') >= 0) {
            s = protect(s, AUTOLINK, kept, m -> m.group(1));
        }
        if (s.indexOf("://") >= 0 || s.contains("www.")) {
            s = protectUrls(s, kept);
        }
        if (s.indexOf('*') >= 0 || s.indexOf('_') >= 0 || s.indexOf('~') >= 0) {
            if (s.contains("***")) {
                s = BOLD_ITALIC.matcher(s).replaceAll(BOLD + "_$1_" + BOLD);
            }
            if (s.contains("**")) {
                s = BOLD_STARS.matcher(s).replaceAll(BOLD + "$1" + BOLD);
            }
            if (s.contains("__")) {
                s = BOLD_UNDERSCORES.matcher(s).replaceAll(BOLD + "$1" + BOLD);
            }
            if (s.indexOf('*') >= 0) {
                s = ITALIC_STAR.matcher(s).replaceAll("_$1_");
            }
            if (s.contains("~~")) {
                s = STRIKE.matcher(s).replaceAll("~$1~");
            }
            s = s.replace(BOLD, '*');
        }
        return kept.isEmpty() ? s : restore(s, kept);
    }

    private static boolean sameTarget(String text, String url) {
        String t = text.replace("`", "");
        return t.equals(url) || url.endsWith("://" + t) || url.equals("mailto:" + t)
                || url.endsWith("://" + t + "/") || url.endsWith("://www." + t);
    }

    private static String protect(String s, Pattern p, List<String> kept,
                                  java.util.function.Function<Matcher, String> replacement) {
        Matcher m = p.matcher(s);
        if (!m.find()) {
            return s;
        }
        StringBuilder sb = new StringBuilder(s.length());
        int last = 0;
        do {
            sb.append(s, last, m.start());
            kept.add(restore(replacement.apply(m), kept));
            sb.append(PROTECT).append(kept.size() - 1).append(PROTECT);
            last = m.end();
        } while (m.find());
        return sb.append(s, last, s.length()).toString();
    }

    /** Protects bare URLs, leaving trailing punctuation and unbalanced closing brackets outside. */
    private static String protectUrls(String s, List<String> kept) {
        Matcher m = URL.matcher(s);
        StringBuilder sb = null;
        int last = 0;
        while (m.find()) {
            int end = m.end();
            String url = s.substring(m.start(), end);
            while (!url.isEmpty()) {
                char c = url.charAt(url.length() - 1);
                if (".,;:!?'\"*_~".indexOf(c) >= 0
                        || (c == ')' && count(url, '(') < count(url, ')'))
                        || (c == ']' && count(url, '[') < count(url, ']'))
                        || c == PROTECT) {
                    url = url.substring(0, url.length() - 1);
                } else {
                    break;
                }
            }
            if (url.indexOf(PROTECT) >= 0) {
                url = url.substring(0, url.indexOf(PROTECT));
            }
            if (url.length() <= 8) {
                continue;
            }
            if (sb == null) {
                sb = new StringBuilder(s.length());
            }
            sb.append(s, last, m.start());
            kept.add(url);
            sb.append(PROTECT).append(kept.size() - 1).append(PROTECT);
            last = m.start() + url.length();
        }
        return sb == null ? s : sb.append(s, last, s.length()).toString();
    }

    private static int count(String s, char c) {
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) == c) {
                n++;
            }
        }
        return n;
    }

    private static String restore(String s, List<String> kept) {
        if (s.indexOf(PROTECT) < 0) {
            return s;
        }
        StringBuilder sb = new StringBuilder(s.length() + 32);
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            int close = c == PROTECT ? s.indexOf(PROTECT, i + 1) : -1;
            if (close > i + 1) {
                sb.append(kept.get(Integer.parseInt(s, i + 1, close, 10)));
                i = close + 1;
            } else {
                sb.append(c);
                i++;
            }
        }
        return sb.toString();
    }
}
