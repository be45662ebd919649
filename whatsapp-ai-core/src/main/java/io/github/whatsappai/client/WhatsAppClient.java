package io.github.whatsappai.client;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Sends messages as the business. Asynchronous: a send that must wait (pacing, a user's pair rate
 * limit) does not hold the caller's thread. Thread-safe.
 *
 * <p>Futures complete exceptionally with a {@link io.github.whatsappai.WhatsAppAiException} (for the
 * Graph API, a {@code WhatsAppApiException}) once the client's own retries are exhausted.
 */
public interface WhatsAppClient {

    /**
     * Sends an assistant reply: converts the LLM's Markdown to WhatsApp formatting, splits it into
     * parts of at most 4096 characters on paragraph, sentence or word boundaries, and sends the parts
     * in order, each after the previous one was accepted.
     *
     * @param phoneNumberId the business phone number id to send from
     * @param to the user
     * @param text the reply text
     * @param replyToMessageId wamid to quote in the first part, or {@code null}
     * @return the wamids of the parts
     */
    CompletableFuture<SendResult> sendText(String phoneNumberId, Recipient to, String text, String replyToMessageId);

    /**
     * {@link #sendText(String, Recipient, String, String)}, tagging every message with
     * {@code callbackData}: the Graph API sends it as {@code biz_opaque_callback_data} (at most 512
     * characters) and Meta echoes it in the status webhooks of the message, so a durable outbox can
     * tell whether a send whose answer was lost went out. The default ignores the tag and calls the
     * four-argument method, for clients that cannot carry one.
     *
     * @param callbackData the tag, or {@code null} for none
     */
    default CompletableFuture<SendResult> sendText(String phoneNumberId, Recipient to, String text,
                                                   String replyToMessageId, String callbackData) {
        return sendText(phoneNumberId, to, text, replyToMessageId);
    }

    /**
     * The messages {@link #sendText} would send for {@code text}, in order: formatted for WhatsApp and
     * split under its length limit. A durable outbox stores these and sends each with
     * {@link #sendTextPart}, so every message has its own tag and its own outcome. The default is the
     * text as one message.
     */
    default List<String> textParts(String text) {
        return List.of(text);
    }

    /**
     * Sends one element of {@link #textParts} as it is (no formatting, no splitting, no quote),
     * tagged with {@code callbackData} as in {@link #sendText(String, Recipient, String, String, String)}.
     * The default hands it to that method.
     */
    default CompletableFuture<SendResult> sendTextPart(String phoneNumberId, Recipient to, String part,
                                                       String callbackData) {
        return sendText(phoneNumberId, to, part, null, callbackData);
    }

    /**
     * Marks an inbound message (and all before it) as read, optionally showing the typing indicator
     * until the reply is sent or 25 seconds pass.
     */
    CompletableFuture<Void> markRead(String phoneNumberId, String messageId, boolean showTypingIndicator);

    /**
     * {@link #markRead(String, String, boolean)}, running {@code onDispatch} when the request leaves
     * the client for the Graph API (after any pacing; again for a retry). The engine counts its short
     * wait for the receipt's answer from then, so that a reply never overtakes a receipt that is still
     * waiting for its turn. The default runs it at once.
     *
     * @param onDispatch runs on dispatch, or {@code null}
     */
    default CompletableFuture<Void> markRead(String phoneNumberId, String messageId, boolean showTypingIndicator,
                                             Runnable onDispatch) {
        if (onDispatch != null) {
            onDispatch.run();
        }
        return markRead(phoneNumberId, messageId, showTypingIndicator);
    }

    /** Sends one message as given (no formatting or splitting). */
    CompletableFuture<SendResult> send(String phoneNumberId, Recipient to, OutboundMessage message);
}
