package io.github.whatsappai.store;

import io.github.whatsappai.event.Event;
import io.github.whatsappai.event.EventListener;
import io.github.whatsappai.internal.SeenIds;
import io.github.whatsappai.internal.SettingsCheck;
import io.github.whatsappai.spi.ChatLogEntry;
import io.github.whatsappai.webhook.model.ConversationKey;
import io.github.whatsappai.webhook.model.InboundMessage;
import io.github.whatsappai.webhook.model.Sender;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The default {@link StateStore}: one process's state in memory. Nothing survives the process, so
 * the engine answers what is buffered when it closes; within the process every rule of the SPI holds,
 * including leases (a worker that stops renewing loses its burst to another worker).
 *
 * <p>The request thread's {@link #append} stays cheap: the ledger is a lock-free map with an
 * insertion-ordered queue (see {@code SeenIds}); a pending conversation costs one small slot holding
 * its message references, first and last arrival and the burst being answered; deadlines (due times
 * and lease ends) live in one binary heap of primitive times shared by every conversation, re-checked
 * lazily: a new message only moves the slot's deadline later, and when the heap's entry falls due the
 * slot is claimed, taken over or re-queued at its real deadline. So an append is two map lookups, a
 * few field writes under the slot's monitor and at most one heap insertion, with no thread or timer
 * task per conversation.
 *
 * <p>Memory is bounded where the SPI allows: the ledger and the key links keep at most their capacity
 * (the oldest go first), the outbox holds at most its capacity of parts (a reply that does not fit is
 * refused with {@link StoreUnavailableException}, so the burst waits and is retried, and an
 * {@link Event.StoreOverflow} reports it), and deferred chat-log entries beyond their capacity are
 * dropped oldest first ({@link Event.ChatLogDropped}). Pending messages are bounded by the ingress's
 * rate limit.
 *
 * <p>Thread-safe: slots are guarded by their own monitor, the heap by one lock taken after a slot's
 * (never the other way round); the key links by one lock taken only when a sender shows a new id.
 */
public final class InMemoryStateStore implements StateStore {

    private static final Logger LOG = LoggerFactory.getLogger(InMemoryStateStore.class);
    private static final Comparator<InboundMessage> BY_TIMESTAMP =
            Comparator.comparing(InboundMessage::timestamp, Comparator.nullsLast(Comparator.naturalOrder()));
    /** Heap entries taken per lock acquisition when claiming. */
    private static final int POLL_CHUNK = 256;

    private final BufferPolicy policy;
    private final long windowMillis;
    private final long maxWaitMillis;
    private final int maxBatchSize;
    private final Duration ledgerRetention;
    private final int linkCapacity;
    private final int outboxCapacity;
    private final int deferredLogCapacity;
    private final EventListener listener;

    private final SeenIds<ConversationKey> ledger;
    private final ConcurrentHashMap<ConversationKey, Slot> slots = new ConcurrentHashMap<>();
    private final DeadlineHeap heap = new DeadlineHeap();
    private final ConcurrentHashMap<String, Part> parts = new ConcurrentHashMap<>();
    private final AtomicInteger partCount = new AtomicInteger();

    private final ConcurrentHashMap<ConversationKey, Link> links = new ConcurrentHashMap<>();
    /** Keys in {@link #links}, oldest first; guarded by itself. */
    private final ArrayDeque<ConversationKey> linkOrder = new ArrayDeque<>();

    /** Guarded by itself; insertion order is age order. */
    private final LinkedHashMap<String, ChatLogEntry> deferred = new LinkedHashMap<>();
    /** The daily media allowance of this process's users. */
    private final MediaAllowance mediaAllowance = MediaAllowance.inMemory();
    /**
     * Claim and part ids: this store's random prefix and a counter. Unique within the store, and
     * across restarts (a part id is the callback data a late status webhook echoes) by the prefix;
     * cheaper than a random UUID per claim, which took a lock on the shared secure random.
     */
    private final String idPrefix = Long.toUnsignedString(new java.security.SecureRandom().nextLong(), 36) + "-";
    private final java.util.concurrent.atomic.AtomicLong idCounter = new java.util.concurrent.atomic.AtomicLong();

