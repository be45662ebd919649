package io.github.whatsappai.testing;

import io.github.whatsappai.client.OutboundMessage;
import io.github.whatsappai.client.Recipient;
import io.github.whatsappai.client.SendResult;
import io.github.whatsappai.client.WhatsAppClient;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * A {@link WhatsAppClient} that sends nothing and records every call: texts, read receipts and
 * other messages, with accessors for assertions.
 *
 * <p>By default every call succeeds at once and each message gets an id {@code wamid.test.N}.
 * {@link #failNextSends(Throwable...)} makes the next sends fail (one error each, in order);
 * {@link #holdSends()} keeps send futures pending until {@link #completeHeldSends()}, to test what
 * happens while a reply is in flight. Read receipts always succeed. Thread-safe.
 */
public final class RecordingWhatsAppClient implements WhatsAppClient {

    /**
     * A recorded {@link #sendText} call.
     *
     * @param phoneNumberId sent from
     * @param to sent to
     * @param text the text
     * @param replyToMessageId the quoted wamid, or {@code null}
     */
    public record SentText(String phoneNumberId, Recipient to, String text, String replyToMessageId) {
    }

    /**
     * A recorded {@link #markRead} call.
     *
     * @param phoneNumberId the business number
     * @param messageId the wamid marked as read
     * @param typingIndicator whether the typing indicator was asked for
     */
    public record ReadReceipt(String phoneNumberId, String messageId, boolean typingIndicator) {
    }

    /**
     * A recorded {@link #send} call.
     *
     * @param phoneNumberId sent from
     * @param to sent to
     * @param message the message
     */
    public record SentMessage(String phoneNumberId, Recipient to, OutboundMessage message) {
    }

    private final List<SentText> texts = new ArrayList<>();
    private final List<ReadReceipt> readReceipts = new ArrayList<>();
    private final List<SentMessage> messages = new ArrayList<>();
    private final Deque<Throwable> failures = new ArrayDeque<>();
    private final List<Runnable> held = new ArrayList<>();
    private boolean holding;
    private long nextId = 1;

    @Override
    public CompletableFuture<SendResult> sendText(String phoneNumberId, Recipient to, String text,
                                                  String replyToMessageId) {
        Objects.requireNonNull(text, "text");
        synchronized (this) {
            texts.add(new SentText(phoneNumberId, to, text, replyToMessageId));
        }
        return outcome();
    }

    @Override
    public CompletableFuture<Void> markRead(String phoneNumberId, String messageId, boolean showTypingIndicator) {
        synchronized (this) {
            readReceipts.add(new ReadReceipt(phoneNumberId, messageId, showTypingIndicator));
        }
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<SendResult> send(String phoneNumberId, Recipient to, OutboundMessage message) {
        synchronized (this) {
            messages.add(new SentMessage(phoneNumberId, to, message));
        }
        return outcome();
    }

    private CompletableFuture<SendResult> outcome() {
        CompletableFuture<SendResult> future = new CompletableFuture<>();
        Runnable complete;
        synchronized (this) {
            Throwable failure = failures.pollFirst();
            if (failure != null) {
                complete = () -> future.completeExceptionally(failure);
            } else {
                SendResult result = new SendResult(List.of("wamid.test." + nextId++));
                complete = () -> future.complete(result);
            }
            if (holding) {
                held.add(complete);
                return future;
            }
        }
        complete.run();
        return future;
    }

    /** Makes the next sends fail, one error each, in order (after the client's retries, as it were). */
    public synchronized RecordingWhatsAppClient failNextSends(Throwable... errors) {
        for (Throwable e : errors) {
            failures.addLast(Objects.requireNonNull(e, "error"));
        }
        return this;
    }

    /** From now on, send futures stay pending until {@link #completeHeldSends()}. */
    public synchronized RecordingWhatsAppClient holdSends() {
        holding = true;
        return this;
    }

    /** Stops holding and completes every held send, oldest first; returns how many there were. */
    public int completeHeldSends() {
        List<Runnable> toComplete;
        synchronized (this) {
            holding = false;
            toComplete = new ArrayList<>(held);
            held.clear();
        }
        toComplete.forEach(Runnable::run);
        return toComplete.size();
    }

    /** Sends waiting for {@link #completeHeldSends()}. */
    public synchronized int heldSends() {
        return held.size();
    }

    /** Every {@link #sendText} call, oldest first. */
    public synchronized List<SentText> texts() {
        return List.copyOf(texts);
    }

    /** The texts of every {@link #sendText} call, oldest first. */
    public synchronized List<String> textBodies() {
        return texts.stream().map(SentText::text).toList();
    }

    /** Every {@link #markRead} call, oldest first. */
    public synchronized List<ReadReceipt> readReceipts() {
        return List.copyOf(readReceipts);
    }

    /** Every {@link #send} call, oldest first. */
    public synchronized List<SentMessage> messages() {
        return List.copyOf(messages);
    }

    /** Forgets every recorded call (failures and held sends stay). */
    public synchronized void clear() {
        texts.clear();
        readReceipts.clear();
        messages.clear();
    }
}
