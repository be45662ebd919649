package io.github.whatsappai;

import io.github.whatsappai.testing.SignedWebhooks;
import io.github.whatsappai.webhook.model.InboundMessage;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class WhatsAppAiSmokeTest {

    @Test
    void signedFixtureIsAcceptedAndHandedOff() {
        List<InboundMessage> got = new ArrayList<>();
        Fixtures.Recorder events = new Fixtures.Recorder();
        try (WhatsAppAi ai = WhatsAppAi.builder().config(Fixtures.config().build()).eventListener(events)
                .inboundHandler(got::add).clock(Fixtures.clockAt(Fixtures.NOW)).build()) {
            var r = ai.handle(SignedWebhooks.signedPost(Fixtures.payload("wa_webhook_text.json"), Fixtures.SECRET));
            assertThat(r.status()).as(events.events.toString()).isEqualTo(200);
            assertThat(got).hasSize(1);
            assertThat(got.get(0).content().describe()).contains("caf\u00e9", "50% off/promo");
        }
    }
}
