package io.github.whatsappai.client;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * An interactive message with up to three reply buttons. Titles and header do not support
 * formatting (emoji are fine).
 *
 * @param bodyText the text above the buttons, 1 to {@value #MAX_BODY} characters
 * @param buttons 1 to {@value #MAX_BUTTONS} buttons with unique ids and unique titles
 * @param headerText a text header up to {@value #MAX_HEADER} characters, or {@code null}
 * @param footerText a footer up to {@value #MAX_FOOTER} characters, or {@code null}
 * @param replyToMessageId the wamid to quote, or {@code null}
 */
public record ButtonsMessage(String bodyText, List<Button> buttons, String headerText, String footerText,
                             String replyToMessageId) implements OutboundMessage {

    /** Longest body text. */
    public static final int MAX_BODY = 1024;
    /** Most buttons. */
    public static final int MAX_BUTTONS = 3;
    /** Longest header text. */
    public static final int MAX_HEADER = 60;
    /** Longest footer text. */
    public static final int MAX_FOOTER = 60;

    /** Checks WhatsApp's limits and copies the button list. */
    public ButtonsMessage {
        Limits.requiredMax(bodyText, MAX_BODY, "buttons body text");
        buttons = List.copyOf(Objects.requireNonNull(buttons, "buttons"));
        if (buttons.isEmpty() || buttons.size() > MAX_BUTTONS) {
            throw new IllegalArgumentException("a buttons message needs 1 to " + MAX_BUTTONS + " buttons, got " + buttons.size());
        }
        Set<String> ids = new HashSet<>();
        Set<String> titles = new HashSet<>();
        for (Button b : buttons) {
            if (!ids.add(b.id())) {
                throw new IllegalArgumentException("button ids must be unique; '" + b.id() + "' appears twice");
            }
            if (!titles.add(b.title())) {
                throw new IllegalArgumentException("button titles must be unique; '" + b.title() + "' appears twice");
            }
        }
        headerText = Limits.max(Limits.optional(headerText), MAX_HEADER, "buttons header text");
        footerText = Limits.max(Limits.optional(footerText), MAX_FOOTER, "buttons footer text");
        replyToMessageId = Limits.optional(replyToMessageId);
    }

    /** Body and buttons only. */
    public ButtonsMessage(String bodyText, List<Button> buttons) {
        this(bodyText, buttons, null, null, null);
    }

    /** Always {@code interactive}. */
    @Override
    public String type() {
        return "interactive";
    }

    /**
     * One reply button.
     *
     * @param id returned in the user's {@code button_reply}, 1 to {@value #MAX_ID} characters
     * @param title shown on the button, 1 to {@value #MAX_TITLE} characters
     */
    public record Button(String id, String title) {

        /** Longest button id. */
        public static final int MAX_ID = 256;
        /** Longest button title. */
        public static final int MAX_TITLE = 20;

        /** Checks the limits. */
        public Button {
            Limits.requiredMax(id, MAX_ID, "button id");
            Limits.requiredMax(title, MAX_TITLE, "button title '" + title + "'");
        }
    }
}
