package io.github.whatsappai.examples.snippets;

import io.github.whatsappai.WhatsAppAi;
import io.github.whatsappai.WhatsAppAiConfig;
import io.github.whatsappai.spi.InMemoryChatLogger;
import io.github.whatsappai.spi.InMemoryUserMapper;
import io.github.whatsappai.testing.DirectExecutor;
import io.github.whatsappai.testing.ManualClock;
import io.github.whatsappai.testing.RecordingWhatsAppClient;
import io.github.whatsappai.testing.ScriptedAiResponder;
import io.github.whatsappai.testing.SignedWebhooks;
import io.github.whatsappai.testing.VirtualScheduler;
import io.github.whatsappai.testing.WebhookPayloads;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** The README's unit-testing example; it runs as a test, so the README shows code that works. */
class UnitTestingWithTheKitTest {

    // tag::testing[]
    @Test
    void aBurstIsAnsweredOnceAfterFifteenQuietSeconds() {
        ManualClock clock = new ManualClock(Instant.parse("2026-11-25T10:00:00Z"));
        VirtualScheduler scheduler = new VirtualScheduler(clock);
        ScriptedAiResponder ai = new ScriptedAiResponder().thenReply("We deliver every day, Sundays too.");
        RecordingWhatsAppClient whatsApp = new RecordingWhatsAppClient();
        InMemoryChatLogger chatLog = new InMemoryChatLogger();

        try (WhatsAppAi bot = WhatsAppAi.builder()
                .config(WhatsAppAiConfig.builder()
                        .appSecrets("test-secret").verifyToken("test-token")
                        .phoneNumberIds(WebhookPayloads.DEFAULT_PHONE_NUMBER_ID).build())
                .clock(clock).scheduler(scheduler).workerExecutor(DirectExecutor.INSTANCE)
                .userMapper(new InMemoryUserMapper()).chatLogger(chatLog)
                .aiResponder(ai).whatsAppClient(whatsApp)
                .build()) {

            for (String text : new String[] {"Hi!", "Do you deliver on Sundays?"}) {
                byte[] body = WebhookPayloads.text(text).timestamp(clock.instant()).toBytes();
                assertThat(bot.handle(SignedWebhooks.signedPost(body, "test-secret")).status()).isEqualTo(200);
            }
            scheduler.advance(Duration.ofSeconds(15));

            assertThat(ai.lastRequest().userTurn()).contains("Hi!", "Do you deliver on Sundays?");
            assertThat(whatsApp.textBodies()).containsExactly("We deliver every day, Sundays too.");
            assertThat(chatLog.entries()).hasSize(3);   // two user messages and the reply
        }
    }
    // end::testing[]
}
