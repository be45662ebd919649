package io.github.whatsappai.examples.demo;

import io.github.whatsappai.client.GraphSettings;
import io.github.whatsappai.internal.media.TestMedia;
import io.github.whatsappai.testing.ManualClock;
import io.github.whatsappai.testing.VirtualScheduler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The simulator's {@code /voice}, {@code /image} and {@code /doc} path through the demo as a user
 * runs it without credentials: files are uploaded to the local Graph API stand-in, the webhook
 * carries their ids, the SDK looks them up and downloads them, and the offline responder says what
 * it received. Virtual time for the quiet window.
 */
class DemoMediaTest {

    private final ManualClock clock = new ManualClock(Instant.parse("2026-11-25T10:00:00Z"));
    private final VirtualScheduler scheduler = new VirtualScheduler(clock);
    private final ByteArrayOutputStream console = new ByteArrayOutputStream();
    private DemoServer demo;
    private SimulatorClient user;
    private URI graph;

    @TempDir
    Path dir;

    @BeforeEach
    void start() throws Exception {
        demo = DemoServer.start(Map.of("PORT", "0"), new PrintStream(console, true, StandardCharsets.UTF_8),
                builder -> builder.clock(clock).scheduler(scheduler));
        user = new SimulatorClient(demo.baseUri(), DemoServer.DEMO_APP_SECRET, DemoServer.DEMO_PHONE_NUMBER_ID,
                "6281234567890", "Budi", clock);
        graph = demo.baseUri().resolve(DemoServer.LOCAL_GRAPH_PATH + "/" + GraphSettings.DEFAULT_VERSION);
    }

    @AfterEach
    void stop() {
        if (demo != null) {
            demo.close();
        }
    }

    @Test
    void aVoiceNotePhotoAndPdfUploadedThroughTheStandInAreReceived() throws Exception {
        Path voice = Files.write(dir.resolve("note.ogg"), TestMedia.oggOpus(2));
        Path photo = Files.write(dir.resolve("receipt.jpg"), TestMedia.jpeg(160, 120));
        Path invoice = Files.write(dir.resolve("invoice.pdf"), TestMedia.pdf("Invoice 42"));

        List<SimulatorClient.Delivery> sent = List.of(
                user.sendMedia(graph, "audio", voice, null),
                user.sendMedia(graph, "image", photo, "my receipt"),
                user.sendMedia(graph, "document", invoice, null));
        assertThat(sent).extracting(SimulatorClient.Delivery::status).containsOnly(200);
        scheduler.advance(Duration.ofSeconds(16));

        List<SimulatorClient.Reply> replies = user.replies(0, Duration.ofSeconds(20));
        assertThat(replies).singleElement().satisfies(reply -> assertThat(reply.text())
                .startsWith("I received voice message (audio/ogg, ")
                .contains("image: my receipt (image/jpeg, ", "document: invoice.pdf (application/pdf, "));
        assertThat(console.toString(StandardCharsets.UTF_8)).contains("(media demo-media-1 uploaded: ");
    }

    @Test
    void theSimulatorNamesTheTypeAPhoneWouldGive() {
        assertThat(SimulatorClient.mimeType("note.OPUS")).isEqualTo("audio/ogg; codecs=opus");
        assertThat(SimulatorClient.mimeType("a.pdf")).isEqualTo("application/pdf");
        assertThat(SimulatorClient.mimeType("a.exe")).isEqualTo("application/octet-stream");
    }
}
