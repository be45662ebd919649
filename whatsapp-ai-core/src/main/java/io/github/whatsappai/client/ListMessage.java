package io.github.whatsappai.client;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * An interactive list: a button that opens up to ten rows grouped in sections. Titles do not
 * support formatting (emoji are fine).
 *
 * @param bodyText the text of the message, 1 to {@value #MAX_BODY} characters
 * @param buttonLabel the label of the button that opens the list, 1 to {@value #MAX_BUTTON_LABEL} characters
 * @param sections 1 to {@value #MAX_SECTIONS} sections, {@value #MAX_ROWS} rows in total at most; each
 *                 section needs a title when there is more than one; row ids unique across sections
 * @param headerText a text header up to {@value #MAX_HEADER} characters, or {@code null}
 * @param footerText a footer up to {@value #MAX_FOOTER} characters, or {@code null}
 * @param replyToMessageId the wamid to quote, or {@code null}
 */
public record ListMessage(String bodyText, String buttonLabel, List<Section> sections, String headerText,
                          String footerText, String replyToMessageId) implements OutboundMessage {

    /** Longest body text. */
    public static final int MAX_BODY = 4096;
    /** Longest button label. */
    public static final int MAX_BUTTON_LABEL = 20;
    /** Most sections. */
    public static final int MAX_SECTIONS = 10;
    /** Most rows over all sections. */
    public static final int MAX_ROWS = 10;
    /** Longest header text. */
    public static final int MAX_HEADER = 60;
    /** Longest footer text. */
    public static final int MAX_FOOTER = 60;

    /** Checks WhatsApp's limits and copies the sections. */
    public ListMessage {
        Limits.requiredMax(bodyText, MAX_BODY, "list body text");
        Limits.requiredMax(buttonLabel, MAX_BUTTON_LABEL, "list button label");
        sections = List.copyOf(Objects.requireNonNull(sections, "sections"));
        if (sections.isEmpty() || sections.size() > MAX_SECTIONS) {
            throw new IllegalArgumentException("a list needs 1 to " + MAX_SECTIONS + " sections, got " + sections.size());
        }
        int rows = 0;
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < sections.size(); i++) {
            Section s = sections.get(i);
            if (sections.size() > 1 && s.title() == null) {
                throw new IllegalArgumentException("section " + (i + 1) + " needs a title: a list with more than one section requires titles");
            }
            rows += s.rows().size();
            for (Row r : s.rows()) {
                if (!ids.add(r.id())) {
                    throw new IllegalArgumentException("row ids must be unique; '" + r.id() + "' appears twice");
                }
            }
        }
        if (rows > MAX_ROWS) {
            throw new IllegalArgumentException("a list may have at most " + MAX_ROWS + " rows in total, got " + rows);
        }
        headerText = Limits.max(Limits.optional(headerText), MAX_HEADER, "list header text");
        footerText = Limits.max(Limits.optional(footerText), MAX_FOOTER, "list footer text");
        replyToMessageId = Limits.optional(replyToMessageId);
    }

    /** Body, button label and sections only. */
    public ListMessage(String bodyText, String buttonLabel, List<Section> sections) {
        this(bodyText, buttonLabel, sections, null, null, null);
    }

    /** Always {@code interactive}. */
    @Override
    public String type() {
        return "interactive";
    }

    /**
     * A group of rows.
     *
     * @param title up to {@value #MAX_TITLE} characters; {@code null} allowed only in a single-section list
     * @param rows at least one row
     */
    public record Section(String title, List<Row> rows) {

        /** Longest section title. */
        public static final int MAX_TITLE = 24;

        /** Checks the limits and copies the rows. */
        public Section {
            title = Limits.max(Limits.optional(title), MAX_TITLE, "section title");
            rows = List.copyOf(Objects.requireNonNull(rows, "rows"));
            if (rows.isEmpty()) {
                throw new IllegalArgumentException("section '" + title + "' needs at least one row");
            }
        }
    }

    /**
     * One selectable row.
     *
     * @param id returned in the user's {@code list_reply}, 1 to {@value #MAX_ID} characters
     * @param title 1 to {@value #MAX_TITLE} characters
     * @param description up to {@value #MAX_DESCRIPTION} characters, or {@code null}
     */
    public record Row(String id, String title, String description) {

        /** Longest row id. */
        public static final int MAX_ID = 200;
        /** Longest row title. */
        public static final int MAX_TITLE = 24;
        /** Longest row description. */
        public static final int MAX_DESCRIPTION = 72;

        /** Checks the limits. */
        public Row {
            Limits.requiredMax(id, MAX_ID, "row id");
            Limits.requiredMax(title, MAX_TITLE, "row title '" + title + "'");
            description = Limits.max(Limits.optional(description), MAX_DESCRIPTION, "row description");
        }

        /** A row without description. */
        public Row(String id, String title) {
            this(id, title, null);
        }
    }
}
