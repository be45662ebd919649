package io.github.whatsappai.buffer;

import io.github.whatsappai.store.Batch;
import io.github.whatsappai.store.BufferPolicy;

import io.github.whatsappai.webhook.model.ConversationKey;
import io.github.whatsappai.webhook.model.InboundMessage;

import java.util.List;

/**
 * Where a {@link MessageBuffer} keeps the messages waiting to be answered, and which conversations are
 * being answered. The request thread only {@link #append}s; claiming due batches happens on the
 * buffer's timer, completing them on workers. This split lets a shared store (PostgreSQL) make the
 * request-thread side one {@code INSERT} and claim with {@code FOR UPDATE SKIP LOCKED} and a lease,
 * so a burst survives a crash and several instances answer each burst exactly once.
 *
 * <p>A store decides deadlines by its {@link #policy()}. Times are epoch milliseconds (as
 * {@link java.time.Clock#millis()}); {@link #NONE} means "no time". A claimed conversation is "in
 * flight" until {@link #complete} or {@link #abandon}: it is never claimed twice at once, and messages
 * appended meanwhile wait for the next batch. Implementations must be thread-safe.
 */
public interface PendingStore {

    /** "No time": nothing is scheduled. */
    long NONE = Long.MAX_VALUE;

    /** The rules deciding when a burst is due. */
    BufferPolicy policy();

    /**
     * Records {@code message} for {@code key}. Called on the request thread: must be quick and must
     * not lose the message once it returns.
     *
     * @param arrivedAt when it arrived
     * @return the time by which {@link #claimDue} must be called to catch this key's batch in time
     *         (not later than {@code arrivedAt} when the batch is full), or {@link #NONE} when no
     *         earlier claim than already arranged is needed
     */
    long append(ConversationKey key, InboundMessage message, long arrivedAt);

    /**
     * Claims up to {@code maxBatches} batches that are due at {@code now}, skipping conversations in
     * flight. Each batch holds at most {@link BufferPolicy#maxBatchSize()} messages ordered by
     * timestamp, then arrival; its conversation is in flight from now on.
     */
    List<Batch> claimDue(long now, int maxBatches);

    /** Claims up to {@code maxBatches} batches of every pending conversation not in flight, due or not (closing). */
    List<Batch> claimAll(long now, int maxBatches);

    /**
     * Ends a claimed batch: its messages are done and its conversation is free again.
     *
     * @return when the conversation's next batch (collected meanwhile) is due, possibly already, or
     *         {@link #NONE} when nothing is waiting
     * @throws IllegalStateException when the batch's conversation is not in flight
     */
    long complete(Batch batch);

    /**
     * Gives a claimed batch back unprocessed (it could not be handed to a worker): its messages are
     * pending again, ahead of newer ones, and its conversation is free; {@link #claimDue} does not
     * claim it again before {@code notBefore} ({@link #claimAll} does).
     *
     * @return when the conversation's batch is due
     * @throws IllegalStateException when the batch's conversation is not in flight
     */
    long abandon(Batch batch, long notBefore);

    /** The earliest time {@link #claimDue} may find a due batch, or {@link #NONE}; may be early, never late. */
    long nextDeadline();

    /** Conversations with messages pending or a batch in flight. */
    int size();

    /** Whether no message is pending and no batch is in flight. */
    boolean isEmpty();
}
