package io.github.whatsappai.internal.ingress;

import io.github.whatsappai.webhook.model.ConversationKey;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class SegmentsTest {

    @Test
    void spreadsSequentialKeysEvenly() {
        int[] perSegment = new int[Segments.MAX];
        int keys = 16_000;
        for (int i = 0; i < keys; i++) {
            int s = Segments.index(new ConversationKey("106540352242922", Long.toString(15_550_000_000L + i)).hashCode(),
                    Segments.MAX);
            assertThat(s).isBetween(0, Segments.MAX - 1);
            perSegment[s]++;
        }
        for (int count : perSegment) {
            assertThat(count).isBetween(keys / Segments.MAX * 8 / 10, keys / Segments.MAX * 12 / 10);
        }
    }

    /**
     * The keys of one segment must still use all of a hash map's bins: the map picks them from the low
     * bits of {@code h ^ (h >>> 16)}, so those bits must vary within a segment.
     */
    @Test
    void keysOfOneSegmentStillSpreadOverTheMapsBins() {
        Set<Integer> lowBits = new HashSet<>();
        for (int i = 0; lowBits.size() < 64 && i < 100_000; i++) {
            String id = "wamid.HBgLMTU1NTU1NTAxMjMVAgASGBQ" + i;
            int h = id.hashCode();
            if (Segments.index(h, 16) == 5) {
                lowBits.add((h ^ (h >>> 16)) & 63);
            }
        }
        assertThat(lowBits).as("all 64 low-bit patterns occur in one segment").hasSize(64);
    }

    @Test
    void segmentCountFollowsTheCapacity() {
        assertThat(Segments.count(1)).isEqualTo(1);
        assertThat(Segments.count(10)).isEqualTo(1);
        assertThat(Segments.count(64)).isEqualTo(4);
        assertThat(Segments.count(1000)).isEqualTo(32);
        assertThat(Segments.count(200_000)).isEqualTo(Segments.MAX);
        for (int count = 1; count <= Segments.MAX; count *= 2) {
            Set<Integer> used = new HashSet<>();
            for (int i = 0; i < 10_000; i++) {
                used.add(Segments.index(("id" + i).hashCode(), count));
            }
            assertThat(used).as("%d segments", count).hasSize(count).allMatch(s -> s >= 0 && s < Segments.MAX);
        }
    }
}
