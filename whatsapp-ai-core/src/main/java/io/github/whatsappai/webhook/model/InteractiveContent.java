package io.github.whatsappai.webhook.model;

/**
 * {@code type: interactive}: the user tapped a reply button, picked a list row or completed a Flow.
 *
 * @param interactiveType {@code button_reply}, {@code list_reply}, {@code nfm_reply} or a newer type
 * @param id the button or row id our message defined, or {@code null}
 * @param title the button or row title the user saw, or {@code null}
 * @param description the row description, or {@code null}
 * @param flowName {@code nfm_reply.name}, or {@code null}
 * @param flowBody {@code nfm_reply.body}, or {@code null}
 * @param flowResponseJson {@code nfm_reply.response_json}: a JSON document as a string, or {@code null}
 */
public record InteractiveContent(String interactiveType, String id, String title, String description,
                                 String flowName, String flowBody, String flowResponseJson)
        implements MessageContent {

    @Override
    public String describe() {
        if (title != null && !title.isBlank()) {
            return description == null || description.isBlank()
                    ? "[selected: " + title + "]"
                    : "[selected: " + title + " – " + description + "]";
        }
        if (flowResponseJson != null) {
            return "[form submitted: " + flowResponseJson + "]";
        }
        return "[" + interactiveType + "]";
    }
}
