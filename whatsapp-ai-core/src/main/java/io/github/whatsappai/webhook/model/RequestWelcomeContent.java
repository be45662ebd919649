package io.github.whatsappai.webhook.model;

/** {@code type: request_welcome}: a user opened the chat for the first time; answered with the greeting. */
public record RequestWelcomeContent() implements MessageContent {

    @Override
    public String describe() {
        return "[opened the chat]";
    }
}
