package io.github.whatsappai.internal.media;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

class MediaTypesTest {

    private static final byte[] OGG = TestMedia.oggOpus(2);
    private static final byte[] JPEG = TestMedia.jpeg(64, 48);
    private static final byte[] PDF = TestMedia.pdf("Invoice 42: Rp 45.000");
    private static final byte[] HTML = "<!DOCTYPE html><html><script>alert(1)</script>".getBytes(StandardCharsets.US_ASCII);

    @Test
    void theTestVoiceNoteIsAWellFormedOggOpusStream() {
        // every page: capture pattern, a CRC that matches, granule positions that grow; first page OpusHead
        ByteBuffer in = ByteBuffer.wrap(OGG).order(ByteOrder.LITTLE_ENDIAN);
        int pages = 0;
        long lastGranule = -1;
        while (in.hasRemaining()) {
            int start = in.position();
            assertThat(new String(OGG, start, 4, StandardCharsets.US_ASCII)).isEqualTo("OggS");
            long granule = in.getLong(start + 6);
            int crc = in.getInt(start + 22);
            int segments = OGG[start + 26] & 0xFF;
            int body = 0;
            for (int i = 0; i < segments; i++) {
                body += OGG[start + 27 + i] & 0xFF;
            }
            int length = 27 + segments + body;
            byte[] page = Arrays.copyOfRange(OGG, start, start + length);
            Arrays.fill(page, 22, 26, (byte) 0);
            assertThat(TestMedia.oggCrc(page)).isEqualTo(crc);
            if (pages == 0) {
                assertThat(OGG[start + 5]).isEqualTo((byte) 0x02);
                assertThat(new String(OGG, start + 28, 8, StandardCharsets.US_ASCII)).isEqualTo("OpusHead");
            }
            assertThat(granule).isGreaterThanOrEqualTo(lastGranule);
            lastGranule = granule;
            in.position(start + length);
            pages++;
        }
        assertThat(pages).isEqualTo(4);
        assertThat(lastGranule).isEqualTo(312 + 2 * 48_000);
    }

    @Test
    void realFilesAreRecognisedByTheirFirstBytes() {
        assertThat(MediaTypes.sniff(OGG)).isEqualTo("audio/ogg");
        assertThat(MediaTypes.sniff(JPEG)).isEqualTo("image/jpeg");
        assertThat(MediaTypes.sniff(PDF)).isEqualTo("application/pdf");
        assertThat(MediaTypes.sniff(HTML)).isEqualTo("text/html");
        assertThat(MediaTypes.sniff(new byte[] {1, 2, 3, 4, 5})).isNull();
    }

    @Test
    void declaredTypesWithParametersAndOtherSpellingsAreAccepted() {
        assertThat(MediaTypes.resolve("audio/ogg; codecs=opus", OGG).type()).isEqualTo("audio/ogg");
        assertThat(MediaTypes.resolve("AUDIO/OGG;codecs=\"opus\"", OGG).type()).isEqualTo("audio/ogg");
        assertThat(MediaTypes.resolve("image/jpg", JPEG).type()).isEqualTo("image/jpeg");
        assertThat(MediaTypes.resolve("image/jpeg; charset=binary", JPEG).type()).isEqualTo("image/jpeg");
        assertThat(MediaTypes.resolve("application/pdf", PDF).type()).isEqualTo("application/pdf");
    }

    @ParameterizedTest
    @ValueSource(strings = {"application/octet-stream", "binary/octet-stream", "application/octet-stream; charset=UTF-8"})
    void anOctetStreamIsWhatItsBytesSay(String declared) {
        assertThat(MediaTypes.resolve(declared, OGG).type()).isEqualTo("audio/ogg");
        assertThat(MediaTypes.resolve(declared, JPEG).type()).isEqualTo("image/jpeg");
        assertThat(MediaTypes.resolve(declared, PDF).type()).isEqualTo("application/pdf");
        assertThat(MediaTypes.resolve(declared, HTML).refusal()).isEqualTo("the type text/html is not accepted");
        assertThat(MediaTypes.resolve(null, new byte[] {1, 2, 3, 4}).refusal())
                .isEqualTo("the file's type could not be recognised");
    }

    @Test
    void aHostileOrMismatchedTypeIsRefusedWithAReason() {
        assertThat(MediaTypes.resolve("text/html", HTML).refusal()).isEqualTo("the type text/html is not accepted");
        assertThat(MediaTypes.resolve("image/jpeg", HTML).refusal()).isEqualTo("the file is declared image/jpeg but is text/html");
        assertThat(MediaTypes.resolve("image/jpeg", PDF).refusal())
                .isEqualTo("the file is declared image/jpeg but is application/pdf");
        assertThat(MediaTypes.resolve("audio/ogg", new byte[] {1, 2, 3, 4, 5}).refusal())
                .isEqualTo("the file is declared audio/ogg but does not look like one");
        assertThat(MediaTypes.refusalBeforeDownload("application/x-msdownload"))
                .isEqualTo("the type application/x-msdownload is not accepted");
        assertThat(MediaTypes.refusalBeforeDownload("video/mp4\u0000<script>")).startsWith("the type video/mp4?");
        assertThat(MediaTypes.refusalBeforeDownload("application/octet-stream")).isNull();
        assertThat(MediaTypes.refusalBeforeDownload("audio/ogg; codecs=opus")).isNull();
    }
}
