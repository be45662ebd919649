package io.github.whatsappai.store.postgres;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.whatsappai.spi.ChatLogEntry;
import io.github.whatsappai.testing.Inbound;
import io.github.whatsappai.webhook.model.BusinessNumber;
import io.github.whatsappai.webhook.model.ButtonContent;
import io.github.whatsappai.webhook.model.ContactsContent;
import io.github.whatsappai.webhook.model.InboundMessage;
import io.github.whatsappai.webhook.model.InteractiveContent;
import io.github.whatsappai.webhook.model.LocationContent;
import io.github.whatsappai.webhook.model.MediaContent;
import io.github.whatsappai.webhook.model.MessageContent;
import io.github.whatsappai.webhook.model.MessageContext;
import io.github.whatsappai.webhook.model.OrderContent;
import io.github.whatsappai.webhook.model.ReactionContent;
import io.github.whatsappai.webhook.model.Referral;
import io.github.whatsappai.webhook.model.RequestWelcomeContent;
import io.github.whatsappai.webhook.model.Sender;
import io.github.whatsappai.webhook.model.SystemContent;
import io.github.whatsappai.webhook.model.TextContent;
import io.github.whatsappai.webhook.model.UnknownContent;
import io.github.whatsappai.webhook.model.UnsupportedContent;
import io.github.whatsappai.webhook.model.WebhookError;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StoreJsonTest {

    private final StoreJson json = new StoreJson();

    static List<MessageContent> everyContent() throws Exception {
        return List.of(
                new TextContent("Hallo 👋 \"quoted\""),
                new MediaContent(MediaContent.MediaKind.AUDIO, "m1", "audio/ogg", "abc", null, null,
                        "https://example.invalid/m1", true, false),
                new LocationContent(52.52, 13.405, "Office", "Street 1", null),
                new ContactsContent(List.of(new ContactsContent.SharedContact("Ann", List.of("+1 555"),
                        List.of("1555"), List.of(), null))),
                new InteractiveContent("nfm_reply", null, null, null, "flow", "Sent", "{\"a\":1}"),
                new ButtonContent("yes", "Yes"),
                new ReactionContent("wamid.X", "👍"),
                new OrderContent("cat", "asap", List.of(new OrderContent.Item("sku", 2, new BigDecimal("9.90"), "EUR"))),
                new SystemContent("user_changed_number", "changed", "4915", null),
                new RequestWelcomeContent(),
                new UnsupportedContent("poll"),
                new UnknownContent("novel", new ObjectMapper().readTree("{\"type\":\"novel\",\"novel\":{\"x\":[1,2]}}")));
    }

    @Test
    void aMediaMessageIsStoredAsItsIdsNeverItsBytes() {
        InboundMessage voice = new InboundMessage("wamid.V1", Inbound.BUSINESS, new Sender("6281234567890", null, null,
                null, null), Instant.parse("2026-11-25T15:00:00Z"), "audio", new MediaContent(MediaContent.MediaKind.AUDIO,
                "1234567890", "audio/ogg; codecs=opus", "abc", null, null, "https://lookaside.example/x?mid=1", true,
                false), null, null, List.of(), null);
        String stored = json.write(voice);
        assertThat(stored).contains("\"mediaId\":\"1234567890\"").contains("lookaside.example").hasSizeLessThan(1_000);
        assertThat(json.message(stored)).isEqualTo(voice);
    }

    @Test
    void everyContentTypeRoundTrips() throws Exception {
        for (MessageContent content : everyContent()) {
            InboundMessage m = new InboundMessage("wamid.1", new BusinessNumber("w", "p", "155"),
                    new Sender("4915", "DE.1", null, "Ann", null), Instant.ofEpochSecond(1_786_000_000L, 5), "t",
                    content, new MessageContext("155", "wamid.0", true, false, null, null),
                    new Referral("u", "s", "ad", "b", "h", "image", null, null, null, "clid", null),
                    List.of(new WebhookError(131051, "Unsupported", null, null, null)), null);
            assertThat(json.message(json.write(m))).as(content.getClass().getSimpleName()).isEqualTo(m);
        }
    }

    /** A content type added to the model without a kind here would fail only when first stored. */
    @Test
    void everyContentRecordOfTheModelHasAKind() throws Exception {
        File folder = new File(MessageContent.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        File model = new File(folder, "io/github/whatsappai/webhook/model");
        Set<String> implementations = Arrays.stream(model.list()).filter(n -> n.endsWith(".class") && !n.contains("$"))
                .map(n -> n.substring(0, n.length() - 6))
                .filter(n -> {
                    try {
                        Class<?> c = Class.forName("io.github.whatsappai.webhook.model." + n);
                        return MessageContent.class.isAssignableFrom(c) && !c.isInterface();
                    } catch (ClassNotFoundException e) {
                        throw new IllegalStateException(e);
                    }
                })
                .collect(Collectors.toSet());
        Set<String> covered = everyContent().stream().map(c -> c.getClass().getSimpleName()).collect(Collectors.toSet());
        assertThat(covered).isEqualTo(implementations);
    }

    @Test
    void chatLogEntriesRoundTrip() {
        ChatLogEntry entry = new ChatLogEntry("k1", "s", "u", null, "p", "4915", null, ChatLogEntry.Direction.OUTBOUND,
                "wamid.1", List.of("wamid.1", "wamid.2"), "text", "Antwort", Instant.ofEpochMilli(1_786_000_000_123L),
                Instant.ofEpochMilli(1_786_000_001_000L), "model/x", 10, 20, new BigDecimal("0.0012"), null);
        assertThat(json.logEntry(json.write(entry))).isEqualTo(entry);
    }

    @Test
    void unreadableRowsAreReportedWithoutTheirContent() {
        assertThatThrownBy(() -> json.message("{\"id\":\"wamid.1\",\"content\":{\"kind\":\"nope\",\"body\":\"secret\"}}"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageNotContaining("secret");
    }

}
