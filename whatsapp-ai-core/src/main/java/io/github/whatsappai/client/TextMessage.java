package io.github.whatsappai.client;

/**
 * A text message, sent as given (no Markdown conversion, no splitting; see
 * {@link WhatsAppClient#sendText} for that).
 *
 * @param body the text, 1 to {@value #MAX_BODY} characters (UTF-16 units, which never undercounts)
 * @param previewUrl whether WhatsApp shows a preview of the first {@code http(s)://} URL
 * @param replyToMessageId the wamid to quote ({@code context.message_id}), or {@code null}
 */
public record TextMessage(String body, boolean previewUrl, String replyToMessageId) implements OutboundMessage {

    /** WhatsApp's limit for a text body. */
    public static final int MAX_BODY = 4096;

    /** Checks the limits; an empty {@code replyToMessageId} counts as none. */
    public TextMessage {
        Limits.requiredMax(body, MAX_BODY, "text body");
        replyToMessageId = Limits.optional(replyToMessageId);
    }

    /** A text without link preview or quote. */
    public static TextMessage of(String body) {
        return new TextMessage(body, false, null);
    }

    /** Always {@code text}. */
    @Override
    public String type() {
        return "text";
    }
}