    private InMemoryStateStore(Builder b) {
        this.policy = b.policy;
        this.windowMillis = policy.window().toMillis();
        this.maxWaitMillis = policy.maxWait().toMillis();
        this.maxBatchSize = policy.maxBatchSize();
        this.ledgerRetention = b.ledgerRetention;
        this.linkCapacity = b.ledgerCapacity;
        this.outboxCapacity = b.outboxCapacity;
        this.deferredLogCapacity = b.deferredLogCapacity;
        this.listener = b.listener;
        this.ledger = new SeenIds<>(b.ledgerCapacity, ledgerRetention.toMillis());
    }

    /** A store with the default settings and {@code policy}. */
    public InMemoryStateStore(BufferPolicy policy) {
        this(builder().policy(policy));
    }

    /** A builder; every setting has a default. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public BufferPolicy policy() {
        return policy;
    }

    @Override
    public Duration ledgerRetention() {
        return ledgerRetention;
    }

    /** {@code false}: the state lives and dies with this process. */
    @Override
    public boolean isDurable() {
        return false;
    }

    // ---- the request thread -------------------------------------------------------------------

    @Override
    public List<Appended> append(List<Arrival> arrivals) {
        if (arrivals.size() == 1) {
            return List.of(append(arrivals.get(0)));
        }
        List<Appended> out = new ArrayList<>(arrivals.size());
        for (Arrival arrival : arrivals) {
            out.add(append(arrival));
        }
        return out;
    }

    private Appended append(Arrival arrival) {
        InboundMessage message = arrival.message();
        ConversationKey key = canonical(arrival.key(), message.sender());
        long at = arrival.arrivedAt();
        if (!ledger.firstSighting(message.id(), at, key)) {
            return new Appended(Appended.Outcome.DUPLICATE, key, NONE);
        }
        while (true) {
            Slot slot = slots.get(key);
            if (slot == null) {
                slot = slots.computeIfAbsent(key, Slot::new);
            }
            synchronized (slot) {
                if (slot.removed) {
                    continue;
                }
                slot.add(message, at);
                if (slot.burst != null) {
                    return new Appended(Appended.Outcome.ACCEPTED, key, NONE);
                }
                long deadline = deadline(slot);
                enqueueIfEarlier(slot, deadline);
                return new Appended(Appended.Outcome.ACCEPTED, key, deadline);
            }
        }
    }

    @Override
    public boolean markSeen(String messageId, long at) {
        return ledger.firstSighting(Objects.requireNonNull(messageId, "messageId"), at, null);
    }

    // ---- claims -------------------------------------------------------------------------------

    @Override
    public List<Claim> claimDue(long now, int max, String owner, long leaseUntil) {
        Objects.requireNonNull(owner, "owner");
        List<Claim> out = new ArrayList<>();
        int chunk = Math.max(1, Math.min(POLL_CHUNK, max));
        long[] dues = new long[chunk];
        Slot[] polled = new Slot[chunk];
        while (out.size() < max) {
            int n = heap.pollDue(now, Math.min(chunk, max - out.size()), dues, polled);
            if (n == 0) {
                break;
            }
            for (int i = 0; i < n; i++) {
                Slot slot = polled[i];
                polled[i] = null;
                synchronized (slot) {
                    if (slot.removed || slot.queuedDeadline != dues[i]) {
                        continue;
                    }
                    slot.queuedDeadline = NONE;
                    long real = realDeadline(slot);
                    if (real == NONE) {
                        continue;
                    }
                    if (real > now) {
                        enqueueIfEarlier(slot, real);
                        continue;
                    }
                    out.add(slot.burst != null ? takeOver(slot, owner, leaseUntil) : claimNew(slot, real, owner,
                            leaseUntil));
                }
            }
        }
        return out;
    }

