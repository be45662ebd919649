package io.github.whatsappai.internal;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/** Masks personal data and secrets before they reach a log line or an exception message. */
public final class Redaction {

    /** Digit runs this long or longer may be phone numbers (a wa_id has 7 to 15 digits). */
    private static final int MIN_PHONE_DIGITS = 7;
    /** How deep {@link #masked(Throwable)} follows causes and suppressed exceptions. */
    private static final int MAX_THROWABLE_DEPTH = 16;

    private Redaction() {
    }

    /**
     * Masks a phone number, wa_id or business-scoped user id, keeping enough to correlate log
     * lines: {@code 15555550123} becomes {@code 155******23}; {@code US.1349120865} becomes
     * {@code US.13******65}. {@code null} stays {@code "-"}.
     */
    public static String maskId(String id) {
        if (id == null || id.isEmpty()) {
            return "-";
        }
        // the country code of a business-scoped id is kept; anything else (even a malformed id
        // with a dot further on) keeps only its first three characters
        boolean bsuid = id.length() > 3 && isUpper(id.charAt(0)) && isUpper(id.charAt(1)) && id.charAt(2) == '.';
        int keepStart = bsuid ? Math.min(5, id.length()) : Math.min(3, id.length());
        int keepEnd = 2;
        if (id.length() <= keepStart + keepEnd) {
            return "*".repeat(id.length());
        }
        return id.substring(0, keepStart) + "*".repeat(id.length() - keepStart - keepEnd)
                + id.substring(id.length() - keepEnd);
    }

    /** Masks a secret entirely except for its length class: never prints any of its characters. */
    public static String maskSecret(String secret) {
        return secret == null || secret.isEmpty() ? "(unset)" : "****";
    }

    /**
     * Masks what looks like a phone number or a business-scoped user id inside free text (a
     * reason, a driver's or a server's message), leaving the rest readable: every run of 7 or more
     * ASCII digits and every token of two capitals, a dot and letters, digits or dots with at least
     * one digit ({@code US.1349…}) goes through {@link #maskId}. Names cannot be recognised in free
     * text: text that may hold one must not be printed at all (see {@link #chars}).
     * {@code null} becomes {@code "-"}.
     */
    public static String scrub(String text) {
        if (text == null) {
            return "-";
        }
        StringBuilder out = null;
        int n = text.length();
        int i = 0;
        int copied = 0;
        while (i < n) {
            int end = bsuidEnd(text, i);
            if (end < 0 && isDigit(text.charAt(i)) && (i == 0 || !isDigit(text.charAt(i - 1)))) {
                int j = i;
                while (j < n && isDigit(text.charAt(j))) {
                    j++;
                }
                end = j - i >= MIN_PHONE_DIGITS ? j : -1;
            }
            if (end < 0) {
                i++;
                continue;
            }
            if (out == null) {
                out = new StringBuilder(n);
            }
            out.append(text, copied, i).append(maskId(text.substring(i, end)));
            copied = end;
            i = end;
        }
        return out == null ? text : out.append(text, copied, n).toString();
    }

    /**
     * Describes text that may carry personal data by its length only: {@code "12 chars"}, or
     * {@code "-"} for {@code null}.
     */
    public static String chars(String text) {
        return text == null ? "-" : text.length() + " chars";
    }

    /**
     * One line for an exception: its class and its {@link #scrub scrubbed} message, then the same
     * for its root cause when that is another exception.
     */
    public static String describe(Throwable error) {
        if (error == null) {
            return "-";
        }
        StringBuilder sb = new StringBuilder(oneThrowable(error));
        Throwable root = error;
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        while (root.getCause() != null && seen.add(root)) {
            root = root.getCause();
        }
        if (root != error) {
            sb.append(" (root cause ").append(oneThrowable(root)).append(')');
        }
        return sb.toString();
    }

    /**
     * A copy of {@code error} fit for a log with a stack trace: each exception in the chain (causes
     * and suppressed ones) becomes one whose message is the original class name and the
     * {@link #scrub scrubbed} original message, with the original stack trace. A logging framework
     * printing it shows where it happened without copying a phone number out of a driver's message.
     * {@code null} stays {@code null}.
     */
    public static Throwable masked(Throwable error) {
        return error == null ? null : masked(error, Collections.newSetFromMap(new IdentityHashMap<>()), 0);
    }

    private static Throwable masked(Throwable error, Set<Throwable> seen, int depth) {
        seen.add(error);
        Throwable cause = error.getCause();
        boolean deeper = depth < MAX_THROWABLE_DEPTH;
        Throwable maskedCause = deeper && cause != null && !seen.contains(cause) ? masked(cause, seen, depth + 1) : null;
        MaskedThrowable copy = new MaskedThrowable(oneThrowable(error), maskedCause);
        copy.setStackTrace(error.getStackTrace());
        if (deeper) {
            for (Throwable suppressed : error.getSuppressed()) {
                if (!seen.contains(suppressed)) {
                    copy.addSuppressed(masked(suppressed, seen, depth + 1));
                }
            }
        }
        return copy;
    }

    private static String oneThrowable(Throwable t) {
        String message = t.getMessage();
        return message == null ? t.getClass().getName() : t.getClass().getName() + ": " + scrub(message);
    }

    /** The end of a business-scoped id starting at {@code i}, or -1 when none starts there. */
    private static int bsuidEnd(String s, int i) {
        int n = s.length();
        if (i + 3 >= n || !isUpper(s.charAt(i)) || !isUpper(s.charAt(i + 1)) || s.charAt(i + 2) != '.'
                || (i > 0 && isIdChar(s.charAt(i - 1)))) {
            return -1;
        }
        int j = i + 3;
        boolean digit = false;
        while (j < n && isIdChar(s.charAt(j))) {
            digit |= isDigit(s.charAt(j));
            j++;
        }
        while (j > i + 3 && s.charAt(j - 1) == '.') {
            j--; // a sentence's full stop is not part of the id
        }
        return digit ? j : -1;
    }

    private static boolean isIdChar(char c) {
        return isUpper(c) || (c >= 'a' && c <= 'z') || isDigit(c) || c == '.';
    }

    private static boolean isUpper(char c) {
        return c >= 'A' && c <= 'Z';
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /** Stands in for an exception whose message was scrubbed; see {@link #masked(Throwable)}. */
    static final class MaskedThrowable extends RuntimeException {
        private static final long serialVersionUID = 1L;

        MaskedThrowable(String message, Throwable cause) {
            super(message, cause, true, true);
        }

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this; // replaced by the original's stack trace
        }
    }
}
