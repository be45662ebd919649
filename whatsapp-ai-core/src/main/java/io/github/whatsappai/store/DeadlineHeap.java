package io.github.whatsappai.store;

import java.util.Arrays;

/**
 * A binary min-heap of (deadline, slot) pairs kept in two parallel arrays, so sifting compares
 * primitive longs without touching the slots. Duplicate and stale entries are allowed; the store
 * checks them when they fall due. Thread-safe (one monitor).
 */
final class DeadlineHeap {

    private long[] deadlines = new long[256];
    private InMemoryStateStore.Slot[] slots = new InMemoryStateStore.Slot[256];
    private int size;

    synchronized void add(long deadline, InMemoryStateStore.Slot slot) {
        if (size == deadlines.length) {
            deadlines = Arrays.copyOf(deadlines, size * 2);
            slots = Arrays.copyOf(slots, size * 2);
        }
        int i = size++;
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (deadlines[parent] <= deadline) {
                break;
            }
            deadlines[i] = deadlines[parent];
            slots[i] = slots[parent];
            i = parent;
        }
        deadlines[i] = deadline;
        slots[i] = slot;
    }

    /**
     * Removes up to {@code max} entries due at {@code now}, earliest first, into the two arrays
     * (each at least {@code max} long); returns how many.
     */
    synchronized int pollDue(long now, int max, long[] deadlinesOut, InMemoryStateStore.Slot[] slotsOut) {
        int n = 0;
        while (n < max && size > 0 && deadlines[0] <= now) {
            deadlinesOut[n] = deadlines[0];
            slotsOut[n] = slots[0];
            n++;
            removeTop();
        }
        if (deadlines.length > 256 && size < deadlines.length / 4) {
            int capacity = Math.max(256, deadlines.length / 2);
            deadlines = Arrays.copyOf(deadlines, capacity);
            slots = Arrays.copyOf(slots, capacity);
        }
        return n;
    }

    private void removeTop() {
        int last = --size;
        long d = deadlines[last];
        InMemoryStateStore.Slot s = slots[last];
        slots[last] = null;
        if (last == 0) {
            return;
        }
        int i = 0;
        int half = last >>> 1;
        while (i < half) {
            int child = 2 * i + 1;
            int right = child + 1;
            if (right < last && deadlines[right] < deadlines[child]) {
                child = right;
            }
            if (d <= deadlines[child]) {
                break;
            }
            deadlines[i] = deadlines[child];
            slots[i] = slots[child];
            i = child;
        }
        deadlines[i] = d;
        slots[i] = s;
    }

    /** The earliest deadline, or {@link PendingStore#NONE}. */
    synchronized long peekDeadline() {
        return size == 0 ? StateStore.NONE : deadlines[0];
    }

    synchronized int size() {
        return size;
    }
}
