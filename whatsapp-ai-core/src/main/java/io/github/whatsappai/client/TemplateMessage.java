package io.github.whatsappai.client;

import java.util.List;
import java.util.Objects;

/**
 * An approved message template: the only kind that reaches a user outside the 24-hour window.
 * Only body parameters are supported (no header or button components), so each parameter may be up
 * to {@value #MAX_BODY_PARAMETER} characters, WhatsApp's limit for a body-only template.
 *
 * @param name the template's name
 * @param languageCode its language, e.g. {@code en_US}
 * @param bodyParameters the values of {@code {{1}}}, {@code {{2}}}, … in order; may be empty
 * @param replyToMessageId the wamid to quote, or {@code null} (WhatsApp does not show quotes on templates)
 */
public record TemplateMessage(String name, String languageCode, List<String> bodyParameters,
                              String replyToMessageId) implements OutboundMessage {

    /** The longest body parameter of a body-only template. */
    public static final int MAX_BODY_PARAMETER = 32768;
    /** The longest template name. */
    public static final int MAX_NAME = 512;

    /** Checks the arguments and copies the parameter list. */
    public TemplateMessage {
        Limits.requiredMax(name, MAX_NAME, "template name");
        Limits.requiredMax(languageCode, 16, "template language code");
        bodyParameters = List.copyOf(Objects.requireNonNull(bodyParameters, "bodyParameters (use List.of() for none)"));
        for (int i = 0; i < bodyParameters.size(); i++) {
            Limits.requiredMax(bodyParameters.get(i), MAX_BODY_PARAMETER, "template body parameter " + (i + 1));
        }
        replyToMessageId = Limits.optional(replyToMessageId);
    }

    /** A template without quote. */
    public TemplateMessage(String name, String languageCode, List<String> bodyParameters) {
        this(name, languageCode, bodyParameters, null);
    }

    /** Always {@code template}. */
    @Override
    public String type() {
        return "template";
    }
}
