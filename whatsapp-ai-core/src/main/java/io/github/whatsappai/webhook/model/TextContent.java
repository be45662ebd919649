package io.github.whatsappai.webhook.model;

/** {@code type: text}. @param body the text, sanitised once accepted */
public record TextContent(String body) implements MessageContent {

    @Override
    public String describe() {
        return body;
    }
}
