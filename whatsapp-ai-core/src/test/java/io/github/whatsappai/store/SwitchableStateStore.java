package io.github.whatsappai.store;

import io.github.whatsappai.spi.ChatLogEntry;
import io.github.whatsappai.webhook.model.ConversationKey;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link StateStore} that can be switched off: while {@link #down} is set every call that touches
 * storage throws {@link StoreUnavailableException} and changes nothing, as a database that is down
 * would. Delegates to another store otherwise. For tests.
 */
public final class SwitchableStateStore implements StateStore {

    private final StateStore delegate;
    /** While set, every storage call fails. */
    public final AtomicBoolean down = new AtomicBoolean();
    /** Calls refused while down. */
    public final AtomicInteger refused = new AtomicInteger();
    /** When set, reports the store as durable (engines sharing it then poll it, as instances share a database). */
    public final AtomicBoolean durable = new AtomicBoolean();
    /** While set, the media allowance's calls fail (the rest of the store works). */
    public final AtomicBoolean allowanceDown = new AtomicBoolean();
    /** Runs at the start of every {@link #append}, to force an interleaving; default none. */
    public volatile Runnable beforeAppend;

    public SwitchableStateStore(StateStore delegate) {
        this.delegate = delegate;
    }

    private void check() {
        if (down.get()) {
            refused.incrementAndGet();
            throw new StoreUnavailableException("the test switched the store off", null);
        }
    }

    @Override
    public BufferPolicy policy() {
        return delegate.policy();
    }

    @Override
    public java.time.Duration ledgerRetention() {
        return delegate.ledgerRetention();
    }

    @Override
    public boolean isDurable() {
        return durable.get() || delegate.isDurable();
    }

    @Override
    public List<Appended> append(List<Arrival> arrivals) {
        Runnable hook = beforeAppend;
        if (hook != null) {
            hook.run();
        }
        check();
        return delegate.append(arrivals);
    }

    @Override
    public MediaAllowance mediaAllowance() {
        MediaAllowance allowance = delegate.mediaAllowance();
        return new MediaAllowance() {
            @Override
            public boolean take(String userId, java.time.LocalDate day, int limit) {
                checkAllowance();
                return allowance.take(userId, day, limit);
            }

            @Override
            public int remaining(String userId, java.time.LocalDate day, int limit) {
                checkAllowance();
                return allowance.remaining(userId, day, limit);
            }
        };
    }

    private void checkAllowance() {
        check();
        if (allowanceDown.get()) {
            refused.incrementAndGet();
            throw new StoreUnavailableException("the test switched the media allowance off", null);
        }
    }

    @Override
    public boolean markSeen(String messageId, long at) {
        check();
        return delegate.markSeen(messageId, at);
    }

    @Override
    public List<Claim> claimDue(long now, int max, String owner, long leaseUntil) {
        check();
        return delegate.claimDue(now, max, owner, leaseUntil);
    }

    @Override
    public List<Claim> claimAll(long now, int max, String owner, long leaseUntil) {
        check();
        return delegate.claimAll(now, max, owner, leaseUntil);
    }

    @Override
    public Collection<Claim> renew(Collection<Claim> claims, long leaseUntil) {
        check();
        return delegate.renew(claims, leaseUntil);
    }

    @Override
    public void saveProgress(Claim claim, BurstProgress progress) {
        check();
        delegate.saveProgress(claim, progress);
    }

    @Override
    public List<OutboxPart> saveReply(Claim claim, BurstProgress progress, List<String> partTexts, long expiresAt) {
        check();
        return delegate.saveReply(claim, progress, partTexts, expiresAt);
    }

    @Override
    public List<OutboxPart> outbox(Claim claim) {
        check();
        return delegate.outbox(claim);
    }

    @Override
    public void markSent(String partId, String wamid, long at) {
        check();
        delegate.markSent(partId, wamid, at);
    }

    @Override
    public void markAttempt(String partId, long retryAt, String error, boolean ambiguous) {
        check();
        delegate.markAttempt(partId, retryAt, error, ambiguous);
    }

    @Override
    public void markAbandoned(String partId, String reason, long at) {
        check();
        delegate.markAbandoned(partId, reason, at);
    }

    @Override
    public boolean confirmByCallback(String callbackData, String wamid, long at) {
        check();
        return delegate.confirmByCallback(callbackData, wamid, at);
    }

    @Override
    public long complete(Claim claim, long now) {
        check();
        return delegate.complete(claim, now);
    }

    @Override
    public long release(Claim claim, long notBefore) {
        check();
        return delegate.release(claim, notBefore);
    }

    @Override
    public int releaseAll(String owner, long now) {
        check();
        return delegate.releaseAll(owner, now);
    }

    @Override
    public long nextDeadline() {
        check();
        return delegate.nextDeadline();
    }

    @Override
    public void deferLogs(List<ChatLogEntry> entries, long at) {
        check();
        delegate.deferLogs(entries, at);
    }

    @Override
    public List<ChatLogEntry> deferredLogs(int max) {
        check();
        return delegate.deferredLogs(max);
    }

    @Override
    public void removeDeferredLogs(Collection<String> idempotencyKeys) {
        check();
        delegate.removeDeferredLogs(idempotencyKeys);
    }

    @Override
    public long purge(long now) {
        check();
        return delegate.purge(now);
    }

    @Override
    public long erase(String phoneNumberId, String waIdOrUserId) {
        check();
        return delegate.erase(phoneNumberId, waIdOrUserId);
    }

    @Override
    public StoreStats stats(long now) {
        check();
        return delegate.stats(now);
    }

    @Override
    public Optional<ConversationKey> conversationOf(String phoneNumberId, String waIdOrUserId) {
        check();
        return delegate.conversationOf(phoneNumberId, waIdOrUserId);
    }

    @Override
    public AutoCloseable onWake(Runnable wake) {
        return delegate.onWake(wake);
    }

    @Override
    public void close() {
        delegate.close();
    }
}
