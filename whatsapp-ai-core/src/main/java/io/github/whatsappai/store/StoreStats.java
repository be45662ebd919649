package io.github.whatsappai.store;

/**
 * What an operator watches.
 *
 * @param pendingConversations conversations with messages waiting and no claim
 * @param pendingMessages messages waiting to be claimed
 * @param inFlight bursts claimed and not completed
 * @param expiredClaims claims whose lease ran out (waiting for a takeover)
 * @param outboxDepth reply parts not yet sent
 * @param oldestPendingAgeMillis age of the oldest waiting message at the time asked, or 0
 * @param deferredLogs chat-log entries waiting for the logger
 * @param ledgerSize message ids remembered
 */
public record StoreStats(long pendingConversations, long pendingMessages, long inFlight, long expiredClaims,
                         long outboxDepth, long oldestPendingAgeMillis, long deferredLogs, long ledgerSize) {
}
