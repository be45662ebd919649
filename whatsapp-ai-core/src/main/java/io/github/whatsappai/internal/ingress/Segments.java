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

    /** Number of segments; a power of two. */
    static final int COUNT = 16;
    private static final int SHIFT = Integer.SIZE - Integer.numberOfTrailingZeros(COUNT);
    private static final int GOLDEN = 0x9E3779B9;

    private Segments() {
    }

    /** The segment, {@code 0 <= i < COUNT}, for a key's {@code hashCode()}. */
    static int index(int hash) {
        return (hash * GOLDEN) >>> SHIFT;
    }
}