    @Override
    public List<Claim> claimAll(long now, int max, String owner, long leaseUntil) {
        Objects.requireNonNull(owner, "owner");
        List<Claim> out = new ArrayList<>();
        for (Slot slot : slots.values()) {
            if (out.size() >= max) {
                break;
            }
            synchronized (slot) {
                if (slot.removed) {
                    continue;
                }
                if (slot.burst != null) {
                    if (slot.burst.claimId == null || slot.burst.leaseUntil <= now) {
                        out.add(takeOver(slot, owner, leaseUntil));
                    }
                } else if (slot.count > 0) {
                    out.add(claimNew(slot, Math.min(deadline(slot), now), owner, leaseUntil));
                }
            }
        }
        return out;
    }

    @Override
    public Collection<Claim> renew(Collection<Claim> claims, long leaseUntil) {
        List<Claim> lost = new ArrayList<>();
        for (Claim claim : claims) {
            Slot slot = slots.get(claim.batch().key());
            if (slot == null) {
                lost.add(claim);
                continue;
            }
            synchronized (slot) {
                if (!holds(slot, claim)) {
                    lost.add(claim);
                } else if (leaseUntil > slot.burst.leaseUntil) {
                    // the heap keeps the earlier entry; when it falls due the slot is re-queued here
                    slot.burst.leaseUntil = leaseUntil;
                }
            }
        }
        return lost;
    }

    @Override
    public void saveProgress(Claim claim, BurstProgress progress) {
        Objects.requireNonNull(progress, "progress");
        Slot slot = heldSlot(claim);
        synchronized (slot) {
            checkHeld(slot, claim);
            slot.burst.progress = progress;
        }
    }

