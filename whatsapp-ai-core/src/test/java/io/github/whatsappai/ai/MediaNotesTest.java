package io.github.whatsappai.ai;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class MediaNotesTest {

    @Test
    void theBlockIsCutFromTheAnswerAndReadByNumber() {
        MediaNotes.Split split = MediaNotes.split("Sure, we open at 8.\n\n<media-notes>\n1: Jam berapa buka?\n"
                + "[2] A receipt\nfor Rp 45.000.\n</media-notes>", 2);
        assertThat(split.answer()).isEqualTo("Sure, we open at 8.");
        assertThat(split.notes()).containsExactly("Jam berapa buka?", "A receipt for Rp 45.000.");
    }

    @Test
    void anUnclosedBlockStillNeverReachesTheUserAndMissingNotesAreNull() {
        MediaNotes.Split split = MediaNotes.split("Done.\n<MEDIA-NOTES>\n2) a photo of a cup\n7: out of range", 3);
        assertThat(split.answer()).isEqualTo("Done.");
        assertThat(split.notes()).isEqualTo(Arrays.asList(null, "a photo of a cup", null));
    }

    @Test
    void withoutABlockOrAttachmentsTheReplyIsUntouched() {
        assertThat(MediaNotes.split("  Hello  ", 1)).isEqualTo(new MediaNotes.Split("Hello", List.of()));
        assertThat(MediaNotes.split("Use <media-notes> like this", 0).answer()).isEqualTo("Use <media-notes> like this");
    }

    @Test
    void textAfterTheBlockIsKeptForTheUser() {
        MediaNotes.Split split = MediaNotes.split("Part one.\n<media-notes>\n1: hi\n</media-notes>\nPart two.", 1);
        assertThat(split.answer()).isEqualTo("Part one.\n\nPart two.");
        assertThat(split.notes()).containsExactly("hi");
    }
}
