package io.github.whatsappai.store;

import io.github.whatsappai.spi.ChatLogEntry;
import io.github.whatsappai.testing.ManualClock;
import io.github.whatsappai.webhook.model.BusinessNumber;
import io.github.whatsappai.webhook.model.ConversationKey;
import io.github.whatsappai.webhook.model.InboundMessage;
import io.github.whatsappai.webhook.model.Sender;
import io.github.whatsappai.webhook.model.TextContent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The rules of {@link StateStore} that every implementation keeps: extend it and implement
 * {@link #createStore(BufferPolicy, ManualClock)}. Time is driven by the {@code now} arguments (and
 * the {@link ManualClock} given to the factory, for stores that read a clock themselves); no test
 * sleeps. Every test uses its own business number, senders and message ids.
 *
 * <p>Covered: the ledger; linking a sender's wa_id and business-scoped id into one conversation; due
 * times (quiet window, maximum wait, batch cap, order); one claim per conversation; leases, renewal,
 * takeover with progress kept and the old claim failing with {@link ClaimLostException}; a fixed
 * batch once past {@link BurstProgress.Stage#NEW}; messages arriving during a claim going to the next
 * burst; the outbox (idempotent save, a sent part never open again, confirmation by callback data,
 * attempts and abandonment); release and releaseAll; deferred chat-log entries; purge; erase; stats;
 * and concurrent appends and claims.
 */
public abstract class StateStoreContract {

    /** 15 s window, 40 s maximum wait, 5 messages per batch. */
    protected static final BufferPolicy POLICY = new BufferPolicy(Duration.ofSeconds(15), Duration.ofSeconds(40), 5);
    protected static final Instant START = Instant.parse("2026-03-02T10:00:00Z");
    protected static final long LEASE = 30_000;
    private static final AtomicLong SEQUENCE = new AtomicLong();

    protected final ManualClock clock = new ManualClock(START);
    protected StateStore store;
    /** This test's business number. */
    protected BusinessNumber business;
    protected long t0;

    /**
     * A new, empty store deciding due times by {@code policy}, reading {@code clock} if it needs a
     * clock of its own. Called before each test; closed after it.
     */
    protected abstract StateStore createStore(BufferPolicy policy, ManualClock clock);

    @BeforeEach
    public void createTheStore() {
        store = createStore(POLICY, clock);
        long n = SEQUENCE.incrementAndGet();
        business = new BusinessNumber("9" + (100_000_000_000L + n), "7" + (100_000_000_000L + n) + uniqueDigits(),
                "15550000000");
        t0 = START.toEpochMilli();
    }

    @AfterEach
    public void closeTheStore() {
        store.close();
    }

    // ---- fixtures -----------------------------------------------------------------------------

    private static String uniqueDigits() {
        return Long.toString(Math.abs(UUID.randomUUID().getMostSignificantBits() % 1_000_000L));
    }

    /** A text from a sender known by wa_id and/or business-scoped id, sent at {@code sentAt}. */
    protected InboundMessage text(String waId, String userId, String body, long sentAt) {
        String id = "wamid.CONTRACT" + UUID.randomUUID().toString().replace("-", "");
        return new InboundMessage(id, business, new Sender(waId, userId, null, "Tester", null),
                Instant.ofEpochMilli(sentAt), "text", new TextContent(body), null, null, null, null);
    }

    /** A text from wa_id {@code waId}. */
    protected InboundMessage text(String waId, String body, long sentAt) {
        return text(waId, null, body, sentAt);
    }

    protected static Arrival arrival(InboundMessage m, long at) {
        return new Arrival(new ConversationKey(m.business().phoneNumberId(), m.sender().conversationId()), m, at);
    }

    /** Appends one message received at {@code at}. */
    protected Appended append(InboundMessage m, long at) {
        List<Appended> out = store.append(List.of(arrival(m, at)));
        assertThat(out).hasSize(1);
        return out.get(0);
    }

    protected List<Claim> claimDue(long now, String owner) {
        return store.claimDue(now, 100, owner, now + LEASE);
    }

    protected Claim claimOne(long now, String owner) {
        List<Claim> claims = claimDue(now, owner);
        assertThat(claims).as("claims at %s", Instant.ofEpochMilli(now)).hasSize(1);
        return claims.get(0);
    }

    protected static List<String> ids(Claim claim) {
        return claim.batch().messages().stream().map(InboundMessage::id).toList();
    }

    protected ChatLogEntry logEntry(String key, String waId) {
        return new ChatLogEntry(key, "session-1", "user-1", ChatLogEntry.CHANNEL_WHATSAPP, business.phoneNumberId(),
                waId, null, ChatLogEntry.Direction.INBOUND, "wamid." + key, List.of(), "text", "hello",
                START, START, null, null, null, null, null);
    }

    private static BurstProgress prepared(String userId) {
        return new BurstProgress(BurstProgress.Stage.PREPARED, userId, "session-" + userId, "reply:" + userId,
                null, null, -1, -1);
    }

    // ---- the ledger ---------------------------------------------------------------------------

    @Test
    public void aMessageIdIsAcceptedOnce() {
        InboundMessage m = text("15550001001", "hi", t0);
        assertThat(append(m, t0).outcome()).isEqualTo(Appended.Outcome.ACCEPTED);
        Appended again = append(m, t0 + 1000);
        assertThat(again.outcome()).isEqualTo(Appended.Outcome.DUPLICATE);
        assertThat(again.accepted()).isFalse();
        assertThat(claimOne(t0 + 60_000, "a").batch().messages()).extracting(InboundMessage::id)
                .containsExactly(m.id());
    }

    @Test
    public void oneDeliveryMayHoldADuplicate() {
        InboundMessage m = text("15550001002", "hi", t0);
        List<Appended> out = store.append(List.of(arrival(m, t0), arrival(m, t0)));
        assertThat(out).extracting(Appended::outcome)
                .containsExactly(Appended.Outcome.ACCEPTED, Appended.Outcome.DUPLICATE);
    }

    @Test
    public void appendReportsOneResultPerArrivalInOrder() {
        InboundMessage a = text("15550001003", "a", t0);
        InboundMessage b = text("15550001004", "b", t0);
        append(a, t0);
        List<Appended> out = store.append(List.of(arrival(a, t0 + 1), arrival(b, t0 + 1)));
        assertThat(out).extracting(Appended::outcome)
                .containsExactly(Appended.Outcome.DUPLICATE, Appended.Outcome.ACCEPTED);
        assertThat(out.get(1).key()).isEqualTo(new ConversationKey(business.phoneNumberId(), "15550001004"));
    }

    @Test
    public void markSeenSharesTheLedgerWithAppend() {
        InboundMessage stale = text("15550001005", "old", t0);
        assertThat(store.markSeen(stale.id(), t0)).isTrue();
        assertThat(store.markSeen(stale.id(), t0 + 1000)).isFalse();
        assertThat(append(stale, t0 + 2000).outcome()).isEqualTo(Appended.Outcome.DUPLICATE);
        InboundMessage fresh = text("15550001005", "new", t0);
        append(fresh, t0);
        assertThat(store.markSeen(fresh.id(), t0 + 1000)).isFalse();
    }

    @Test
    public void idsAreRememberedForTheRetentionAndPurgedAfterIt() {
        long retention = store.ledgerRetention().toMillis();
        assertThat(retention).isPositive();
        String id = "wamid.CONTRACT-ledger-" + UUID.randomUUID();
        store.markSeen(id, t0);
        assertThat(store.markSeen(id, t0 + retention - 1000)).as("within the retention").isFalse();
        long later = t0 + 2 * retention + 1000;
        clock.setInstant(Instant.ofEpochMilli(later));
        assertThat(store.purge(later)).isPositive();
        assertThat(store.markSeen(id, later)).as("purged").isTrue();
    }

    // ---- one person, one conversation ---------------------------------------------------------

    @Test
    public void aSenderSeenByNumberThenByBusinessScopedIdStaysOneConversation() {
        String waId = "15550002001";
        String bsuid = "US.10000" + uniqueDigits();
        Appended first = append(text(waId, null, "by number", t0), t0);
        Appended second = append(text(waId, bsuid, "both", t0 + 1000), t0 + 1000);
        Appended third = append(text(null, bsuid, "by bsuid", t0 + 2000), t0 + 2000);
        assertThat(second.key()).isEqualTo(first.key());
        assertThat(third.key()).isEqualTo(first.key());
        assertThat(store.conversationOf(business.phoneNumberId(), bsuid)).contains(first.key());
        assertThat(store.conversationOf(business.phoneNumberId(), waId)).contains(first.key());
        Claim claim = claimOne(t0 + 2000 + 15_000, "a");
        assertThat(claim.batch().key()).isEqualTo(first.key());
        assertThat(claim.batch().messages()).extracting(m -> ((TextContent) m.content()).body())
                .containsExactly("by number", "both", "by bsuid");
    }

    @Test
    public void aSenderSeenByBusinessScopedIdThenByNumberStaysOneConversation() {
        String waId = "15550002002";
        String bsuid = "US.20000" + uniqueDigits();
        Appended first = append(text(null, bsuid, "by bsuid", t0), t0);
        Appended second = append(text(waId, bsuid, "both", t0 + 1000), t0 + 1000);
        Appended third = append(text(waId, null, "by number", t0 + 2000), t0 + 2000);
        assertThat(second.key()).isEqualTo(first.key());
        assertThat(third.key()).isEqualTo(first.key());
        assertThat(claimDue(t0 + 20_000, "a")).singleElement()
                .satisfies(c -> assertThat(c.batch().size()).isEqualTo(3));
    }

    @Test
    public void theLinkOutlivesTheBurst() {
        String waId = "15550002003";
        String bsuid = "US.30000" + uniqueDigits();
        Appended first = append(text(waId, bsuid, "both", t0), t0);
        Claim claim = claimOne(t0 + 15_000, "a");
        assertThat(store.complete(claim, t0 + 16_000)).isEqualTo(StateStore.NONE);
        Appended later = append(text(waId, null, "by number", t0 + 20_000), t0 + 20_000);
        assertThat(later.key()).isEqualTo(first.key());
    }

    @Test
    public void differentSendersAreDifferentConversations() {
        Appended a = append(text("15550002004", "a", t0), t0);
        Appended b = append(text("15550002005", "b", t0), t0);
        assertThat(a.key()).isNotEqualTo(b.key());
        assertThat(claimDue(t0 + 15_000, "a")).hasSize(2);
        assertThat(store.conversationOf(business.phoneNumberId(), "15550009999")).isEmpty();
    }

    // ---- due times ----------------------------------------------------------------------------

    @Test
    public void theQuietWindowRestartsOnEachMessage() {
        Appended first = append(text("15550003001", "a", t0), t0);
        assertThat(first.dueAt()).isEqualTo(t0 + 15_000);
        assertThat(store.nextDeadline()).isLessThanOrEqualTo(t0 + 15_000);
        Appended second = append(text("15550003001", "b", t0 + 10_000), t0 + 10_000);
        assertThat(second.dueAt()).isEqualTo(t0 + 25_000);
        assertThat(claimDue(t0 + 24_999, "a")).isEmpty();
        assertThat(store.nextDeadline()).isLessThanOrEqualTo(t0 + 25_000);
        assertThat(claimOne(t0 + 25_000, "a").batch().size()).isEqualTo(2);
    }

    @Test
    public void theMaximumWaitBoundsTheWindow() {
        String waId = "15550003002";
        for (int i = 0; i <= 3; i++) {
            append(text(waId, "m" + i, t0 + i * 10_000L), t0 + i * 10_000L);
        }
        // last + window = 45 s, first + maximum wait = 40 s
        assertThat(claimDue(t0 + 39_999, "a")).isEmpty();
        assertThat(claimOne(t0 + 40_000, "a").batch().size()).isEqualTo(4);
    }

    @Test
    public void aFullBatchIsDueAtOnceAndTheRestWaitsForTheNextBurst() {
        String waId = "15550003003";
        Appended last = null;
        for (int i = 0; i < 6; i++) {
            last = append(text(waId, "m" + i, t0 + i), t0 + i);
        }
        assertThat(last.dueAt()).isLessThanOrEqualTo(t0 + 5);
        Claim claim = claimOne(t0 + 5, "a");
        assertThat(claim.batch().messages()).extracting(m -> ((TextContent) m.content()).body())
                .containsExactly("m0", "m1", "m2", "m3", "m4");
        long next = store.complete(claim, t0 + 10);
        assertThat(next).isNotEqualTo(StateStore.NONE);
        Claim rest = claimOne(Math.max(next, t0 + 10), "a");
        assertThat(rest.batch().messages()).extracting(m -> ((TextContent) m.content()).body()).containsExactly("m5");
    }

    @Test
    public void aBurstIsOrderedByTimestampThenArrival() {
        String waId = "15550003004";
        InboundMessage late = text(waId, "sent second", t0 + 2000);
        InboundMessage early = text(waId, "sent first", t0 + 1000);
        InboundMessage sameA = text(waId, "same time, arrived first", t0 + 3000);
        InboundMessage sameB = text(waId, "same time, arrived second", t0 + 3000);
        append(late, t0);
        append(early, t0 + 100);
        append(sameA, t0 + 200);
        append(sameB, t0 + 300);
        assertThat(ids(claimOne(t0 + 20_000, "a"))).containsExactly(early.id(), late.id(), sameA.id(), sameB.id());
    }

    @Test
    public void claimAllTakesEveryPendingConversationDueOrNot() {
        append(text("15550003005", "a", t0), t0);
        append(text("15550003006", "b", t0), t0);
        List<Claim> all = store.claimAll(t0 + 1, 100, "closing", t0 + 1 + LEASE);
        assertThat(all).hasSize(2);
        assertThat(store.claimAll(t0 + 2, 100, "closing", t0 + 2 + LEASE)).as("already held").isEmpty();
        assertThat(claimDue(t0 + 20_000, "other")).as("held, lease not over").isEmpty();
    }

    // ---- claims -------------------------------------------------------------------------------

    @Test
    public void aConversationHasOneClaimAtATime() {
        String waId = "15550004001";
        append(text(waId, "a", t0), t0);
        Claim claim = claimOne(t0 + 15_000, "a");
        assertThat(claim.owner()).isEqualTo("a");
        assertThat(claim.takeovers()).isZero();
        assertThat(claim.progress().stage()).isEqualTo(BurstProgress.Stage.NEW);
        append(text(waId, "b", t0 + 16_000), t0 + 16_000);
        assertThat(claimDue(t0 + 40_000, "b")).as("lease runs until +45 s").isEmpty();
        assertThat(store.claimAll(t0 + 40_000, 100, "b", t0 + 70_000)).isEmpty();
    }

    @Test
    public void messagesArrivingDuringAClaimGoToTheNextBurst() {
        String waId = "15550004002";
        InboundMessage first = text(waId, "a", t0);
        append(first, t0);
        Claim claim = claimOne(t0 + 15_000, "a");
        InboundMessage during = text(waId, "b", t0 + 16_000);
        assertThat(append(during, t0 + 16_000).accepted()).isTrue();
        long next = store.complete(claim, t0 + 20_000);
        assertThat(next).isEqualTo(t0 + 31_000);
        assertThat(claimDue(t0 + 30_999, "a")).isEmpty();
        Claim second = claimOne(t0 + 31_000, "a");
        assertThat(ids(second)).containsExactly(during.id());
        assertThat(second.id()).isNotEqualTo(claim.id());
        assertThat(store.complete(second, t0 + 32_000)).isEqualTo(StateStore.NONE);
    }

    @Test
    public void anExpiredLeaseIsTakenOverWithItsProgressAndTheOldClaimFails() {
        String waId = "15550004003";
        append(text(waId, "a", t0), t0);
        long claimedAt = t0 + 15_000;
        Claim old = claimOne(claimedAt, "a");
        BurstProgress progress = prepared("user-4003");
        store.saveProgress(old, progress);
        assertThat(claimDue(claimedAt + LEASE - 1, "b")).as("lease not over").isEmpty();
        Claim taken = claimOne(claimedAt + LEASE, "b");
        assertThat(taken.id()).isNotEqualTo(old.id());
        assertThat(taken.owner()).isEqualTo("b");
        assertThat(taken.takeovers()).isEqualTo(1);
        assertThat(taken.progress()).isEqualTo(progress);
        assertThat(ids(taken)).isEqualTo(ids(old));

        assertThatThrownBy(() -> store.saveProgress(old, progress.at(BurstProgress.Stage.REPLY_STORED)))
                .isInstanceOf(ClaimLostException.class);
        assertThatThrownBy(() -> store.saveReply(old, progress, List.of("x"), t0 + 86_400_000))
                .isInstanceOf(ClaimLostException.class);
        assertThatThrownBy(() -> store.complete(old, claimedAt + LEASE + 1)).isInstanceOf(ClaimLostException.class);
        assertThat(store.renew(List.of(old), claimedAt + 2 * LEASE)).containsExactly(old);
        assertThat(store.renew(List.of(taken), claimedAt + 2 * LEASE)).isEmpty();
        store.saveProgress(taken, progress.at(BurstProgress.Stage.REPLY_STORED));
        assertThat(store.complete(taken, claimedAt + LEASE + 2)).isEqualTo(StateStore.NONE);
    }

    @Test
    public void aRenewedLeaseIsNotTakenOver() {
        append(text("15550004004", "a", t0), t0);
        long claimedAt = t0 + 15_000;
        Claim claim = claimOne(claimedAt, "a");
        assertThat(store.renew(List.of(claim), claimedAt + 2 * LEASE)).isEmpty();
        assertThat(claimDue(claimedAt + LEASE + 1, "b")).as("renewed").isEmpty();
        assertThat(store.stats(claimedAt + LEASE + 1).inFlight()).isEqualTo(1);
        Claim taken = claimOne(claimedAt + 2 * LEASE, "b");
        assertThat(taken.takeovers()).isEqualTo(1);
    }

    @Test
    public void aTakeoverTwiceCountsBoth() {
        append(text("15550004005", "a", t0), t0);
        Claim first = claimOne(t0 + 15_000, "a");
        Claim second = claimOne(first.leaseUntil(), "b");
        Claim third = claimOne(second.leaseUntil(), "c");
        assertThat(third.takeovers()).isEqualTo(2);
        assertThat(store.renew(List.of(first, second, third), third.leaseUntil() + LEASE))
                .containsExactlyInAnyOrder(first, second);
    }

    @Test
    public void aBurstPastNewKeepsExactlyItsMessagesOnTakeover() {
        String waId = "15550004006";
        InboundMessage m1 = text(waId, "a", t0);
        append(m1, t0);
        Claim old = claimOne(t0 + 15_000, "a");
        store.saveProgress(old, prepared("user-4006"));
        InboundMessage m2 = text(waId, "b", t0 + 16_000);
        append(m2, t0 + 16_000);
        Claim taken = claimOne(old.leaseUntil() + 1, "b");
        assertThat(ids(taken)).containsExactly(m1.id());
        long next = store.complete(taken, old.leaseUntil() + 2);
        assertThat(next).isNotEqualTo(StateStore.NONE);
        assertThat(ids(claimOne(Math.max(next, old.leaseUntil() + 2), "b"))).containsExactly(m2.id());
    }

    @Test
    public void aBurstOfManyConversationsIsClaimedOnceEach() {
        for (int i = 0; i < 30; i++) {
            append(text("1555000" + (5000 + i), "m", t0), t0);
        }
        List<Claim> first = store.claimDue(t0 + 15_000, 10, "a", t0 + 15_000 + LEASE);
        List<Claim> rest = store.claimDue(t0 + 15_000, 100, "b", t0 + 15_000 + LEASE);
        assertThat(first).hasSize(10);
        assertThat(rest).hasSize(20);
        Set<ConversationKey> keys = new HashSet<>();
        first.forEach(c -> keys.add(c.batch().key()));
        rest.forEach(c -> keys.add(c.batch().key()));
        assertThat(keys).hasSize(30);
    }

    // ---- release --------------------------------------------------------------------------------

    @Test
    public void aReleasedClaimKeepsItsProgressAndIsClaimedAgainNotBeforeItsTime() {
        append(text("15550006001", "a", t0), t0);
        Claim claim = claimOne(t0 + 15_000, "a");
        BurstProgress progress = prepared("user-6001");
        store.saveProgress(claim, progress);
        store.release(claim, t0 + 20_000);
        assertThat(store.renew(List.of(claim), t0 + 60_000)).as("released: no longer held").containsExactly(claim);
        assertThatThrownBy(() -> store.saveProgress(claim, progress)).isInstanceOf(ClaimLostException.class);
        assertThat(claimDue(t0 + 19_999, "b")).isEmpty();
        Claim again = claimOne(t0 + 20_000, "b");
        assertThat(again.progress()).isEqualTo(progress);
        assertThat(again.takeovers()).isEqualTo(1);
        assertThat(ids(again)).isEqualTo(ids(claim));
        assertThatThrownBy(() -> store.saveProgress(claim, progress)).isInstanceOf(ClaimLostException.class);
    }

    @Test
    public void releaseAllReleasesOnlyTheOwnersClaims() {
        append(text("15550006002", "a", t0), t0);
        append(text("15550006003", "b", t0), t0);
        append(text("15550006004", "c", t0), t0);
        List<Claim> mine = store.claimDue(t0 + 15_000, 2, "closing", t0 + 15_000 + LEASE);
        List<Claim> theirs = claimDue(t0 + 15_000, "staying");
        assertThat(mine).hasSize(2);
        assertThat(theirs).hasSize(1);
        assertThat(store.releaseAll("closing", t0 + 16_000)).isEqualTo(2);
        List<Claim> taken = claimDue(t0 + 16_000, "survivor");
        assertThat(taken).extracting(c -> c.batch().key())
                .containsExactlyInAnyOrderElementsOf(mine.stream().map(c -> c.batch().key()).toList());
        assertThat(store.renew(theirs, t0 + 60_000)).isEmpty();
        assertThat(store.releaseAll("closing", t0 + 17_000)).isZero();
    }

    // ---- the outbox ---------------------------------------------------------------------------

    private Claim claimWithProgress(String waId) {
        append(text(waId, "question", t0), t0);
        Claim claim = claimOne(t0 + 15_000, "a");
        store.saveProgress(claim, prepared("user-" + waId));
        return claim;
    }

    @Test
    public void aReplyIsStoredOnceWithUniquePartIds() {
        Claim claim = claimWithProgress("15550007001");
        long expires = t0 + Duration.ofHours(24).toMillis();
        List<OutboxPart> parts = store.saveReply(claim, prepared("u"), List.of("part one", "part two"), expires);
        assertThat(parts).extracting(OutboxPart::text).containsExactly("part one", "part two");
        assertThat(parts).extracting(OutboxPart::index).containsExactly(0, 1);
        assertThat(parts).allSatisfy(p -> {
            assertThat(p.state()).isEqualTo(OutboxPart.State.PENDING);
            assertThat(p.open()).isTrue();
            assertThat(p.wamid()).isNull();
            assertThat(p.expiresAt()).isEqualTo(expires);
            assertThat(p.key()).isEqualTo(claim.batch().key());
            assertThat(p.id().length()).isBetween(1, 512);
        });
        assertThat(parts.get(0).id()).isNotEqualTo(parts.get(1).id());
        List<OutboxPart> again = store.saveReply(claim, prepared("u"), List.of("another text"), expires);
        assertThat(again).extracting(OutboxPart::id).isEqualTo(parts.stream().map(OutboxPart::id).toList());
        assertThat(again).extracting(OutboxPart::text).containsExactly("part one", "part two");
        assertThat(store.outbox(claim)).extracting(OutboxPart::id)
                .isEqualTo(parts.stream().map(OutboxPart::id).toList());
    }

    @Test
    public void aStoredReplySurvivesATakeoverAndASentPartIsNeverOpenAgain() {
        Claim claim = claimWithProgress("15550007002");
        List<OutboxPart> parts = store.saveReply(claim, prepared("u"), List.of("one", "two"), t0 + 86_400_000);
        store.markSent(parts.get(0).id(), "wamid.OUT1", t0 + 16_000);
        Claim taken = claimOne(claim.leaseUntil(), "b");
        assertThat(taken.progress().stage()).isEqualTo(BurstProgress.Stage.REPLY_STORED);
        List<OutboxPart> left = store.outbox(taken);
        assertThat(left.get(0).state()).isEqualTo(OutboxPart.State.SENT);
        assertThat(left.get(0).wamid()).isEqualTo("wamid.OUT1");
        assertThat(left.get(0).open()).isFalse();
        assertThat(left.get(1).open()).isTrue();
        assertThat(store.saveReply(taken, prepared("u"), List.of("rewritten"), t0 + 86_400_000))
                .extracting(OutboxPart::id).isEqualTo(parts.stream().map(OutboxPart::id).toList());
        store.markSent(parts.get(0).id(), "wamid.OTHER", t0 + 17_000);
        store.markAttempt(parts.get(0).id(), t0 + 99_000, "late failure", false);
        assertThat(store.outbox(taken).get(0)).satisfies(p -> {
            assertThat(p.state()).isEqualTo(OutboxPart.State.SENT);
            assertThat(p.wamid()).isEqualTo("wamid.OUT1");
        });
        assertThat(store.stats(t0 + 17_000).outboxDepth()).isEqualTo(1);
    }

    @Test
    public void theHistoryTurnStoredWithTheReplyReachesATakeoverAndEndsWithTheBurst() {
        Claim claim = claimWithProgress("15550007006");
        String turn = "[voice message] Jam berapa buka hari Sabtu?";
        BurstProgress replied = new BurstProgress(BurstProgress.Stage.REPLY_STORED, "u", "session-u", "reply:u", "ai",
                "google/gemini-2.5-flash", 1450, 80, turn);
        store.saveReply(claim, replied, List.of("We open at 8."), t0 + 86_400_000);
        Claim taken = claimOne(claim.leaseUntil(), "b");
        assertThat(taken.progress()).isEqualTo(replied);
        assertThat(taken.progress().at(BurstProgress.Stage.SENT).historyTurn()).isEqualTo(turn);
        store.markSent(store.outbox(taken).get(0).id(), "wamid.TURN", t0 + 50_000);
        store.complete(taken, t0 + 50_000);

        append(text("15550007006", "next", t0 + 60_000), t0 + 60_000);
        Claim next = claimOne(t0 + 75_000, "a");
        assertThat(next.progress()).isEqualTo(BurstProgress.start());
        assertThat(next.progress().historyTurn()).as("the next burst starts without it").isNull();
    }

    @Test
    public void aStatusEchoingTheCallbackDataConfirmsAPart() {
        Claim claim = claimWithProgress("15550007003");
        List<OutboxPart> parts = store.saveReply(claim, prepared("u"), List.of("one"), t0 + 86_400_000);
        String id = parts.get(0).id();
        store.markAttempt(id, t0 + 60_000, "timed out after the request was written", true);
        assertThat(store.outbox(claim).get(0).state()).isEqualTo(OutboxPart.State.AMBIGUOUS);
        assertThat(store.confirmByCallback("not-one-of-ours-" + UUID.randomUUID(), "wamid.X", t0)).isFalse();
        assertThat(store.confirmByCallback(id, "wamid.CONFIRMED", t0 + 20_000)).isTrue();
        assertThat(store.confirmByCallback(id, "wamid.CONFIRMED", t0 + 21_000)).as("already sent").isFalse();
        OutboxPart confirmed = store.outbox(claim).get(0);
        assertThat(confirmed.state()).isEqualTo(OutboxPart.State.SENT);
        assertThat(confirmed.wamid()).isEqualTo("wamid.CONFIRMED");
        store.markSent(id, "wamid.LATE-ANSWER", t0 + 22_000);
        assertThat(store.outbox(claim).get(0).wamid()).isEqualTo("wamid.CONFIRMED");
    }

    @Test
    public void attemptsAreCountedAndAnAbandonedPartIsClosed() {
        Claim claim = claimWithProgress("15550007004");
        List<OutboxPart> parts = store.saveReply(claim, prepared("u"), List.of("one", "two"), t0 + 86_400_000);
        store.markAttempt(parts.get(0).id(), t0 + 20_000, "503", false);
        store.markAttempt(parts.get(0).id(), t0 + 40_000, "503", false);
        OutboxPart tried = store.outbox(claim).get(0);
        assertThat(tried.attempts()).isEqualTo(2);
        assertThat(tried.retryAt()).isEqualTo(t0 + 40_000);
        assertThat(tried.state()).isEqualTo(OutboxPart.State.PENDING);
        store.markAbandoned(parts.get(1).id(), "the customer-service window closed", t0 + 50_000);
        OutboxPart abandoned = store.outbox(claim).get(1);
        assertThat(abandoned.state()).isEqualTo(OutboxPart.State.ABANDONED);
        assertThat(abandoned.open()).isFalse();
        assertThat(store.confirmByCallback(parts.get(1).id(), "wamid.Y", t0 + 51_000)).isFalse();
    }

    @Test
    public void aCompletedBurstFreesItsConversation() {
        Claim claim = claimWithProgress("15550007005");
        List<OutboxPart> parts = store.saveReply(claim, prepared("u"), List.of("one"), t0 + 86_400_000);
        store.markSent(parts.get(0).id(), "wamid.Z", t0 + 16_000);
        assertThat(store.complete(claim, t0 + 17_000)).isEqualTo(StateStore.NONE);
        assertThatThrownBy(() -> store.complete(claim, t0 + 18_000)).isInstanceOf(ClaimLostException.class);
        StoreStats stats = store.stats(t0 + 18_000);
        assertThat(stats.inFlight()).isZero();
        assertThat(stats.pendingMessages()).isZero();
        assertThat(stats.outboxDepth()).isZero();
        append(text("15550007005", "again", t0 + 20_000), t0 + 20_000);
        assertThat(claimOne(t0 + 35_000, "a").takeovers()).isZero();
    }

    // ---- deferred chat-log entries ------------------------------------------------------------

    @Test
    public void deferredLogsAreKeptOncePerKeyOldestFirstUntilRemoved() {
        String k1 = "log-" + UUID.randomUUID();
        String k2 = "log-" + UUID.randomUUID();
        store.deferLogs(List.of(logEntry(k1, "15550008001"), logEntry(k2, "15550008001")), t0);
        store.deferLogs(List.of(logEntry(k1, "15550008001")), t0 + 1000);
        List<ChatLogEntry> waiting = store.deferredLogs(100);
        assertThat(waiting).extracting(ChatLogEntry::idempotencyKey).containsExactly(k1, k2);
        assertThat(store.deferredLogs(1)).extracting(ChatLogEntry::idempotencyKey).containsExactly(k1);
        assertThat(store.stats(t0).deferredLogs()).isEqualTo(2);
        store.removeDeferredLogs(List.of(k1));
        assertThat(store.deferredLogs(100)).extracting(ChatLogEntry::idempotencyKey).containsExactly(k2);
        store.removeDeferredLogs(List.of(k1, k2));
        assertThat(store.deferredLogs(100)).isEmpty();
    }

    // ---- operations ---------------------------------------------------------------------------

    @Test
    public void eraseForgetsEverythingAboutOnePerson() {
        String waId = "15550009001";
        String bsuid = "US.90000" + uniqueDigits();
        InboundMessage m1 = text(waId, bsuid, "one", t0);
        append(m1, t0);
        Claim claim = claimOne(t0 + 15_000, "a");
        store.saveReply(claim, prepared("u"), List.of("reply"), t0 + 86_400_000);
        InboundMessage m2 = text(waId, bsuid, "two", t0 + 16_000);
        append(m2, t0 + 16_000);
        String logKey = "log-" + UUID.randomUUID();
        store.deferLogs(List.of(logEntry(logKey, waId)), t0);
        InboundMessage other = text("15550009002", "someone else", t0);
        append(other, t0);

        assertThat(store.erase(business.phoneNumberId(), bsuid)).isPositive();

        assertThat(store.conversationOf(business.phoneNumberId(), bsuid)).isEmpty();
        assertThat(store.conversationOf(business.phoneNumberId(), waId)).isEmpty();
        assertThat(store.deferredLogs(100)).extracting(ChatLogEntry::idempotencyKey).doesNotContain(logKey);
        assertThat(store.markSeen(m1.id(), t0 + 17_000)).as("ledger id erased").isTrue();
        assertThatThrownBy(() -> store.complete(claim, t0 + 17_000)).isInstanceOf(ClaimLostException.class);
        List<Claim> left = store.claimAll(t0 + 17_000, 100, "a", t0 + 17_000 + LEASE);
        assertThat(left).extracting(c -> c.batch().key().userKey()).containsExactly("15550009002");
    }

    @Test
    public void statsCountWhatWaits() {
        append(text("15550010001", "a", t0), t0);
        append(text("15550010001", "b", t0 + 1000), t0 + 1000);
        append(text("15550010002", "c", t0 + 2000), t0 + 2000);
        StoreStats before = store.stats(t0 + 5000);
        assertThat(before.pendingConversations()).isEqualTo(2);
        assertThat(before.pendingMessages()).isEqualTo(3);
        assertThat(before.inFlight()).isZero();
        assertThat(before.oldestPendingAgeMillis()).isEqualTo(5000);
        assertThat(before.ledgerSize()).isGreaterThanOrEqualTo(3);
        List<Claim> claims = claimDue(t0 + 17_000, "a");
        assertThat(claims).hasSize(2);
        store.saveReply(claims.get(0), prepared("u"), List.of("x", "y"), t0 + 86_400_000);
        StoreStats during = store.stats(t0 + 17_000);
        assertThat(during.pendingConversations()).isZero();
        assertThat(during.pendingMessages()).isZero();
        assertThat(during.inFlight()).isEqualTo(2);
        assertThat(during.expiredClaims()).isZero();
        assertThat(during.outboxDepth()).isEqualTo(2);
        StoreStats expired = store.stats(t0 + 17_000 + LEASE);
        assertThat(expired.inFlight()).isZero();
        assertThat(expired.expiredClaims()).isEqualTo(2);
    }

    @Test
    public void nextDeadlineIsNeverLate() {
        assertThat(append(text("15550011001", "a", t0), t0).dueAt()).isEqualTo(t0 + 15_000);
        assertThat(store.nextDeadline()).isLessThanOrEqualTo(t0 + 15_000);
        Claim claim = claimOne(t0 + 15_000, "a");
        assertThat(store.nextDeadline()).as("the lease end").isLessThanOrEqualTo(claim.leaseUntil());
        store.complete(claim, t0 + 16_000);
        append(text("15550011001", "b", t0 + 20_000), t0 + 20_000);
        assertThat(store.nextDeadline()).isLessThanOrEqualTo(t0 + 35_000);
    }

    // ---- concurrency --------------------------------------------------------------------------

    @Test
    public void concurrentAppendsAndClaimsLoseNothingAndClaimEachMessageOnce() throws Exception {
        int threads = 4;
        int perThread = 50;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<List<String>>> appenders = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                Callable<List<String>> task = () -> {
                    start.await();
                    List<String> accepted = new ArrayList<>();
                    for (int i = 0; i < perThread; i++) {
                        InboundMessage m = text("1555001" + (2000 + i % 10), "t" + thread + "-" + i, t0 + i);
                        if (append(m, t0 + i).accepted()) {
                            accepted.add(m.id());
                        }
                        // every thread also redelivers another thread's kind of id: its own, twice
                        assertThat(append(m, t0 + i).accepted()).isFalse();
                    }
                    return accepted;
                };
                appenders.add(pool.submit(task));
            }
            List<String> claimed = Collections.synchronizedList(new ArrayList<>());
            Future<?> claimer = pool.submit(() -> {
                start.await();
                for (int round = 0; round < 200; round++) {
                    for (Claim c : store.claimDue(t0 + 100_000, 100, "racer", t0 + 100_000 + LEASE)) {
                        claimed.addAll(ids(c));
                        store.complete(c, t0 + 100_000);
                    }
                }
                return null;
            });
            start.countDown();
            List<String> accepted = new ArrayList<>();
            for (Future<List<String>> f : appenders) {
                accepted.addAll(f.get(30, TimeUnit.SECONDS));
            }
            claimer.get(30, TimeUnit.SECONDS);
            List<Claim> rest;
            do {
                rest = store.claimDue(t0 + 200_000, 100, "final", t0 + 200_000 + LEASE);
                for (Claim c : rest) {
                    claimed.addAll(ids(c));
                    store.complete(c, t0 + 200_000);
                }
            } while (!rest.isEmpty());
            assertThat(accepted).hasSize(threads * perThread);
            assertThat(claimed).containsExactlyInAnyOrderElementsOf(accepted);
        } finally {
            pool.shutdownNow();
        }
    }
}
