package io.github.whatsappai.examples.snippets;

import io.github.whatsappai.client.Recipient;
import io.github.whatsappai.client.SendResult;
import io.github.whatsappai.client.TemplateMessage;
import io.github.whatsappai.client.WhatsAppClient;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/** The operations guide's example of re-engaging a user outside the 24-hour window. */
final class Templates {

    private Templates() {
    }

    static CompletableFuture<SendResult> reEngage(WhatsAppClient client, String phoneNumberId, String waId) {
        // tag::template[]
        Recipient recipient = new Recipient(waId, null);
        return client.send(phoneNumberId, recipient,
                new TemplateMessage("order_update", "en_US", List.of("12345"), null));
        // end::template[]
    }
}
