package io.github.whatsappai.store;

import java.util.Objects;

/**
 * How far the answer to one burst got, stored after each step so that an instance taking the burst
 * over continues instead of starting again.
 *
 * @param stage the last step completed
 * @param userId the application's user id, once resolved
 * @param sessionId the session, once resolved
 * @param reservationId the credit reservation's id (its idempotency key), once reserved: a takeover
 *                      settles it (commit after the reply is sent, refund when no reply is due)
 * @param replyKind what the reply is (AI answer, apology, fixed text), once decided
 * @param model the model that wrote the reply, or {@code null}
 * @param promptTokens prompt tokens, or -1
 * @param completionTokens completion tokens, or -1
 * @param historyTurn the user turn the conversation history keeps for this burst when it differs from
 *                    the burst's own text (media described with the model's transcripts and
 *                    descriptions), stored with the reply so that a takeover appends it; {@code null}
 *                    otherwise. Personal data: a store keeps it only while the burst is in flight
 */
public record BurstProgress(Stage stage, String userId, String sessionId, String reservationId, String replyKind,
                            String model, int promptTokens, int completionTokens, String historyTurn) {

    /** The steps of a burst, in order. */
    public enum Stage {
        /** Nothing done yet. */
        NEW,
        /** User, session and credit resolved; inbound messages logged. */
        PREPARED,
        /** The reply's parts are in the outbox; what is left is sending them. */
        REPLY_STORED,
        /** Every part is sent (or given up); the reply is logged and the credit settled. */
        SENT
    }

    public BurstProgress {
        Objects.requireNonNull(stage, "stage");
    }

    /** Progress without a {@link #historyTurn() history turn} of its own. */
    public BurstProgress(Stage stage, String userId, String sessionId, String reservationId, String replyKind,
                         String model, int promptTokens, int completionTokens) {
        this(stage, userId, sessionId, reservationId, replyKind, model, promptTokens, completionTokens, null);
    }

    /** A fresh burst. */
    public static BurstProgress start() {
        return new BurstProgress(Stage.NEW, null, null, null, null, null, -1, -1, null);
    }

    /** This progress at {@code next}. */
    public BurstProgress at(Stage next) {
        return new BurstProgress(next, userId, sessionId, reservationId, replyKind, model, promptTokens,
                completionTokens, historyTurn);
    }

    /** This progress with {@code turn} as the {@link #historyTurn() history turn} ({@code null} for none). */
    public BurstProgress withHistoryTurn(String turn) {
        return new BurstProgress(stage, userId, sessionId, reservationId, replyKind, model, promptTokens,
                completionTokens, turn);
    }
}
