package io.github.whatsappai.ai;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Reading the transcription call's answer: one transcript per voice note, or a problem that names no words. */
class VoiceTranscriptionTest {

    @Test
    void theBlockIsReadWhateverSurroundsItAndHowTheNumbersAreWritten() {
        VoiceTranscription.Reading reading = VoiceTranscription.read("Sure! Here they are.\n<TRANSCRIPTS>\n"
                + "[1] Jam berapa buka hari Sabtu?\n2) Dan hari Minggu\njuga buka?\n</Transcripts>\nAnything else?",
                "stop", 2);

        assertThat(reading.usable()).isTrue();
        assertThat(reading.transcripts()).containsExactly("Jam berapa buka hari Sabtu?", "Dan hari Minggu juga buka?");
    }

    @Test
    void anAnswerWithoutMarkersIsReadWholeWhenEveryLineIsThere() {
        VoiceTranscription.Reading reading = VoiceTranscription.read("1: Halo\n2: [no speech]", "", 2);

        assertThat(reading.transcripts()).containsExactly("Halo", "[no speech]");
    }

    @Test
    void aMissingTranscriptARefusalOrACutAnswerIsAProblemThatQuotesNothing() {
        VoiceTranscription.Reading missing = VoiceTranscription.read("<transcripts>\n1: Halo\n</transcripts>", "stop", 2);
        VoiceTranscription.Reading refusal = VoiceTranscription.read("I cannot transcribe audio, sorry.", "stop", 1);
        VoiceTranscription.Reading cut = VoiceTranscription.read("<transcripts>\n1: Halo kak, saya", "length", 1);
        VoiceTranscription.Reading filtered = VoiceTranscription.read("<transcripts>\n1: Halo", "content_filter", 1);

        assertThat(missing.usable()).isFalse();
        assertThat(missing.problem()).isEqualTo("the answer held 1 of 2 transcript(s)");
        assertThat(refusal.problem()).isEqualTo("the answer held 0 of 1 transcript(s) and no <transcripts> block");
        assertThat(cut.problem()).contains("cut short").doesNotContain("Halo");
        assertThat(filtered.usable()).isFalse();
        assertThat(missing.transcripts()).isEmpty();
    }

    @Test
    void theTokenLimitGrowsWithTheVoiceNotesUpToACap() {
        assertThat(VoiceTranscription.maxTokens(1)).isEqualTo(VoiceTranscription.TOKENS_PER_VOICE_MESSAGE);
        assertThat(VoiceTranscription.maxTokens(3)).isEqualTo(3 * VoiceTranscription.TOKENS_PER_VOICE_MESSAGE);
        assertThat(VoiceTranscription.maxTokens(40)).isEqualTo(VoiceTranscription.MAX_TOKENS);
    }
}
