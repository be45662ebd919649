package io.github.whatsappai.buffer;

import io.github.whatsappai.store.Batch;
import io.github.whatsappai.store.BufferPolicy;

import io.github.whatsappai.webhook.model.ConversationKey;
import io.github.whatsappai.webhook.model.InboundMessage;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The default {@link PendingStore}: one instance's pending messages in memory.
 *
 * <p>A pending conversation costs one small entry: a map node and a slot holding its message
 * references, first and last arrival and deadline. Deadlines live in one binary heap of primitive
 * times shared by every conversation, re-checked lazily: a new message only moves the slot's
 * deadline later, and when the heap's entry falls due the slot is either claimed or re-queued at its
 * real deadline. So an append is a map lookup, a few field writes under the slot's monitor and at
 * most one heap insertion (for a conversation's first message), with no thread or timer task per
 * conversation. Empty, idle slots are removed, so memory follows the pending conversations.
 *
 * <p>Thread-safe: slots are guarded by their own monitor, the heap by one lock taken after a slot's
 * (never the other way round). Not durable: pending messages are lost with the process.
 */
public final class InMemoryPendingStore implements PendingStore {

    private static final Comparator<InboundMessage> BY_TIMESTAMP =
            Comparator.comparing(InboundMessage::timestamp, Comparator.nullsLast(Comparator.naturalOrder()));

    private final BufferPolicy policy;
    private final long windowMillis;
    private final long maxWaitMillis;
    private final int maxBatchSize;
    private final ConcurrentHashMap<ConversationKey, Slot> slots = new ConcurrentHashMap<>();
    private final DeadlineHeap heap = new DeadlineHeap();
    /** Heap entries taken per lock acquisition when claiming. */
    private static final int POLL_CHUNK = 256;

    /** A store deciding deadlines by {@code policy}. */
    public InMemoryPendingStore(BufferPolicy policy) {
        this.policy = Objects.requireNonNull(policy, "policy");
        this.windowMillis = policy.window().toMillis();
        this.maxWaitMillis = policy.maxWait().toMillis();
        this.maxBatchSize = policy.maxBatchSize();
    }

    @Override
    public BufferPolicy policy() {
        return policy;
    }

    @Override
    public long append(ConversationKey key, InboundMessage message, long arrivedAt) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(message, "message");
        while (true) {
            Slot slot = slots.get(key);
            if (slot == null) {
                slot = slots.computeIfAbsent(key, Slot::new);
            }
            synchronized (slot) {
                if (slot.removed) {
                    continue;
                }
                slot.add(message, arrivedAt);
                if (slot.inFlight) {
                    return NONE;
                }
                long deadline = deadline(slot);
                return enqueueIfEarlier(slot, deadline) ? deadline : NONE;
            }
        }
    }

    @Override
    public List<Batch> claimDue(long now, int maxBatches) {
        List<Batch> out = new ArrayList<>();
        int chunk = Math.max(1, Math.min(POLL_CHUNK, maxBatches));
        long[] dues = new long[chunk];
        Slot[] polled = new Slot[chunk];
        while (out.size() < maxBatches) {
            int n = heap.pollDue(now, Math.min(chunk, maxBatches - out.size()), dues, polled);
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
                    if (slot.inFlight || slot.count == 0) {
                        continue;
                    }
                    long deadline = deadline(slot);
                    if (deadline > now) {
                        enqueueIfEarlier(slot, deadline);
                        continue;
                    }
                    out.add(claim(slot, deadline));
                }
            }
        }
        return out;
    }

    @Override
    public List<Batch> claimAll(long now, int maxBatches) {
        List<Batch> out = new ArrayList<>();
        for (Slot slot : slots.values()) {
            if (out.size() >= maxBatches) {
                break;
            }
            synchronized (slot) {
                if (!slot.removed && !slot.inFlight && slot.count > 0) {
                    slot.notBefore = 0;
                    out.add(claim(slot, Math.min(deadline(slot), now)));
                }
            }
        }
        return out;
    }

    @Override
    public long complete(Batch batch) {
        Slot slot = inFlightSlot(batch);
        synchronized (slot) {
            checkInFlight(slot, batch);
            slot.inFlight = false;
            return afterRelease(slot);
        }
    }

    @Override
    public long abandon(Batch batch, long notBefore) {
        Slot slot = inFlightSlot(batch);
        synchronized (slot) {
            checkInFlight(slot, batch);
            slot.inFlight = false;
            slot.notBefore = notBefore;
            slot.prepend(batch.messages(), batch.firstArrival().toEpochMilli());
            return afterRelease(slot);
        }
    }

    @Override
    public long nextDeadline() {
        return heap.peekDeadline();
    }

    @Override
    public int size() {
        return slots.size();
    }

    @Override
    public boolean isEmpty() {
        return slots.isEmpty();
    }

    private Slot inFlightSlot(Batch batch) {
        Slot slot = slots.get(batch.key());
        if (slot == null) {
            throw new IllegalStateException("conversation " + batch.key() + " has no batch in flight");
        }
        return slot;
    }

    private static void checkInFlight(Slot slot, Batch batch) {
        if (!slot.inFlight || slot.removed) {
            throw new IllegalStateException("conversation " + batch.key() + " has no batch in flight");
        }
    }

    /** Called holding the slot's monitor once it is no longer in flight. */
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

    /** Called holding the slot's monitor. */
    private long deadline(Slot slot) {
        long due = slot.count >= maxBatchSize ? slot.last
                : Math.min(slot.last + windowMillis, slot.first + maxWaitMillis);
        return Math.max(due, slot.notBefore);
    }

    /** Called holding the slot's monitor: queues the slot at {@code deadline} unless it is queued earlier. */
    private boolean enqueueIfEarlier(Slot slot, long deadline) {
        if (deadline < slot.queuedDeadline) {
            slot.queuedDeadline = deadline;
            heap.add(deadline, slot);
            return true;
        }
        return false;
    }

    /** Called holding the slot's monitor: takes up to a batch of messages and marks the slot in flight. */
    private Batch claim(Slot slot, long deadline) {
        long first = slot.first;
        if (slot.count == 1) {
            List<InboundMessage> single = List.of(slot.drain()[0]);
            slot.inFlight = true;
            slot.queuedDeadline = NONE;
            slot.notBefore = 0;
            return new Batch(slot.key, single, Instant.ofEpochMilli(first), Instant.ofEpochMilli(deadline));
        }
        InboundMessage[] all = slot.drain();
        Arrays.sort(all, BY_TIMESTAMP);
        int take = Math.min(all.length, maxBatchSize);
        List<InboundMessage> batch = List.of(Arrays.copyOf(all, take));
        if (take < all.length) {
            slot.prepend(Arrays.asList(Arrays.copyOfRange(all, take, all.length)), first);
        }
        slot.inFlight = true;
        slot.queuedDeadline = NONE;
        slot.notBefore = 0;
        return new Batch(slot.key, batch, Instant.ofEpochMilli(first), Instant.ofEpochMilli(deadline));
    }

    /**
     * One conversation's pending messages. A single message is held directly, several in an array,
     * to keep the common pending conversation (one short message) small. Guarded by its own monitor.
     */
    static final class Slot {
        final ConversationKey key;
        /** {@code null}, one {@link InboundMessage}, or an {@code InboundMessage[]} of which {@link #count} are used. */
        private Object messages;
        int count;
        long first;
        long last;
        long queuedDeadline = NONE;
        /** Set when a batch was given back: not claimed again before this time. */
        long notBefore;
        boolean inFlight;
        boolean removed;

        Slot(ConversationKey key) {
            this.key = key;
        }

        void add(InboundMessage message, long arrivedAt) {
            if (count == 0) {
                messages = message;
                first = arrivedAt;
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
            if (count == 1) {
                out = new InboundMessage[] {(InboundMessage) messages};
            } else {
                out = Arrays.copyOf((InboundMessage[]) messages, count);
            }
            messages = null;
            count = 0;
            return out;
        }

        /** Puts {@code older} ahead of the pending messages; {@code firstArrival} is the older burst's start. */
        void prepend(List<InboundMessage> older, long firstArrival) {
            InboundMessage[] pending = count == 0 ? new InboundMessage[0] : drain();
            long lastBefore = last;
            messages = null;
            count = 0;
            for (InboundMessage m : older) {
                add(m, firstArrival);
            }
            for (InboundMessage m : pending) {
                add(m, lastBefore);
            }
            first = firstArrival;
            last = Math.max(lastBefore, firstArrival);
        }
    }
}
