package io.github.whatsappai.ai.knowledge;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class BudgetFillTest {

    private static final String[] TEXTS = {
            "Alpha one. Alpha two.",
            "Alpha two. Beta three.",      // overlaps the first by "Alpha two."
            "Gamma four.",                 // no overlap
            "Delta five in another document.",
    };
    private static final int[] DOCS = {0, 0, 0, 1};

    @Test
    void neighboursAreJoinedAndTheirSharedTextCountsOnce() {
        BudgetFill fill = new BudgetFill(1000, TEXTS, DOCS);
        assertThat(fill.offer(1, 3.0)).isTrue();
        assertThat(fill.offer(0, 2.0)).isTrue();
        assertThat(fill.used()).isEqualTo("Alpha one. Alpha two. Beta three.".length());
        List<BudgetFill.Group> groups = fill.groups();
        assertThat(groups).singleElement().satisfies(g -> {
            assertThat(g.text()).isEqualTo("Alpha one. Alpha two. Beta three.");
            assertThat(g.first()).isZero();
            assertThat(g.score()).isEqualTo(3.0);
        });
    }

    @Test
    void neighboursWithoutOverlapAreJoinedAsParagraphsAndDocumentsNeverJoin() {
        BudgetFill fill = new BudgetFill(1000, TEXTS, DOCS);
        fill.offer(3, 5.0);
        fill.offer(2, 4.0);
        fill.offer(1, 1.0);
        assertThat(fill.groups()).extracting(BudgetFill.Group::text).containsExactly(
                "Delta five in another document.", "Alpha two. Beta three.\n\nGamma four.");
        assertThat(fill.used()).isEqualTo(TEXTS[3].length() + TEXTS[2].length() + TEXTS[1].length() + 2);
    }

    @Test
    void aPassageThatDoesNotFitIsSkippedAndAShorterOneStillFills() {
        BudgetFill fill = new BudgetFill(TEXTS[2].length() + 5, TEXTS, DOCS);
        assertThat(fill.offer(3, 5.0)).isFalse();
        assertThat(fill.offer(2, 4.0)).isTrue();
        assertThat(fill.offer(2, 4.0)).isFalse();
        assertThat(fill.groups()).extracting(BudgetFill.Group::text).containsExactly("Gamma four.");
    }

    @Test
    void overlapIsWholeWordsOnly() {
        assertThat(BudgetFill.overlap("one two", "two three")).isEqualTo(4);
        assertThat(BudgetFill.overlap("one two", "wo three")).isZero();
        assertThat(BudgetFill.overlap("abc", "xyz")).isZero();
    }
}
