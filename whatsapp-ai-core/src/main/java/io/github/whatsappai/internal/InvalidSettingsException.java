package io.github.whatsappai.internal;

import java.util.List;

/**
 * Every problem of one settings record, reported together. Its message lists them one per line;
 * {@link #problems()} keeps them apart, so that the root configuration can name each after the
 * environment variable that sets it.
 */
public final class InvalidSettingsException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final String subject;
    private final transient List<SettingsCheck.Problem> problems;

    /**
     * @param subject the record, e.g. {@code "GraphSettings"}
     * @param problems at least one problem
     */
    public InvalidSettingsException(String subject, List<SettingsCheck.Problem> problems) {
        super(SettingsCheck.message("Invalid " + subject,
                problems.stream().map(SettingsCheck.Problem::describe).toList()));
        this.subject = subject;
        this.problems = List.copyOf(problems);
    }

    /** The record the problems are about. */
    public String subject() {
        return subject;
    }

    /** Every problem, in the order found. */
    public List<SettingsCheck.Problem> problems() {
        return problems;
    }
}