    @Override
    public List<OutboxPart> saveReply(Claim claim, BurstProgress progress, List<String> partTexts, long expiresAt) {
        Objects.requireNonNull(progress, "progress");
        if (partTexts.isEmpty()) {
            throw new IllegalArgumentException("a reply has at least one part");
        }
        Slot slot = heldSlot(claim);
        synchronized (slot) {
            checkHeld(slot, claim);
            Burst burst = slot.burst;
            if (burst.parts == null) {
                int n = partTexts.size();
                if (partCount.addAndGet(n) > outboxCapacity) {
                    partCount.addAndGet(-n);
                    emit(new Event.StoreOverflow("outbox", outboxCapacity,
                            "a reply waits until parts already stored are sent; raise the outbox capacity "
                                    + "if sends keep up but bursts are many"));
                    throw new StoreUnavailableException("the in-memory outbox is full (" + outboxCapacity
                            + " parts); the burst is retried", null);
                }
                List<Part> stored = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    Part part = new Part(nextId(), slot, i,
                            Objects.requireNonNull(partTexts.get(i), "part text"), expiresAt);
                    stored.add(part);
                    parts.put(part.id, part);
                }
                burst.parts = stored;
                burst.progress = progress.stage().compareTo(BurstProgress.Stage.REPLY_STORED) < 0
                        ? progress.at(BurstProgress.Stage.REPLY_STORED) : progress;
            }
            return snapshot(slot, burst.parts);
        }
    }

    @Override
    public List<OutboxPart> outbox(Claim claim) {
        Slot slot = heldSlot(claim);
        synchronized (slot) {
            checkHeld(slot, claim);
            return slot.burst.parts == null ? List.of() : snapshot(slot, slot.burst.parts);
        }
    }

    @Override
    public void markSent(String partId, String wamid, long at) {
        Part part = parts.get(partId);
        if (part == null) {
            return;
        }
        synchronized (part.slot) {
            if (part.state != OutboxPart.State.SENT) {
                part.state = OutboxPart.State.SENT;
                part.wamid = wamid;
            }
        }
    }

    @Override
    public void markAttempt(String partId, long retryAt, String error, boolean ambiguous) {
        Part part = parts.get(partId);
        if (part == null) {
            return;
        }
        synchronized (part.slot) {
            if (part.open()) {
                part.attempts++;
                part.retryAt = retryAt;
                if (ambiguous) {
                    part.state = OutboxPart.State.AMBIGUOUS;
                }
            }
        }
    }

    @Override
    public void markAbandoned(String partId, String reason, long at) {
        Part part = parts.get(partId);
        if (part == null) {
            return;
        }
        synchronized (part.slot) {
            if (part.open()) {
                part.state = OutboxPart.State.ABANDONED;
            }
        }
    }

    @Override
    public boolean confirmByCallback(String callbackData, String wamid, long at) {
        if (callbackData == null) {
            return false;
        }
        Part part = parts.get(callbackData);
        if (part == null) {
            return false;
        }
        synchronized (part.slot) {
            if (!part.open()) {
                return false;
            }
            part.state = OutboxPart.State.SENT;
            part.wamid = wamid;
            return true;
        }
    }

    @Override
    public long complete(Claim claim, long now) {
        Slot slot = heldSlot(claim);
        synchronized (slot) {
            checkHeld(slot, claim);
            dropParts(slot.burst);
            slot.burst = null;
            return afterRelease(slot);
        }
    }

    @Override
    public long release(Claim claim, long notBefore) {
        Slot slot = slots.get(claim.batch().key());
        if (slot == null) {
            return NONE;
        }
        synchronized (slot) {
            if (!holds(slot, claim)) {
                return NONE;
            }
            releaseHeld(slot, notBefore);
            return notBefore;
        }
    }

    @Override
    public int releaseAll(String owner, long now) {
        int released = 0;
        for (Slot slot : slots.values()) {
            synchronized (slot) {
                if (!slot.removed && slot.burst != null && slot.burst.claimId != null
                        && owner.equals(slot.burst.owner)) {
                    releaseHeld(slot, now);
                    released++;
                }
            }
        }
        return released;
    }

    @Override
    public long nextDeadline() {
        return heap.peekDeadline();
    }

    // ---- deferred chat-log entries ------------------------------------------------------------

    @Override
    public void deferLogs(List<ChatLogEntry> entries, long at) {
        int dropped = 0;
        synchronized (deferred) {
            for (ChatLogEntry entry : entries) {
                deferred.putIfAbsent(entry.idempotencyKey(), entry);
            }
            Iterator<String> oldest = deferred.keySet().iterator();
            while (deferred.size() > deferredLogCapacity && oldest.hasNext()) {
                oldest.next();
                oldest.remove();
                dropped++;
            }
        }
        if (dropped > 0) {
            emit(new Event.ChatLogDropped(dropped, "more chat-log entries wait for the logger than the store keeps ("
                    + deferredLogCapacity + "); the oldest were dropped"));
        }
    }

    @Override
    public List<ChatLogEntry> deferredLogs(int max) {
        synchronized (deferred) {
            List<ChatLogEntry> out = new ArrayList<>(Math.min(max, deferred.size()));
            for (ChatLogEntry entry : deferred.values()) {
                if (out.size() >= max) {
                    break;
                }
                out.add(entry);
            }
            return out;
        }
    }

    @Override
    public void removeDeferredLogs(Collection<String> idempotencyKeys) {
        synchronized (deferred) {
            for (String key : idempotencyKeys) {
                deferred.remove(key);
            }
        }
    }

    // ---- operations ---------------------------------------------------------------------------

    /** Forgets ledger ids older than the retention (finished bursts and their parts go when completed). */
    @Override
    public long purge(long now) {
        return ledger.expire(now);
    }

    @Override
    public long erase(String phoneNumberId, String waIdOrUserId) {
        ConversationKey asked = new ConversationKey(phoneNumberId, waIdOrUserId);
        ConversationKey canonical = conversationOf(phoneNumberId, waIdOrUserId).orElse(asked);
        long deleted = 0;
        Slot slot = slots.get(canonical);
        if (slot != null) {
            synchronized (slot) {
                if (!slot.removed) {
                    deleted += slot.count;
                    slot.drain();
                    if (slot.burst != null) {
                        deleted += slot.burst.batch.size() + dropParts(slot.burst);
                        slot.burst = null;
                    }
                    slot.removed = true;
                    slots.remove(canonical, slot);
                }
            }
        }
        List<String> ids = new ArrayList<>(List.of(waIdOrUserId));
        synchronized (linkOrder) {
            Link link = links.get(asked);
            if (link != null) {
                if (link.waId != null) {
                    ids.add(link.waId);
                }
                if (link.userId != null) {
                    ids.add(link.userId);
                }
            }
            for (Iterator<ConversationKey> it = linkOrder.iterator(); it.hasNext(); ) {
                ConversationKey k = it.next();
                Link l = links.get(k);
                if (l != null && l.canonical.equals(canonical) && links.remove(k, l)) {
                    it.remove();
                    deleted++;
                }
            }
        }
        deleted += ledger.forgetAll(canonical);
        synchronized (deferred) {
            for (Iterator<ChatLogEntry> it = deferred.values().iterator(); it.hasNext(); ) {
                ChatLogEntry e = it.next();
                if (phoneNumberId.equals(e.phoneNumberId()) && (ids.contains(e.waId()) || ids.contains(e.bsuid()))) {
                    it.remove();
                    deleted++;
                }
            }
        }
        return deleted;
    }

    @Override
    public StoreStats stats(long now) {
        long pendingConversations = 0;
        long pendingMessages = 0;
        long inFlight = 0;
        long expired = 0;
        long outboxDepth = 0;
        long oldest = NONE;
        for (Slot slot : slots.values()) {
            synchronized (slot) {
                if (slot.removed) {
                    continue;
                }
                pendingMessages += slot.count;
                if (slot.count > 0) {
                    oldest = Math.min(oldest, slot.first);
                }
                Burst burst = slot.burst;
                if (burst == null) {
                    if (slot.count > 0) {
                        pendingConversations++;
                    }
                    continue;
                }
                if (burst.claimId != null && burst.leaseUntil > now) {
                    inFlight++;
                } else {
                    expired++;
                }
                if (burst.parts != null) {
                    for (Part p : burst.parts) {
                        if (p.open()) {
                            outboxDepth++;
                        }
                    }
                }
            }
        }
        long deferredCount;
        synchronized (deferred) {
            deferredCount = deferred.size();
        }
        return new StoreStats(pendingConversations, pendingMessages, inFlight, expired, outboxDepth,
                oldest == NONE ? 0 : Math.max(0, now - oldest), deferredCount, ledger.size());
    }

    /** This store's count, in memory: per process, like everything else here. */
    @Override
    public MediaAllowance mediaAllowance() {
        return mediaAllowance;
    }

    @Override
    public Optional<ConversationKey> conversationOf(String phoneNumberId, String waIdOrUserId) {
        ConversationKey asked = new ConversationKey(phoneNumberId, waIdOrUserId);
        Link link = links.get(asked);
        if (link != null) {
            return Optional.of(link.canonical);
        }
        return slots.containsKey(asked) ? Optional.of(asked) : Optional.empty();
    }

    /** Nothing runs in the background: a no-op. */
    @Override
    public void close() {
    }

    // ---- internals ----------------------------------------------------------------------------

    /** The canonical key of a sender: the key its first message was buffered under. */
    private ConversationKey canonical(ConversationKey hint, Sender sender) {
        Link link = links.get(hint);
        if (link != null && link.covers(sender)) {
            return link.canonical;
        }
        return link(hint, sender);
    }

    /** Records the ids of {@code sender}: a new id of a known person joins their canonical key. */
    private ConversationKey link(ConversationKey hint, Sender sender) {
        String pn = hint.phoneNumberId();
        synchronized (linkOrder) {
            Link byUser = sender.userId() == null ? null : links.get(new ConversationKey(pn, sender.userId()));
            Link byWa = sender.waId() == null ? null : links.get(new ConversationKey(pn, sender.waId()));
            Link known = byUser != null ? byUser : byWa;
            ConversationKey canonical = known != null ? known.canonical : hint;
            String waId = sender.waId() != null ? sender.waId() : known != null ? known.waId : null;
            String userId = sender.userId() != null ? sender.userId() : known != null ? known.userId : null;
            Link merged = new Link(canonical, waId, userId);
            if (waId != null) {
                putLink(new ConversationKey(pn, waId), merged);
            }
            if (userId != null) {
                putLink(new ConversationKey(pn, userId), merged);
            }
            if (waId == null && userId == null) {
                putLink(hint, merged);
            }
            return canonical;
        }
    }

    /** Called holding {@link #linkOrder}. */
    private void putLink(ConversationKey key, Link link) {
        if (links.put(key, link) == null) {
            linkOrder.addLast(key);
            while (linkOrder.size() > linkCapacity) {
                links.remove(linkOrder.pollFirst());
            }
        }
    }

    private Slot heldSlot(Claim claim) {
        Slot slot = slots.get(claim.batch().key());
        if (slot == null) {
            throw new ClaimLostException(claim.id());
        }
        return slot;
    }

    /** Called holding the slot's monitor. */
    private static boolean holds(Slot slot, Claim claim) {
        return !slot.removed && slot.burst != null && claim.id().equals(slot.burst.claimId);
    }

    /** Called holding the slot's monitor. */
    private static void checkHeld(Slot slot, Claim claim) {
        if (!holds(slot, claim)) {
            throw new ClaimLostException(claim.id());
        }
    }

    /** Called holding the slot's monitor: the burst waits, keeping its progress, for a claim from {@code notBefore}. */
    private void releaseHeld(Slot slot, long notBefore) {
        slot.burst.claimId = null;
        slot.burst.owner = null;
        slot.burst.leaseUntil = notBefore;
        enqueueIfEarlier(slot, notBefore);
    }

    /** Called holding the slot's monitor; returns how many parts were dropped. */
    private int dropParts(Burst burst) {
        if (burst.parts == null) {
            return 0;
        }
        for (Part part : burst.parts) {
            parts.remove(part.id, part);
        }
        partCount.addAndGet(-burst.parts.size());
        return burst.parts.size();
    }

    /** Called holding the slot's monitor once its burst is done. */
    private long afterRelease(Slot slot) {
        if (slot.count == 0) {
            slot.removed = true;
            slots.remove(slot.key, slot);
            return NONE;
        }
        long deadline = deadline(slot);
        enqueueIfEarlier(slot, deadline);
        return deadline;
    }

    /** Called holding the slot's monitor: when the slot needs attention (its burst's lease or its due time). */
    private long realDeadline(Slot slot) {
        if (slot.burst != null) {
            return slot.burst.leaseUntil;
        }
        return slot.count == 0 ? NONE : deadline(slot);
    }

    /** Called holding the slot's monitor. */
    private long deadline(Slot slot) {
        return slot.count >= maxBatchSize ? slot.last
                : Math.min(slot.last + windowMillis, slot.first + maxWaitMillis);
    }

    /** Called holding the slot's monitor: queues the slot at {@code deadline} unless it is queued earlier. */
    private void enqueueIfEarlier(Slot slot, long deadline) {
        if (deadline < slot.queuedDeadline) {
            slot.queuedDeadline = deadline;
            heap.add(deadline, slot);
        }
    }

    /** Called holding the slot's monitor: takes up to a batch of pending messages as a new burst. */
    private Claim claimNew(Slot slot, long deadline, String owner, long leaseUntil) {
        long first = slot.first;
        List<InboundMessage> taken = take(slot, List.of());
        Batch batch = new Batch(slot.key, taken, Instant.ofEpochMilli(first), Instant.ofEpochMilli(deadline));
        Burst burst = new Burst(batch);
        slot.burst = burst;
        return hold(slot, burst, owner, leaseUntil);
    }

    /**
     * Called holding the slot's monitor: a new claim on the slot's burst (lease ran out or released).
     * A burst nothing was done for yet also takes messages that arrived meanwhile.
     */
    private Claim takeOver(Slot slot, String owner, long leaseUntil) {
        Burst burst = slot.burst;
        burst.takeovers++;
        if (burst.progress.stage() == BurstProgress.Stage.NEW && slot.count > 0
                && burst.batch.size() < maxBatchSize) {
            Batch old = burst.batch;
            List<InboundMessage> merged = take(slot, old.messages());
            burst.batch = new Batch(slot.key, merged, old.firstArrival(), old.deadline());
        }
        return hold(slot, burst, owner, leaseUntil);
    }

    private String nextId() {
        return idPrefix + Long.toString(idCounter.incrementAndGet(), 36);
    }

    /** Called holding the slot's monitor. */
    private Claim hold(Slot slot, Burst burst, String owner, long leaseUntil) {
        burst.claimId = nextId();
        burst.owner = owner;
        burst.leaseUntil = leaseUntil;
        enqueueIfEarlier(slot, leaseUntil);
        return new Claim(burst.claimId, burst.batch, burst.progress, owner, leaseUntil, burst.takeovers);
    }

    /**
     * Called holding the slot's monitor: {@code older} followed by pending messages up to a batch,
     * ordered by timestamp, then arrival; what does not fit stays pending.
     */
    private List<InboundMessage> take(Slot slot, List<InboundMessage> older) {
        long first = slot.first;
        long last = slot.last;
        if (older.isEmpty() && slot.count == 1) {
            return List.of(slot.drain()[0]);
        }
        InboundMessage[] pending = slot.drain();
        InboundMessage[] all = new InboundMessage[older.size() + pending.length];
        for (int i = 0; i < older.size(); i++) {
            all[i] = older.get(i);
        }
        System.arraycopy(pending, 0, all, older.size(), pending.length);
        Arrays.sort(all, BY_TIMESTAMP);
        int take = Math.min(all.length, Math.max(maxBatchSize, older.size()));
        for (int i = take; i < all.length; i++) {
            slot.add(all[i], first);
        }
        slot.last = last;
        return Arrays.asList(Arrays.copyOf(all, take));
    }

    /** Called holding the slot's monitor. */
    private static List<OutboxPart> snapshot(Slot slot, List<Part> stored) {
        List<OutboxPart> out = new ArrayList<>(stored.size());
        for (Part p : stored) {
            out.add(new OutboxPart(p.id, slot.key, p.index, p.text, p.state, p.wamid, p.attempts, p.retryAt,
                    p.expiresAt));
        }
        return out;
    }

    private void emit(Event event) {
        try {
            listener.onEvent(event);
        } catch (RuntimeException e) {
            LOG.warn("the event listener failed on {}", event.getClass().getSimpleName(), e);
        }
    }

    /** The ids a person is known by, and the key their conversation is kept under. */
    private record Link(ConversationKey canonical, String waId, String userId) {

        boolean covers(Sender sender) {
            return (sender.waId() == null || sender.waId().equals(waId))
                    && (sender.userId() == null || sender.userId().equals(userId));
        }
    }

    /** A claimed (or released) burst; guarded by its slot's monitor. */
    private static final class Burst {
        Batch batch;
        BurstProgress progress = BurstProgress.start();
        /** The current claim, or {@code null} when released. */
        String claimId;
        String owner;
        long leaseUntil;
        int takeovers;
        List<Part> parts;

        Burst(Batch batch) {
            this.batch = batch;
        }
    }

    /** One stored reply part; guarded by its slot's monitor. */
    private static final class Part {
        final String id;
        final Slot slot;
        final int index;
        final String text;
        final long expiresAt;
        OutboxPart.State state = OutboxPart.State.PENDING;
        String wamid;
        int attempts;
        long retryAt;

        Part(String id, Slot slot, int index, String text, long expiresAt) {
            this.id = id;
            this.slot = slot;
            this.index = index;
            this.text = text;
            this.expiresAt = expiresAt;
        }

        boolean open() {
            return state == OutboxPart.State.PENDING || state == OutboxPart.State.AMBIGUOUS;
        }
    }

    /**
     * One conversation's pending messages and the burst being answered. A single message is held
     * directly, several in an array, to keep the common pending conversation (one short message)
     * small. Guarded by its own monitor.
     */
    static final class Slot {
        final ConversationKey key;
        /** {@code null}, one {@link InboundMessage}, or an {@code InboundMessage[]} of which {@link #count} are used. */
        private Object messages;
        int count;
        long first;
        long last;
        long queuedDeadline = NONE;
        Burst burst;
        boolean removed;

        Slot(ConversationKey key) {
            this.key = key;
        }

        void add(InboundMessage message, long arrivedAt) {
            if (count == 0) {
                messages = message;
                first = arrivedAt;
                last = arrivedAt;
            } else if (count == 1) {
                InboundMessage[] array = new InboundMessage[4];
                array[0] = (InboundMessage) messages;
                array[1] = message;
                messages = array;
            } else {
                InboundMessage[] array = (InboundMessage[]) messages;
                if (count == array.length) {
                    array = Arrays.copyOf(array, count * 2);
                    messages = array;
                }
                array[count] = message;
            }
            count++;
            last = Math.max(last, arrivedAt);
        }

        InboundMessage[] drain() {
            InboundMessage[] out;
            if (count == 0) {
                out = new InboundMessage[0];
            } else if (count == 1) {
                out = new InboundMessage[] {(InboundMessage) messages};
            } else {
                out = Arrays.copyOf((InboundMessage[]) messages, count);
            }
            messages = null;
            count = 0;
            return out;
        }
    }

    /** Builds an {@link InMemoryStateStore}; not thread-safe. */
    public static final class Builder {
        private BufferPolicy policy = BufferPolicy.defaults();
        private Duration ledgerRetention = Duration.ofHours(25);
        private int ledgerCapacity = 200_000;
        private int outboxCapacity = 100_000;
        private int deferredLogCapacity = 10_000;
        private EventListener listener = EventListener.noop();

        private Builder() {
        }

        /** When bursts are due; default {@link BufferPolicy#defaults()}. */
        public Builder policy(BufferPolicy policy) {
            this.policy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /**
         * How long message ids are remembered; default 25 h (the default maximum message age of 24 h
         * plus an hour for clock skew). Must not be shorter than the maximum message age.
         */
        public Builder ledgerRetention(Duration retention) {
            this.ledgerRetention = retention;
            return this;
        }

        /** Message ids remembered at most (the oldest are forgotten first), also people's key links; default 200,000. */
        public Builder ledgerCapacity(int capacity) {
            this.ledgerCapacity = capacity;
            return this;
        }

        /** Reply parts stored at most; a reply that does not fit waits (reported); default 100,000. */
        public Builder outboxCapacity(int capacity) {
            this.outboxCapacity = capacity;
            return this;
        }

        /** Chat-log entries kept for a failing logger; the oldest are dropped beyond it (reported); default 10,000. */
        public Builder deferredLogCapacity(int capacity) {
            this.deferredLogCapacity = capacity;
            return this;
        }

        /** Receives overflow reports; default none. */
        public Builder eventListener(EventListener listener) {
            this.listener = Objects.requireNonNull(listener, "eventListener");
            return this;
        }

        /**
         * Builds the store.
         *
         * @throws IllegalArgumentException listing every invalid value
         */
        public InMemoryStateStore build() {
            new SettingsCheck("InMemoryStateStore")
                    .positive("ledgerRetention", ledgerRetention)
                    .positive("ledgerCapacity", ledgerCapacity)
                    .positive("outboxCapacity", outboxCapacity)
                    .positive("deferredLogCapacity", deferredLogCapacity)
                    .done();
            return new InMemoryStateStore(this);
        }
    }
}
