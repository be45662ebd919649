package io.github.whatsappai.webhook.model;

/**
 * {@code type: unsupported} (or {@code unknown} in older payloads): WhatsApp could not pass the
 * message on (polls, view-once, …); answered with the polite fallback.
 *
 * @param unsupportedType {@code unsupported.type} when given, else {@code null}
 */
public record UnsupportedContent(String unsupportedType) implements MessageContent {

    @Override
    public String describe() {
        return "[unsupported message" + (unsupportedType != null ? ": " + unsupportedType : "") + "]";
    }
}
