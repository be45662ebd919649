package io.github.whatsappai.store.postgres;

import io.github.whatsappai.store.BufferPolicy;
import io.github.whatsappai.spi.ChatLogEntry;
import io.github.whatsappai.store.Appended;
import io.github.whatsappai.store.Arrival;
import io.github.whatsappai.store.BurstProgress;
import io.github.whatsappai.store.Claim;
import io.github.whatsappai.store.ClaimLostException;
import io.github.whatsappai.store.OutboxPart;
import io.github.whatsappai.store.StateStore;
import io.github.whatsappai.store.StoreStats;
import io.github.whatsappai.testing.Inbound;
import io.github.whatsappai.webhook.model.ConversationKey;
import io.github.whatsappai.webhook.model.InboundMessage;
import io.github.whatsappai.webhook.model.Sender;
import io.github.whatsappai.webhook.model.TextContent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import javax.sql.DataSource;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** PostgreSQL-specific behaviour: several store instances on one database, as several SDK instances run. */
class PostgresStateStoreTest {

    static final long T0 = 1_786_000_000_000L;
    static final String PHONE = Inbound.PHONE_NUMBER_ID;
    static final BufferPolicy POLICY = new BufferPolicy(Duration.ofSeconds(15), Duration.ofSeconds(60), 5);
    static final long LEASE = 30_000;

    @RegisterExtension
    final PostgresDatabase db = PostgresDatabase.migrated();

    private final List<StateStore> stores = new ArrayList<>();
    private DataSource pool;
    private StateStore a;
    private StateStore b;

    @BeforeEach
    void twoInstances() {
        pool = db.pool(40);
        a = store();
        b = store();
    }

    @AfterEach
    void closeStores() {
        stores.forEach(StateStore::close);
    }

    private StateStore store() {
        StateStore s = PostgresStateStore.builder(pool).policy(POLICY).notifications(false).build();
        stores.add(s);
        return s;
    }

    static Arrival text(String waId, String body, long at) {
        InboundMessage m = Inbound.text(waId, body, Instant.ofEpochMilli(at));
        return new Arrival(ConversationKey.of(m), m, at);
    }

    static Arrival from(Sender sender, String body, long at) {
        InboundMessage m = Inbound.message(sender, "text", new TextContent(body), Instant.ofEpochMilli(at));
        return new Arrival(ConversationKey.of(m), m, at);
    }

    static List<String> bodies(Claim claim) {
        return claim.batch().messages().stream().map(m -> m.content().describe()).toList();
    }

    @Test
    void aBurstSplitAcrossInstancesIsOneBurstDueAfterTheLastMessagesWindow() {
        Appended first = a.append(List.of(text("4911", "hello", T0))).get(0);
        Appended second = b.append(List.of(text("4911", "are you there?", T0 + 10_000))).get(0);

        assertThat(first.dueAt()).isEqualTo(T0 + 15_000);
        assertThat(second.dueAt()).isEqualTo(T0 + 25_000);
        assertThat(second.key()).isEqualTo(first.key());
        assertThat(a.nextDeadline()).isEqualTo(T0 + 25_000);
        assertThat(a.claimDue(T0 + 24_999, 10, "a", T0 + 24_999 + LEASE)).isEmpty();

        List<Claim> claims = b.claimDue(T0 + 25_000, 10, "b", T0 + 25_000 + LEASE);
        assertThat(claims).hasSize(1);
        assertThat(bodies(claims.get(0))).containsExactly("hello", "are you there?");
        assertThat(claims.get(0).batch().firstArrival()).isEqualTo(Instant.ofEpochMilli(T0));
        assertThat(claims.get(0).batch().deadline()).isEqualTo(Instant.ofEpochMilli(T0 + 25_000));
        assertThat(a.claimDue(T0 + 25_000, 10, "a", T0 + 25_000 + LEASE)).isEmpty();
    }

