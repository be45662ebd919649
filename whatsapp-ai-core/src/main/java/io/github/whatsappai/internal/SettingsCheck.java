package io.github.whatsappai.internal;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Collects every problem of one settings record, then reports them together in one
 * {@link InvalidSettingsException}: the one validation style of the SDK's settings.
 *
 * <p>A problem names the record component it is about ({@code field}) and says the rest in
 * {@code text}; the text may name another component of the same record as {@code {name}}. Whoever
 * reports the problem decides how components are called: the record itself uses their Java names,
 * the root configuration the environment variables that set them.
 *
 * <p>Not thread-safe; one instance per check.
 */
public final class SettingsCheck {

    /** Joins the problems of one message: each on its own line, as a list. */
    public static final String JOINER = "\n - ";

    private static final Pattern REFERENCE = Pattern.compile("\\{(\\w+)}");

    private final String subject;
    private final List<Problem> problems = new ArrayList<>();

    /** A check of the record named {@code subject}, e.g. {@code "GraphSettings"}. */
    public SettingsCheck(String subject) {
        this.subject = subject;
    }

    /** The message of a list of problems: the title, then every problem on its own line. */
    public static String message(String title, List<String> problems) {
        return title + ":" + JOINER + String.join(JOINER, problems);
    }

    /** Adds a problem with {@code field}. */
    public SettingsCheck problem(String field, String text) {
        problems.add(new Problem(field, text));
        return this;
    }

    /** Adds a problem when {@code condition} holds. */
    public SettingsCheck problemIf(boolean condition, String field, String text) {
        return condition ? problem(field, text) : this;
    }

    /** {@code value} must be greater than zero. */
    public SettingsCheck positive(String field, long value) {
        return problemIf(value <= 0, field, "must be positive, was " + value);
    }

    /** {@code value} must be set and longer than zero. */
    public SettingsCheck positive(String field, Duration value) {
        return problemIf(value == null || value.isZero() || value.isNegative(), field,
                "must be a positive duration, was " + value);
    }

    /** {@code value} must be set and not blank. */
    public SettingsCheck notBlank(String field, String value) {
        return problemIf(value == null || value.isBlank(), field, "must not be blank");
    }

    /** {@code value} must be set. */
    public SettingsCheck notNull(String field, Object value) {
        return problemIf(value == null, field, "is required");
    }

    /** {@code value} must be an absolute {@code http} or {@code https} URL with a host. */
    public SettingsCheck httpUrl(String field, URI value) {
        boolean ok = value != null && ("http".equals(value.getScheme()) || "https".equals(value.getScheme()))
                && value.getHost() != null;
        return problemIf(!ok, field, "must be an http(s) URL, was '" + value + "'");
    }

    /** Every problem added so far. */
    public List<Problem> problems() {
        return List.copyOf(problems);
    }

    /**
     * Throws when a problem was found.
     *
     * @throws InvalidSettingsException listing every problem
     */
    public void done() {
        if (!problems.isEmpty()) {
            throw new InvalidSettingsException(subject, problems);
        }
    }

    /**
     * Builds a record from a builder's values: {@code earlier} are the problems the builder found
     * itself (a URL it could not parse); the record's own check adds the rest, except for the fields
     * that {@code earlier} already reports.
     *
     * @throws InvalidSettingsException listing every problem
     */
    public static <T> T build(String subject, List<Problem> earlier, Supplier<T> constructor) {
        try {
            T built = constructor.get();
            if (!earlier.isEmpty()) {
                throw new InvalidSettingsException(subject, earlier);
            }
            return built;
        } catch (InvalidSettingsException e) {
            if (earlier.isEmpty()) {
                throw e;
            }
            Set<String> reported = new LinkedHashSet<>();
            earlier.forEach(p -> reported.add(p.field()));
            List<Problem> all = new ArrayList<>(earlier);
            e.problems().stream().filter(p -> !reported.contains(p.field())).forEach(all::add);
            throw new InvalidSettingsException(subject, all);
        }
    }

    /**
     * Parses a builder's URL text for {@link #build}: the URL with any trailing {@code /} removed, or
     * {@code null} after adding a problem to {@code problems} when it is not a URI at all.
     */
    public static URI uri(String field, String text, List<Problem> problems) {
        if (text == null) {
            return null;
        }
        String t = text.strip();
        try {
            return URI.create(t.endsWith("/") ? t.substring(0, t.length() - 1) : t);
        } catch (IllegalArgumentException e) {
            problems.add(new Problem(field, "must be an http(s) URL, was '" + text + "'"));
            return null;
        }
    }

    /** Removes one trailing {@code /}, so that paths can be appended. */
    public static URI stripSlash(URI uri) {
        if (uri == null) {
            return null;
        }
        String s = uri.toString();
        return s.endsWith("/") ? URI.create(s.substring(0, s.length() - 1)) : uri;
    }

    /**
     * One problem of a settings record.
     *
     * @param field the record component it is about
     * @param text the rest of the sentence; {@code {name}} refers to another component
     */
    public record Problem(String field, String text) {

        /** The sentence, naming components with {@code nameOf}. */
        public String describe(Function<String, String> nameOf) {
            Matcher m = REFERENCE.matcher(text);
            StringBuilder sb = new StringBuilder();
            while (m.find()) {
                m.appendReplacement(sb, Matcher.quoteReplacement(nameOf.apply(m.group(1))));
            }
            m.appendTail(sb);
            return nameOf.apply(field) + " " + sb;
        }

        /** The sentence with the components' Java names. */
        public String describe() {
            return describe(Function.identity());
        }
    }
}
