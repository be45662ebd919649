package io.github.whatsappai.webhook.model;

/** {@code type: button}: a template's quick-reply button. @param payload our payload @param text the label */
public record ButtonContent(String payload, String text) implements MessageContent {

    @Override
    public String describe() {
        return "[button: " + (text != null ? text : payload) + "]";
    }
}