    @Test
    void maxWaitBoundsAConversationThatNeverGoesQuiet() {
        for (long t = 0; t <= 60_000; t += 12_000) {
            a.append(List.of(text("4912", "m" + t, T0 + t)));
        }
        assertThat(a.nextDeadline()).isEqualTo(T0 + 60_000);
    }

    @Test
    void aRedeliveryToTheOtherInstanceIsADuplicate() {
        Arrival m = text("4913", "once", T0);
        assertThat(a.append(List.of(m)).get(0).outcome()).isEqualTo(Appended.Outcome.ACCEPTED);
        Appended again = b.append(List.of(new Arrival(m.key(), m.message(), T0 + 5_000))).get(0);
        assertThat(again.outcome()).isEqualTo(Appended.Outcome.DUPLICATE);
        assertThat(again.dueAt()).isEqualTo(StateStore.NONE);
        assertThat(b.markSeen(m.message().id(), T0)).isFalse();
        assertThat(b.markSeen("wamid.stale", T0)).isTrue();
        assertThat(a.markSeen("wamid.stale", T0)).isFalse();

        List<Claim> claims = a.claimDue(T0 + 15_000, 10, "a", T0 + 15_000 + LEASE);
        assertThat(bodies(claims.get(0))).containsExactly("once");
        assertThat(a.stats(T0 + 15_000).ledgerSize()).isEqualTo(2);
    }

    @Test
    void theSameIdTwiceInOneDeliveryIsAcceptedOnce() {
        Arrival m = text("4914", "twice", T0);
        List<Appended> out = a.append(List.of(m, m));
        assertThat(out).extracting(Appended::outcome)
                .containsExactly(Appended.Outcome.ACCEPTED, Appended.Outcome.DUPLICATE);
        assertThat(a.stats(T0).pendingMessages()).isEqualTo(1);
    }

    @Test
    void aPersonKnownByWaIdAndLaterByBusinessScopedIdKeepsOneConversation() {
        Appended byPhone = a.append(List.of(from(new Sender("4915", null, null, "A", null), "one", T0))).get(0);
        Appended both = b.append(List.of(from(new Sender("4915", "DE.77", null, "A", null), "two", T0 + 1_000))).get(0);
        Appended byBsuid = a.append(List.of(from(new Sender(null, "DE.77", null, "A", null), "three", T0 + 2_000))).get(0);

        ConversationKey key = new ConversationKey(PHONE, "4915");
        assertThat(byPhone.key()).isEqualTo(key);
        assertThat(both.key()).isEqualTo(key);
        assertThat(byBsuid.key()).isEqualTo(key);
        assertThat(b.conversationOf(PHONE, "DE.77")).contains(key);
        assertThat(b.conversationOf(PHONE, "4915")).contains(key);
        assertThat(b.conversationOf(PHONE, "0000")).isEmpty();
        assertThat(bodies(a.claimDue(T0 + 17_000, 10, "a", T0 + LEASE).get(0))).containsExactly("one", "two", "three");
    }

    @Test
    void aFullBatchIsDueAtOnceAndTheRestWaitsForTheNextBurst() {
        List<Arrival> seven = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            seven.add(text("4916", "m" + i, T0 + i));
        }
        List<Appended> out = a.append(seven.subList(0, 4));
        assertThat(out.get(3).dueAt()).isEqualTo(T0 + 3 + 15_000);
        out = b.append(seven.subList(4, 7));
        assertThat(out.get(0).dueAt()).isEqualTo(T0 + 6); // five or more pending: due at the last arrival

        Claim claim = a.claimDue(T0 + 6, 10, "a", T0 + 6 + LEASE).get(0);
        assertThat(bodies(claim)).containsExactly("m0", "m1", "m2", "m3", "m4");
        assertThat(b.claimDue(T0 + 6, 10, "b", T0 + 6 + LEASE)).isEmpty(); // one burst per conversation in flight

