package io.github.whatsappai.testing;

import io.github.whatsappai.Fixtures;
import io.github.whatsappai.webhook.WebhookRequest;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SignedWebhooksTest {

    @Test
    void signatureMatchesTheProtocolTestVector() {
        assertThat(SignedWebhooks.signature(Fixtures.payload("wa_webhook_text.json"), Fixtures.SECRET))
                .isEqualTo("sha256=ebadc28e2f9da0a1e030919b37836db322328331f57c99058236e7577326133c");
    }

    @Test
    void signedPostCarriesBodyAndHeaders() {
        byte[] body = {'{', '}'};
        WebhookRequest r = SignedWebhooks.signedPost(body, "s");
        assertThat(r.isMethod("POST")).isTrue();
        assertThat(r.body()).isEqualTo(body);
        assertThat(r.header("x-hub-signature-256")).isEqualTo(SignedWebhooks.signature(body, "s"));
        assertThat(r.header("content-type")).isEqualTo("application/json");
    }

    @Test
    void handshakeCarriesTheDottedParameters() {
        WebhookRequest r = SignedWebhooks.handshake("tok", "1158201444");
        assertThat(r.isMethod("GET")).isTrue();
        assertThat(r.queryParameter("hub.mode")).isEqualTo("subscribe");
        assertThat(r.queryParameter("hub.verify_token")).isEqualTo("tok");
        assertThat(r.queryParameter("hub.challenge")).isEqualTo("1158201444");
    }
}
