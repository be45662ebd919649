package io.github.whatsappai.internal.ingress;

/**
 * Picks the segment of a key for the segmented stores ({@link DedupStore}, {@link SenderRateLimiter}).
 *
 * <p>Each segment is a {@link java.util.HashMap}-based map, which chooses its bin from the <em>low</em>
 * bits of {@code h ^ (h >>> 16)}. Choosing the segment from those same bits would leave every key of a
 * segment in one sixteenth of its bins, with long collision chains (the maps turn them into trees).
 * The segment is therefore taken from the <em>top</em> bits of a multiplicative (Fibonacci) hash, which
 * are independent of the bits the map uses.
 */
final class Segments {

    /** Most segments a store uses; a power of two. Many segments keep threads from queueing on one monitor. */
    static final int MAX = 64;
    private static final int GOLDEN = 0x9E3779B9;

    private Segments() {
    }

    /**
     * How many segments a store bounded to {@code capacity} entries uses: a power of two from 1 to
     * {@value #MAX}, keeping at least 16 entries per segment so that the per-segment eviction order
     * stays close to the store's.
     */
    static int count(int capacity) {
        return Integer.highestOneBit(Math.max(1, Math.min(MAX, capacity / 16)));
    }

    /** The segment, {@code 0 <= i < count}, for a key's {@code hashCode()}; {@code count} a power of two. */
    static int index(int hash, int count) {
        int bits = Integer.numberOfTrailingZeros(count);
        return (int) (((hash * GOLDEN) & 0xFFFF_FFFFL) >>> (Integer.SIZE - bits));
    }
}