        Appended meanwhile = b.append(List.of(text("4916", "m7", T0 + 1_000))).get(0);
        assertThat(meanwhile.dueAt()).isEqualTo(StateStore.NONE); // a burst is being answered
        long next = a.complete(claim, T0 + 2_000);
        assertThat(next).isEqualTo(T0 + 1_000 + 15_000);
        Claim rest = b.claimDue(next, 10, "b", next + LEASE).get(0);
        assertThat(bodies(rest)).containsExactly("m5", "m6", "m7");
        assertThat(b.complete(rest, next)).isEqualTo(StateStore.NONE);
        assertThat(a.nextDeadline()).isEqualTo(StateStore.NONE);
    }

    @Test
    void aBurstIsOrderedByTimestampThenArrival() {
        a.append(List.of(text("4917", "late", T0 + 5_000)));
        InboundMessage early = Inbound.text("4917", "early", Instant.ofEpochMilli(T0 - 60_000));
        b.append(List.of(new Arrival(ConversationKey.of(early), early, T0 + 6_000)));
        assertThat(bodies(a.claimDue(T0 + 21_000, 10, "a", T0 + LEASE).get(0))).containsExactly("early", "late");
    }

    @Test
    void concurrentClaimsFromTwoInstancesNeverClaimAConversationTwice() throws Exception {
        int conversations = 600;
        List<Arrival> arrivals = new ArrayList<>();
        for (int i = 0; i < conversations; i++) {
            arrivals.add(text("49" + (100_000 + i), "hi", T0 + i % 50));
            arrivals.add(text("49" + (100_000 + i), "again", T0 + i % 50));
        }
        for (int i = 0; i < arrivals.size(); i += 200) {
            a.append(arrivals.subList(i, i + 200));
        }
        long now = T0 + 60_000;
        Round first = claimConcurrently(now, conversations);
        assertThat(first.claims.get()).isEqualTo(conversations);
        assertThat(first.keys).hasSize(conversations);
        assertThat(first.messages.get()).isEqualTo(2 * conversations);
        assertThat(first.takeovers.get()).isZero();
        assertThat(a.stats(now).inFlight()).isEqualTo(conversations);

        // every lease runs out at once: 16 threads on two instances take each burst over exactly once
        long later = now + LEASE;
        Round second = claimConcurrently(later, conversations);
        assertThat(second.claims.get()).isEqualTo(conversations);
        assertThat(second.keys).hasSize(conversations);
        assertThat(second.messages.get()).isEqualTo(2 * conversations);
        assertThat(second.takeovers.get()).isEqualTo(conversations);
    }

    private static final class Round {
        final Set<ConversationKey> keys = ConcurrentHashMap.newKeySet();
        final AtomicInteger claims = new AtomicInteger();
        final AtomicInteger messages = new AtomicInteger();
        final AtomicInteger takeovers = new AtomicInteger();
    }

    /** 16 threads, half on each instance, claim in small batches until nothing is due at {@code now}. */
    private Round claimConcurrently(long now, int expected) throws Exception {
        Round round = new Round();
        ExecutorService threads = Executors.newFixedThreadPool(16);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < 16; t++) {
            StateStore store = t % 2 == 0 ? a : b;
            String owner = t % 2 == 0 ? "a" : "b";
            done.add(threads.submit(() -> {
                start.await();
                // bounded: a store that hands out a burst twice must not loop for ever
                for (int i = 0; i < expected; i++) {
                    List<Claim> got = store.claimDue(now, 7, owner, now + LEASE);
                    if (got.isEmpty() && store.nextDeadline() > now) {
                        return null;
                    }
                    for (Claim c : got) {
                        round.claims.incrementAndGet();
                        round.messages.addAndGet(c.batch().size());
                        round.takeovers.addAndGet(c.takeovers());
                        round.keys.add(c.batch().key());
                    }
                }
                return null;
            }));
        }
        start.countDown();
        for (Future<?> f : done) {
            f.get(60, TimeUnit.SECONDS);
        }
        threads.shutdown();
        return round;
    }

    @Test
    void anExpiredLeaseIsTakenOverWithTheBurstAndItsProgressAndTheOldClaimIsLost() {
        a.append(List.of(text("4918", "help", T0)));
        Claim mine = a.claimDue(T0 + 15_000, 10, "a", T0 + 15_000 + LEASE).get(0);
        BurstProgress prepared = new BurstProgress(BurstProgress.Stage.PREPARED, "user-1", "session-1", "res-1",
                null, null, -1, -1);
        a.saveProgress(mine, prepared);
        b.append(List.of(text("4918", "meanwhile", T0 + 16_000)));

        assertThat(b.claimDue(T0 + 15_000 + LEASE - 1, 10, "b", T0 + 100_000)).isEmpty();
        assertThat(b.nextDeadline()).isEqualTo(T0 + 15_000 + LEASE);
        Claim taken = b.claimDue(T0 + 15_000 + LEASE, 10, "b", T0 + 200_000).get(0);

        assertThat(taken.id()).isNotEqualTo(mine.id());
        assertThat(taken.takeovers()).isEqualTo(1);
        assertThat(taken.owner()).isEqualTo("b");
        assertThat(taken.progress()).isEqualTo(prepared);
        assertThat(bodies(taken)).containsExactly("help"); // past NEW: exactly its messages
        assertThat(taken.batch().deadline()).isEqualTo(mine.batch().deadline());
        assertThatThrownBy(() -> a.saveProgress(mine, prepared.at(BurstProgress.Stage.REPLY_STORED)))
                .isInstanceOf(ClaimLostException.class);
        assertThatThrownBy(() -> a.saveReply(mine, prepared, List.of("x"), T0 + 86_400_000))
                .isInstanceOf(ClaimLostException.class);
        assertThatThrownBy(() -> a.complete(mine, T0 + 50_000)).isInstanceOf(ClaimLostException.class);
        assertThat(a.renew(List.of(mine), T0 + 90_000)).containsExactly(mine);
        assertThat(b.renew(List.of(taken), T0 + 300_000)).isEmpty();

        assertThat(b.complete(taken, T0 + 50_000)).isEqualTo(T0 + 16_000 + 15_000);
        assertThat(bodies(a.claimDue(T0 + 50_000, 10, "a", T0 + 80_000).get(0))).containsExactly("meanwhile");
    }

    @Test
    void aRenewedLeaseIsNotTakenOver() {
        a.append(List.of(text("4919", "x", T0)));
        Claim mine = a.claimDue(T0 + 15_000, 10, "a", T0 + 45_000).get(0);
        assertThat(a.renew(List.of(mine), T0 + 75_000)).isEmpty();
        assertThat(b.claimDue(T0 + 60_000, 10, "b", T0 + 90_000)).isEmpty();
        a.complete(mine, T0 + 60_000);
    }

    @Test
    void theOutboxKeepsPartsAcrossATakeoverAndNeverHandsOutASentPartAgain() {
        a.append(List.of(text("4920", "question", T0)));
        Claim mine = a.claimDue(T0 + 15_000, 10, "a", T0 + 45_000).get(0);
        BurstProgress progress = new BurstProgress(BurstProgress.Stage.PREPARED, "u", "s", "r", "ai", "m", 10, 20);
        long expires = T0 + 86_400_000;
        List<OutboxPart> parts = a.saveReply(mine, progress, List.of("part one", "part two"), expires);
        assertThat(parts).extracting(OutboxPart::text).containsExactly("part one", "part two");
        assertThat(parts).allSatisfy(p -> {
            assertThat(p.id().length()).isLessThanOrEqualTo(512);
            assertThat(p.state()).isEqualTo(OutboxPart.State.PENDING);
            assertThat(p.expiresAt()).isEqualTo(expires);
            assertThat(p.key()).isEqualTo(mine.batch().key());
        });
        assertThat(a.saveReply(mine, progress, List.of("other"), expires)).isEqualTo(parts); // idempotent
        a.markSent(parts.get(0).id(), "wamid.OUT1", T0 + 46_000);
        a.markAttempt(parts.get(1).id(), T0 + 50_000, "timeout", true);

        Claim taken = b.claimDue(T0 + 45_000, 10, "b", T0 + 90_000).get(0);
        assertThat(taken.progress().stage()).isEqualTo(BurstProgress.Stage.REPLY_STORED);
        assertThat(taken.progress().promptTokens()).isEqualTo(10);
        List<OutboxPart> left = b.outbox(taken);
        assertThat(left.get(0).state()).isEqualTo(OutboxPart.State.SENT);
        assertThat(left.get(0).wamid()).isEqualTo("wamid.OUT1");
        assertThat(left.get(0).open()).isFalse();
        assertThat(left.get(1).state()).isEqualTo(OutboxPart.State.AMBIGUOUS);
        assertThat(left.get(1).attempts()).isEqualTo(1);
        assertThat(left.get(1).retryAt()).isEqualTo(T0 + 50_000);
        b.markAttempt(parts.get(1).id(), T0 + 60_000, "503", false);
        assertThat(b.outbox(taken).get(1).state()).isEqualTo(OutboxPart.State.AMBIGUOUS); // stays ambiguous

        // the status webhook of the ambiguous send confirms it; it is never sent again
        assertThat(a.confirmByCallback(parts.get(1).id(), "wamid.OUT2", T0 + 61_000)).isTrue();
        assertThat(a.confirmByCallback(parts.get(1).id(), "wamid.OUT2", T0 + 61_000)).isFalse();
        assertThat(a.confirmByCallback("not-ours", "wamid.X", T0)).isFalse();
        assertThat(b.outbox(taken)).noneMatch(OutboxPart::open);
        assertThat(b.outbox(taken).get(1).wamid()).isEqualTo("wamid.OUT2");
        assertThat(b.stats(T0 + 61_000).outboxDepth()).isZero();
        b.complete(taken, T0 + 62_000);
    }

    @Test
    void abandonedPartsAreClosed() {
        a.append(List.of(text("4921", "q", T0)));
        Claim mine = a.claimDue(T0 + 15_000, 10, "a", T0 + 45_000).get(0);
        OutboxPart part = a.saveReply(mine, BurstProgress.start(), List.of("answer"), T0 + 20_000).get(0);
        assertThat(a.stats(T0).outboxDepth()).isEqualTo(1);
        a.markAbandoned(part.id(), "expired", T0 + 20_000);
        a.markSent(part.id(), "wamid.LATE", T0 + 20_001); // Meta accepted it after all: recorded
        assertThat(a.outbox(mine).get(0).state()).isEqualTo(OutboxPart.State.SENT);
        assertThat(a.stats(T0).outboxDepth()).isZero();
    }

    @Test
    void aReleasedClaimIsClaimedAgainNotBeforeItsTimeWithItsProgress() {
        a.append(List.of(text("4922", "q", T0)));
        Claim mine = a.claimDue(T0 + 15_000, 10, "a", T0 + 45_000).get(0);
        a.saveProgress(mine, BurstProgress.start().at(BurstProgress.Stage.PREPARED));
        assertThat(a.release(mine, T0 + 20_000)).isEqualTo(T0 + 20_000);
        assertThat(b.claimDue(T0 + 19_999, 10, "b", T0 + 50_000)).isEmpty();
        Claim again = b.claimDue(T0 + 20_000, 10, "b", T0 + 50_000).get(0);
        assertThat(again.takeovers()).isEqualTo(1);
        assertThat(again.progress().stage()).isEqualTo(BurstProgress.Stage.PREPARED);
        assertThatThrownBy(() -> a.complete(mine, T0 + 21_000)).isInstanceOf(ClaimLostException.class);
        b.complete(again, T0 + 21_000);
    }

    @Test
    void releaseAllGivesBackOneInstancesClaimsForTheOtherToTakeAtOnce() {
        for (int i = 0; i < 4; i++) {
            a.append(List.of(text("4923" + i, "q", T0)));
        }
        List<Claim> mine = a.claimDue(T0 + 15_000, 3, "a", T0 + 45_000);
        List<Claim> theirs = b.claimDue(T0 + 15_000, 3, "b", T0 + 45_000);
        assertThat(mine).hasSize(3);
        assertThat(theirs).hasSize(1);
        assertThat(a.releaseAll("a", T0 + 16_000)).isEqualTo(3);
        assertThat(b.nextDeadline()).isEqualTo(T0 + 16_000);
        List<Claim> taken = b.claimDue(T0 + 16_000, 10, "b", T0 + 46_000);
        assertThat(taken).hasSize(3).allSatisfy(c -> assertThat(c.takeovers()).isEqualTo(1));
        assertThat(a.stats(T0 + 16_000).inFlight()).isEqualTo(4);
    }

    @Test
    void claimAllTakesWhatIsPendingDueOrNot() {
        a.append(List.of(text("4924", "early", T0)));
        List<Claim> all = b.claimAll(T0 + 1_000, 10, "b", T0 + 31_000);
        assertThat(all).hasSize(1);
        assertThat(all.get(0).batch().deadline()).isEqualTo(Instant.ofEpochMilli(T0 + 1_000));
    }

    @Test
    void deferredChatLogEntriesAreKeptOncePerKeyOldestFirst() {
        ChatLogEntry one = entry("k1", "4925");
        ChatLogEntry two = entry("k2", "4925");
        a.deferLogs(List.of(one, two), T0);
        b.deferLogs(List.of(one), T0 + 1);
        assertThat(b.deferredLogs(10)).containsExactly(one, two);
        assertThat(b.deferredLogs(1)).containsExactly(one);
        assertThat(a.stats(T0).deferredLogs()).isEqualTo(2);
        b.removeDeferredLogs(List.of("k1"));
        assertThat(a.deferredLogs(10)).containsExactly(two);
    }

    static ChatLogEntry entry(String key, String waId) {
        return new ChatLogEntry(key, "s", "u", null, PHONE, waId, null, ChatLogEntry.Direction.INBOUND, "wamid." + key,
                List.of(), "text", "hello", Instant.ofEpochMilli(T0), Instant.ofEpochMilli(T0), null, null, null, null,
                null);
    }

    @Test
    void purgeDropsOldLedgerIdsFinishedPartsAndIdleConversationsButNothingOwed() {
        long day = 86_400_000L;
        a.append(List.of(text("4926", "answered", T0)));
        Claim claim = a.claimDue(T0 + 15_000, 10, "a", T0 + 45_000).get(0);
        OutboxPart part = a.saveReply(claim, BurstProgress.start(), List.of("reply"), T0 + day).get(0);
        a.markSent(part.id(), "wamid.S", T0 + 16_000);
        a.complete(claim, T0 + 16_000);
        a.append(List.of(text("4927", "still pending", T0 + 30 * day)));

        assertThat(a.purge(T0 + day)).isZero();
        long purged = a.purge(T0 + 31 * day + 1);
        // the answered message's ledger id, the sent part, the idle conversation and its key link
        assertThat(purged).isEqualTo(4);
        StoreStats stats = a.stats(T0 + 31 * day);
        assertThat(stats.ledgerSize()).isEqualTo(1);
        assertThat(stats.pendingMessages()).isEqualTo(1);
        assertThat(a.conversationOf(PHONE, "4926")).isEmpty();
        assertThat(a.conversationOf(PHONE, "4927")).isPresent();
    }

    @Test
    void eraseRemovesEverythingAboutOnePersonAndNothingElse() {
        Sender person = new Sender("4928", "DE.28", null, "A", null);
        a.append(List.of(from(person, "mine", T0), text("4929", "someone else", T0)));
        Claim claim = a.claimAll(T0, 10, "a", T0 + 30_000).stream()
                .filter(c -> c.batch().key().userKey().equals("DE.28")).findFirst().orElseThrow();
        a.saveReply(claim, BurstProgress.start(), List.of("reply"), T0 + 100_000);
        a.append(List.of(from(new Sender(null, "DE.28", null, "A", null), "more", T0 + 1)));
        a.deferLogs(List.of(entry("e1", "4928"), entry("e2", "4929")), T0);

        long erased = b.erase(PHONE, "4928");
        // 2 messages, 1 part, 2 ledger ids, 1 conversation, 1 deferred entry, 2 key links
        assertThat(erased).isEqualTo(9);
        assertThat(b.conversationOf(PHONE, "DE.28")).isEmpty();
        assertThat(b.deferredLogs(10)).extracting(ChatLogEntry::idempotencyKey).containsExactly("e2");
        assertThatThrownBy(() -> a.complete(claim, T0 + 2)).isInstanceOf(ClaimLostException.class);
        StoreStats stats = b.stats(T0);
        assertThat(stats.inFlight()).isEqualTo(1); // someone else's burst
        assertThat(stats.ledgerSize()).isEqualTo(1);
        assertThat(stats.outboxDepth()).isZero();
    }

    @Test
    void statsCountWhatIsOwed() {
        a.append(List.of(text("4930", "a", T0), text("4930", "b", T0 + 1_000), text("4931", "c", T0 + 2_000)));
        StoreStats stats = a.stats(T0 + 10_000);
        assertThat(stats).isEqualTo(new StoreStats(2, 3, 0, 0, 0, 10_000, 0, 3));
        a.claimDue(T0 + 16_000, 1, "a", T0 + 20_000);
        stats = a.stats(T0 + 21_000);
        assertThat(stats.pendingConversations()).isEqualTo(1);
        assertThat(stats.pendingMessages()).isEqualTo(1);
        assertThat(stats.expiredClaims()).isEqualTo(1);
        assertThat(stats.inFlight()).isZero();
        assertThat(stats.oldestPendingAgeMillis()).isEqualTo(21_000);
    }

    @Test
    void concurrentAppendsFromManyThreadsAreEachCommittedOnceAndCounted() throws Exception {
        int threads = 32;
        int perThread = 40;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<List<Appended>>> results = new ArrayList<>();
        List<Arrival> shared = Collections.synchronizedList(new ArrayList<>());
        for (int i = 0; i < perThread; i++) {
            shared.add(text("4940" + (i % 8), "shared " + i, T0 + i)); // every thread delivers these too
        }
        for (int t = 0; t < threads; t++) {
            int thread = t;
            StateStore store = t % 2 == 0 ? a : b;
            results.add(pool.submit(() -> {
                start.await();
                List<Appended> out = new ArrayList<>();
                for (int i = 0; i < perThread; i++) {
                    out.addAll(store.append(List.of(text("4941" + (i % 8), "t" + thread + " m" + i, T0 + i),
                            shared.get(i))));
                }
                return out;
            }));
        }
        start.countDown();
        int accepted = 0;
        for (Future<List<Appended>> f : results) {
            for (Appended ap : f.get(60, TimeUnit.SECONDS)) {
                accepted += ap.accepted() ? 1 : 0;
            }
        }
        pool.shutdown();
        assertThat(accepted).isEqualTo(threads * perThread + perThread);
        StoreStats stats = a.stats(T0 + 100);
        assertThat(stats.pendingMessages()).isEqualTo(threads * perThread + perThread);
        assertThat(stats.pendingConversations()).isEqualTo(16);
        // every conversation's counter agrees with its messages: the full batches are due at once
        Set<ConversationKey> keys = new HashSet<>();
        int messages = 0;
        List<Claim> claims;
        while (!(claims = a.claimAll(T0 + 100, 100, "a", T0 + 100_000)).isEmpty()) {
            for (Claim c : claims) {
                keys.add(c.batch().key());
                messages += c.batch().size();
                a.complete(c, T0 + 100);
            }
        }
        assertThat(keys).hasSize(16);
        assertThat(messages).isEqualTo(threads * perThread + perThread);
    }
}
