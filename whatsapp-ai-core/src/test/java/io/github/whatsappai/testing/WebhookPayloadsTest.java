package io.github.whatsappai.testing;

import io.github.whatsappai.internal.webhook.WebhookParser;
import io.github.whatsappai.webhook.model.InboundMessage;
import io.github.whatsappai.webhook.model.MediaContent;
import io.github.whatsappai.webhook.model.Sender;
import io.github.whatsappai.webhook.model.StatusUpdate;
import io.github.whatsappai.webhook.model.TextContent;
import io.github.whatsappai.webhook.model.WebhookDelivery;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class WebhookPayloadsTest {

    private final WebhookParser parser = new WebhookParser();

    @Test
    void textIsWireLikeAsciiWithLowercaseEscapes() {
        String json = WebhookPayloads.text("Pre\u00e7o \uD83D\uDE42 50%/off \"q\"\n").wamid("wamid.X").toJson();
        assertThat(json).contains("Pre\\u00e7o \\ud83d\\ude42 50%\\/off \\\"q\\\"\\n");
        assertThat(json).doesNotContain(" :", ": ", "\n");
        assertThat(json.chars().allMatch(c -> c < 0x80)).isTrue();
        assertThat(json).startsWith("{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"200000000000002\"");
    }

    @Test
    void textRoundTripsThroughTheParser() {
        byte[] body = WebhookPayloads.text("Ol\u00e1 / \uD83D\uDE42").wamid("wamid.Y").from("4915112345678")
                .userId("DE.abc123").profileName("J\u00f6rg").phoneNumberId("555").wabaId("777")
                .timestamp(Instant.ofEpochSecond(1_786_000_123L)).replyTo("wamid.OUT").toBytes();
        WebhookDelivery d = parser.parse(body);
        assertThat(d.problems()).isEmpty();
        InboundMessage m = d.messages().get(0);
        assertThat(m.id()).isEqualTo("wamid.Y");
        assertThat(m.business().phoneNumberId()).isEqualTo("555");
        assertThat(m.business().wabaId()).isEqualTo("777");
        assertThat(m.sender()).isEqualTo(new Sender("4915112345678", "DE.abc123", null, "J\u00f6rg", null));
        assertThat(m.timestamp()).isEqualTo(Instant.ofEpochSecond(1_786_000_123L));
        assertThat(m.content()).isEqualTo(new TextContent("Ol\u00e1 / \uD83D\uDE42"));
        assertThat(m.context().id()).isEqualTo("wamid.OUT");
    }

    @Test
    void senderWithoutPhoneNumberOrWithoutUserId() {
        InboundMessage noPhone = parser.parse(WebhookPayloads.text("a").from(null).toBytes()).messages().get(0);
        assertThat(noPhone.sender().waId()).isNull();
        assertThat(noPhone.sender().userId()).isEqualTo(WebhookPayloads.DEFAULT_USER_ID);
        assertThat(noPhone.sender().profileName()).isEqualTo(WebhookPayloads.DEFAULT_PROFILE_NAME);
        InboundMessage legacy = parser.parse(WebhookPayloads.text("a").userId(null).toBytes()).messages().get(0);
        assertThat(legacy.sender().userId()).isNull();
        assertThat(legacy.sender().waId()).isEqualTo(WebhookPayloads.DEFAULT_WA_ID);
    }

    @Test
    void freshWamidsByDefault() {
        var a = parser.parse(WebhookPayloads.text("a").toBytes()).messages().get(0).id();
        var b = parser.parse(WebhookPayloads.text("a").toBytes()).messages().get(0).id();
        assertThat(a).startsWith("wamid.").isNotEqualTo(b);
    }

    @Test
    void imageAndStatus() {
        InboundMessage img = parser.parse(WebhookPayloads.image("m-1", "cap\u00e7\u00e3o").toBytes()).messages().get(0);
        MediaContent c = (MediaContent) img.content();
        assertThat(c.kind()).isEqualTo(MediaContent.MediaKind.IMAGE);
        assertThat(c.mediaId()).isEqualTo("m-1");
        assertThat(c.caption()).isEqualTo("cap\u00e7\u00e3o");
        assertThat(c.mimeType()).isEqualTo("image/jpeg");

        StatusUpdate s = parser.parse(WebhookPayloads.status("wamid.OUT", "failed").recipientId(null)
                .recipientUserId("US.1").error(131047, "Re-engagement message").timestamp(1_786_000_500L).toBytes())
                .statuses().get(0);
        assertThat(s.status()).isEqualTo(StatusUpdate.Status.FAILED);
        assertThat(s.recipientId()).isNull();
        assertThat(s.recipientUserId()).isEqualTo("US.1");
        assertThat(s.errors().get(0).code()).isEqualTo(131047);
        assertThat(s.timestamp()).isEqualTo(Instant.ofEpochSecond(1_786_000_500L));
    }

    @Test
    void batchGroupsByWabaAndPhoneNumber() {
        String json = WebhookPayloads.batch()
                .add(WebhookPayloads.text("one").wamid("w1"))
                .add(WebhookPayloads.text("two").wamid("w2").from("15555550177").userId(null))
                .add(WebhookPayloads.status("wamid.OUT", "read"))
                .add(WebhookPayloads.text("three").wamid("w3").phoneNumberId("999"))
                .add(WebhookPayloads.text("four").wamid("w4").wabaId("888"))
                .toJson();
        WebhookDelivery d = parser.parse(json.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        assertThat(d.problems()).isEmpty();
        assertThat(d.messages()).extracting(InboundMessage::id).containsExactly("w1", "w2", "w3", "w4");
        assertThat(d.messages().get(1).sender().waId()).isEqualTo("15555550177");
        assertThat(d.messages().get(2).business().phoneNumberId()).isEqualTo("999");
        assertThat(d.messages().get(3).business().wabaId()).isEqualTo("888");
        assertThat(d.statuses()).hasSize(1);
        assertThat(json.split("\"changes\"", -1)).hasSize(3);
        assertThat(json.split("\"contacts\"", -1)).hasSize(4);
    }
}
