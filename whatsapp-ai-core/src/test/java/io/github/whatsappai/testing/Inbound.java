package io.github.whatsappai.testing;

import io.github.whatsappai.webhook.model.BusinessNumber;
import io.github.whatsappai.webhook.model.InboundMessage;
import io.github.whatsappai.webhook.model.MessageContent;
import io.github.whatsappai.webhook.model.RequestWelcomeContent;
import io.github.whatsappai.webhook.model.Sender;
import io.github.whatsappai.webhook.model.TextContent;
import io.github.whatsappai.webhook.model.UnsupportedContent;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/** Builds inbound messages for tests. */
public final class Inbound {

    public static final String PHONE_NUMBER_ID = "106540352242922";
    public static final BusinessNumber BUSINESS = new BusinessNumber("102290129340398", PHONE_NUMBER_ID,
            "15550783881");
    private static final AtomicLong IDS = new AtomicLong();

    private Inbound() {
    }

    /** A text from wa_id {@code waId} at {@code at}. */
    public static InboundMessage text(String waId, String body, Instant at) {
        return message(new Sender(waId, null, null, "Tester", null), "text", new TextContent(body), at);
    }

    /** A message of any content from wa_id {@code waId}. */
    public static InboundMessage of(String waId, String type, MessageContent content, Instant at) {
        return message(new Sender(waId, null, null, "Tester", null), type, content, at);
    }

    /** A {@code request_welcome}. */
    public static InboundMessage welcome(String waId, Instant at) {
        return of(waId, "request_welcome", new RequestWelcomeContent(), at);
    }

    /** An {@code unsupported} message. */
    public static InboundMessage unsupported(String waId, Instant at) {
        return of(waId, "unsupported", new UnsupportedContent("poll"), at);
    }

    /** A message from {@code sender}. */
    public static InboundMessage message(Sender sender, String type, MessageContent content, Instant at) {
        String id = "wamid.IN" + IDS.incrementAndGet();
        return new InboundMessage(id, BUSINESS, sender, at, type, content, null, null, null, null);
    }
}
