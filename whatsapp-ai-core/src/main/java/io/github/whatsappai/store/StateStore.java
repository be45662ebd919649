package io.github.whatsappai.store;

import io.github.whatsappai.spi.ChatLogEntry;
import io.github.whatsappai.webhook.model.ConversationKey;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * Everything the SDK must remember between a webhook's 200 and the reply it promises: the delivery
 * ledger, each conversation's pending messages and due time, claims on due bursts with their
 * progress, the outbox of reply parts, and chat-log entries waiting for the logger.
 *
 * <p>One state machine, two implementations: {@link InMemoryStateStore} (one process, the default)
 * and {@code PostgresStateStore} (any number of instances on one database, survives crashes). A
 * third-party store (Redis, DynamoDB, ...) is checked with the contract kit in core's test-jar,
 * {@code io.github.whatsappai.store.StateStoreContract}.
 *
 * <h2>The flow</h2>
 * <pre>
 * request thread:  append(arrivals)            ledger + pending + due time, one commit, then 200
 * buffer timer:    claimDue(now, n, lease)     a due conversation, or one whose lease ran out
 * worker:          saveProgress / saveReply    each step's outcome before the next step
 *                  markSent(part, wamid)       each reply part as it is accepted by Meta
 *                  complete(claim)             burst done, conversation free, next burst due
 * every lease/3:   renew(claims, until)        claims lost meanwhile are reported back
 * close():         release(claim)              another instance (or a restart) continues
 * </pre>
 *
 * <h2>Rules every implementation keeps</h2>
 * <ul>
 *   <li><b>Ledger</b>: a message id is accepted once across all instances for at least
 *       {@link #ledgerRetention()}; {@link #append} reports the rest as duplicates.</li>
 *   <li><b>One person, one conversation</b>: a sender may be known by wa_id, by business-scoped
 *       user id (BSUID) or both; the store links the two, so {@link Arrival#key()} is only a hint
 *       and {@link Appended#key()} is the canonical key every later call uses.</li>
 *   <li><b>Due time</b>: by the store's {@link #policy()}: the quiet window restarts on each
 *       message, whichever instance received it, bounded by the maximum wait; a full batch is due
 *       at once.</li>
 *   <li><b>Claims</b>: at most one unexpired claim per conversation across all instances. A claim
 *       whose lease ran out may be taken over by any instance; the new claim carries the same
 *       burst and its {@link BurstProgress}, and the old claim's calls then fail with
 *       {@link ClaimLostException}. A burst whose progress is past {@link BurstProgress.Stage#NEW}
 *       keeps exactly its messages; messages that arrive meanwhile wait for the next burst (a
 *       takeover of a burst still at {@code NEW} may add them, up to the batch size). A lease has run
 *       out when {@code leaseUntil <= now}.</li>
 *   <li><b>Outbox</b>: a part with a stored wamid is never handed out for sending again.</li>
 *   <li><b>Time</b>: all times are epoch milliseconds from the caller's clock; an implementation
 *       shared by several machines must tolerate a few seconds of skew between them (lease
 *       margins, or the database's clock).</li>
 *   <li><b>Failures</b>: a call that cannot reach its storage throws {@link StoreUnavailableException}
 *       and changes nothing; the caller retries later (the request thread answers 503).</li>
 * </ul>
 * Implementations are thread-safe.
 */
public interface StateStore extends AutoCloseable {

    /** "No time": nothing is scheduled. */
    long NONE = Long.MAX_VALUE;

    /** The rules deciding when a burst is due. */
    BufferPolicy policy();

    /** How long message ids are remembered: at least the maximum message age. */
    Duration ledgerRetention();

    /** Whether state survives this process (and is shared with other instances). */
    boolean isDurable();

    // ---- the request thread -------------------------------------------------------------------

    /**
     * Records the accepted messages of one delivery in one commit: each id in the ledger, each new
     * message pending for its conversation, each conversation's due time recomputed. When this
     * returns, every {@link Appended.Outcome#ACCEPTED} message will be answered even if this process
     * dies now.
     *
     * @return one result per arrival, in order
     * @throws StoreUnavailableException when the commit did not happen; nothing was recorded
     */
    List<Appended> append(List<Arrival> arrivals);

    /**
     * Records a message id that is not buffered (stale, over the rate limit, not conversational),
     * so its redeliveries are recognised; {@code true} the first time.
     */
    boolean markSeen(String messageId, long at);

    // ---- claims (buffer timer and workers) ----------------------------------------------------

    /**
     * Claims up to {@code max} bursts due at {@code now}: conversations whose due time has come and
     * that no unexpired claim holds, and claims whose lease ran out (taken over). Each claim holds
     * at most {@link BufferPolicy#maxBatchSize()} messages, ordered by timestamp, then arrival.
     *
     * @param owner this instance's id, for operators and {@link #releaseAll}
     * @param leaseUntil when the claims expire unless renewed
     */
    List<Claim> claimDue(long now, int max, String owner, long leaseUntil);

    /**
     * Claims every pending conversation not held by an unexpired claim, due or not (the in-memory
     * engine's close: answer what is buffered).
     */
    List<Claim> claimAll(long now, int max, String owner, long leaseUntil);

    /** Extends the leases of {@code claims}; returns those that were lost (taken over meanwhile). */
    Collection<Claim> renew(Collection<Claim> claims, long leaseUntil);

    /**
     * Stores the burst's progress (the user, session, credit reservation and how far it got).
     *
     * @throws ClaimLostException when the claim was taken over
     */
    void saveProgress(Claim claim, BurstProgress progress);

    /**
     * Stores the reply's parts in the outbox before any is sent, and the progress that goes with it
     * ({@link BurstProgress.Stage#REPLY_STORED}). Idempotent per burst: saving again, also under a
     * later claim of the same burst, returns the parts already stored and ignores the new texts.
     *
     * @return the stored parts, each with its id (its {@code biz_opaque_callback_data})
     * @throws ClaimLostException when the claim was taken over
     */
    List<OutboxPart> saveReply(Claim claim, BurstProgress progress, List<String> partTexts, long expiresAt);

    /**
     * The burst's stored parts, in order (after a takeover: what is left to send).
     *
     * @throws ClaimLostException when the claim was taken over
     */
    List<OutboxPart> outbox(Claim claim);

    /**
     * Records that Meta accepted {@code partId} as {@code wamid}; never handed out again. Idempotent:
     * the first wamid stored stays. Unknown ids are ignored.
     */
    void markSent(String partId, String wamid, long at);

    /**
     * Records a failed attempt; the part is tried again not before {@code retryAt}.
     *
     * @param ambiguous whether the request may have reached Meta (a timeout after it was written); the
     *                  part then stays {@link OutboxPart.State#AMBIGUOUS} until sent or abandoned
     */
    void markAttempt(String partId, long retryAt, String error, boolean ambiguous);

    /** Gives the part up: its customer-service window closed ({@code expired}) or Meta refused it for good. */
    void markAbandoned(String partId, String reason, long at);

    /**
     * A status webhook echoed {@code callbackData}: if it names one of our parts, that part is
     * confirmed as sent with {@code wamid}.
     *
     * @return whether an open part was confirmed by this call ({@code false} for unknown data and for
     *         parts already sent or abandoned)
     */
    boolean confirmByCallback(String callbackData, String wamid, long at);

    /**
     * Ends a claimed burst: its messages are done and its conversation is free.
     *
     * @return when the conversation's next burst (collected meanwhile) is due, possibly already, or
     *         {@link #NONE}
     * @throws ClaimLostException when the claim was taken over
     */
    long complete(Claim claim, long now);

    /**
     * Gives a claim back without finishing it, keeping its progress; it is claimed again (here or
     * elsewhere, counting as a takeover) by {@link #claimDue} not before {@code notBefore}, by
     * {@link #claimAll} at once. The released claim's calls fail with {@link ClaimLostException}.
     *
     * @return when the conversation's burst is due, or {@link #NONE} when the claim was not held
     */
    long release(Claim claim, long notBefore);

    /** Releases every claim {@code owner} holds (a closing instance); returns how many. */
    int releaseAll(String owner, long now);

    /** The earliest time {@link #claimDue} may find something, or {@link #NONE}; may be early, never late. */
    long nextDeadline();

    // ---- chat-log entries the logger could not take -------------------------------------------

    /** Keeps entries the {@code ChatLogger} failed to write, idempotent by their idempotency key. */
    void deferLogs(List<ChatLogEntry> entries, long at);

    /** Up to {@code max} deferred entries, oldest first. */
    List<ChatLogEntry> deferredLogs(int max);

    /** Forgets deferred entries once written. */
    void removeDeferredLogs(Collection<String> idempotencyKeys);

    // ---- operations ---------------------------------------------------------------------------

    /**
     * Deletes finished bursts, sent or abandoned outbox parts and ledger ids older than their
     * retention.
     *
     * @return rows deleted
     */
    long purge(long now);

    /**
     * Erases everything stored about one person on one business number (a data-protection request):
     * pending messages, progress, outbox parts, deferred log entries, ledger ids and key links.
     *
     * @param waIdOrUserId the wa_id or business-scoped user id
     * @return rows deleted
     */
    long erase(String phoneNumberId, String waIdOrUserId);

    /** Figures for operators. */
    StoreStats stats(long now);

    /** The conversation key a sender is known by, if the store has seen them. */
    Optional<ConversationKey> conversationOf(String phoneNumberId, String waIdOrUserId);

    /**
     * Asks to be told when another instance may have made something due sooner (PostgreSQL:
     * LISTEN/NOTIFY where the connection allows it). Only a hint: callers poll
     * {@link #nextDeadline()} in any case, since behind a transaction pooler there are no
     * notifications. The default never calls back.
     *
     * @return stops the notifications
     */
    default AutoCloseable onWake(Runnable wake) {
        return () -> { };
    }

    /**
     * Where the users' daily media allowance is counted. The default counts in this process's memory
     * ({@link MediaAllowance#inMemory()}, a new count on each call: the engine asks once), which suits
     * a store of one process; a store shared by several instances returns a count they share, so that
     * a user gets the allowance once however many replicas answer. Rows it keeps are deleted by
     * {@link #purge} once their day is over.
     */
    default MediaAllowance mediaAllowance() {
        return MediaAllowance.inMemory();
    }

    /** Stops background work; does not release claims (see {@link #releaseAll}). */
    @Override
    void close();
}
