package io.github.whatsappai.examples.demo;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What the local Graph API stand-in was asked to send, in order, so the chat simulator (and the
 * end-to-end test) can show the bot's replies. Bounded: the oldest messages are forgotten first.
 * Thread-safe.
 */
public final class Outbox {

    /**
     * One message the bot sent.
     *
     * @param seq position in the outbox, from 1
     * @param at when the stand-in received it
     * @param phoneNumberId the business number it was sent from
     * @param to the {@code to} (or {@code recipient}) of the request
     * @param type the Graph API message type
     * @param text the text (for text messages) or a short description
     * @param messageId the wamid the stand-in answered with
     */
    public record OutgoingMessage(long seq, Instant at, String phoneNumberId, String to, String type, String text,
                                  String messageId) {
    }

    private static final int CAPACITY = 10_000;

    private final List<OutgoingMessage> messages = new ArrayList<>();
    private long nextSeq = 1;

    /** Records a message and returns it with its sequence number. */
    public synchronized OutgoingMessage add(Instant at, String phoneNumberId, String to, String type, String text,
                                            String messageId) {
        OutgoingMessage m = new OutgoingMessage(nextSeq++, at, phoneNumberId, to, type, text, messageId);
        messages.add(m);
        if (messages.size() > CAPACITY) {
            messages.subList(0, messages.size() - CAPACITY).clear();
        }
        notifyAll();
        return m;
    }

    /** Messages with a sequence number above {@code afterSeq}, to {@code to} when it is not {@code null}. */
    public synchronized List<OutgoingMessage> after(long afterSeq, String to) {
        List<OutgoingMessage> out = new ArrayList<>();
        for (OutgoingMessage m : messages) {
            if (m.seq() > afterSeq && (to == null || to.equals(m.to()))) {
                out.add(m);
            }
        }
        return out;
    }

    /**
     * Waits up to {@code timeoutMillis} for a message above {@code afterSeq} (to {@code to}), for long
     * polling; returns what is there when it comes or the time is up.
     */
    public synchronized List<OutgoingMessage> await(long afterSeq, String to, long timeoutMillis)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
        List<OutgoingMessage> found = after(afterSeq, to);
        while (found.isEmpty()) {
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
                break;
            }
            wait(left);
            found = after(afterSeq, to);
        }
        return found;
    }
}
