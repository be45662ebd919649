package io.github.whatsappai.internal.webhook;

import io.github.whatsappai.Fixtures;
import io.github.whatsappai.webhook.MalformedWebhookException;
import io.github.whatsappai.webhook.model.BusinessNumber;
import io.github.whatsappai.webhook.model.ButtonContent;
import io.github.whatsappai.webhook.model.ContactsContent;
import io.github.whatsappai.webhook.model.InboundMessage;
import io.github.whatsappai.webhook.model.InteractiveContent;
import io.github.whatsappai.webhook.model.LocationContent;
import io.github.whatsappai.webhook.model.MediaContent;
import io.github.whatsappai.webhook.model.MediaContent.MediaKind;
import io.github.whatsappai.webhook.model.OrderContent;
import io.github.whatsappai.webhook.model.ReactionContent;
import io.github.whatsappai.webhook.model.RequestWelcomeContent;
import io.github.whatsappai.webhook.model.Sender;
import io.github.whatsappai.webhook.model.StatusUpdate;
import io.github.whatsappai.webhook.model.StatusUpdate.Status;
import io.github.whatsappai.webhook.model.SystemContent;
import io.github.whatsappai.webhook.model.TextContent;
import io.github.whatsappai.webhook.model.UnknownContent;
import io.github.whatsappai.webhook.model.UnsupportedContent;
import io.github.whatsappai.webhook.model.WebhookDelivery;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WebhookParserTest {

    private static final BusinessNumber BUSINESS =
            new BusinessNumber("200000000000002", "100000000000001", "15555550100");
    private static final Sender ALEX =
            new Sender("15555550123", "US.13491208655300000123", null, "Alex Example", null);

    private final WebhookParser parser = new WebhookParser();

    private WebhookDelivery parseFixture(String name) {
        WebhookDelivery d = parser.parse(Fixtures.payload(name));
        assertThat(d.problems()).isEmpty();
        assertThat(d.isWhatsApp()).isTrue();
        return d;
    }

    private InboundMessage only(String name) {
        WebhookDelivery d = parseFixture(name);
        assertThat(d.messages()).hasSize(1);
        InboundMessage m = d.messages().get(0);
        assertThat(m.business()).isEqualTo(BUSINESS);
        assertThat(m.sender()).isEqualTo(ALEX);
        return m;
    }

    private static WebhookDelivery parse(WebhookParser p, String json) {
        return p.parse(json.getBytes(StandardCharsets.UTF_8));
    }

    // ---- one test per fixture ------------------------------------------------------------------

    @Test
    void text() {
        InboundMessage m = only("wa_webhook_text.json");
        assertThat(m.id()).isEqualTo("wamid.HBgLMTU1NTU1NTAxMjMVAgASGBRJTi1URVhULTAwMDEwMDAwMDAwMAA=");
        assertThat(m.timestamp()).isEqualTo(Instant.ofEpochSecond(1_786_000_000L));
        assertThat(m.type()).isEqualTo("text");
        assertThat(m.content()).isEqualTo(new TextContent(
                "Hi! Do you deliver on Sundays? \uD83D\uDE42 Pre\u00e7o em caf\u00e9? 50% off/promo @store <3"));
        assertThat(m.context()).isNull();
        assertThat(m.referral()).isNull();
        assertThat(m.errors()).isEmpty();
        assertThat(m.groupId()).isNull();
    }

    @Test
    void textReplyContext() {
        InboundMessage m = only("wa_webhook_text_reply_context.json");
        assertThat(m.content()).isEqualTo(new TextContent("Yes, that one please"));
        assertThat(m.context().from()).isEqualTo("15555550100");
        assertThat(m.context().id()).isEqualTo("wamid.HBgLMTU1NTU1NTAxMjMVAgARGBRPVVQtMDAwMTAwMDAwMDAwMDAwMAA=");
        assertThat(m.context().forwarded()).isFalse();
    }

    @Test
    void textWithClickToWhatsAppReferral() {
        InboundMessage m = only("wa_webhook_text_ctwa_referral.json");
        assertThat(m.content()).isEqualTo(new TextContent("Hello! Can I get more info on this?"));
        var r = m.referral();
        assertThat(r.sourceUrl()).isEqualTo("https://ads.example.com/a/3cr4Wqqkv");
        assertThat(r.sourceId()).isEqualTo("120000000000000901");
        assertThat(r.sourceType()).isEqualTo("ad");
        assertThat(r.body()).isEqualTo("Summer plants are here!");
        assertThat(r.headline()).isEqualTo("Chat with us");
        assertThat(r.mediaType()).isEqualTo("image");
        assertThat(r.imageUrl()).isEqualTo("https://cdn.example.com/ads/summer.jpg");
        assertThat(r.videoUrl()).isNull();
        assertThat(r.ctwaClid()).startsWith("ARAkLkA8rmlFeiCktEJQ");
        assertThat(r.welcomeMessageText()).isEqualTo("Hi there! Let us know how we can help!");
    }

    @Test
    void image() {
        InboundMessage m = only("wa_webhook_image.json");
        assertThat(m.content()).isEqualTo(new MediaContent(MediaKind.IMAGE, "1000000000000401", "image/jpeg",
                "Y2FmZWNhZmVjYWZlY2FmZWNhZmVjYWZlY2FmZWNhZmU=", "Is this plant healthy?", null,
                "https://lookaside.example.com/whatsapp_business/attachments/?mid=1000000000000401&ext=1786000480&hash=ATuFAKE",
                false, false));
    }

    @Test
    void voiceNote() {
        MediaContent c = (MediaContent) only("wa_webhook_audio_voice.json").content();
        assertThat(c.kind()).isEqualTo(MediaKind.AUDIO);
        assertThat(c.voice()).isTrue();
        assertThat(c.mimeType()).isEqualTo("audio/ogg; codecs=opus");
        assertThat(c.mediaId()).isEqualTo("1000000000000501");
        assertThat(c.describe()).isEqualTo("[voice message]");
    }

    @Test
    void location() {
        assertThat(only("wa_webhook_location.json").content()).isEqualTo(new LocationContent(37.44221496582,
                -122.16165924072, "Example Coffee", "101 Example Ave, Palo Alto, CA 94301",
                "https://coffee.example.com/"));
    }

    @Test
    void sharedContact() {
        ContactsContent c = (ContactsContent) only("wa_webhook_contacts.json").content();
        assertThat(c.contacts()).containsExactly(new ContactsContent.SharedContact("Jamie Sample",
                List.of("+1 (555) 555-0199"), List.of("15555550199"), List.of("jamie@example.com"), "Example Corp"));
    }

    @Test
    void interactiveButtonReply() {
        InboundMessage m = only("wa_webhook_interactive_button_reply.json");
        assertThat(m.content()).isEqualTo(
                new InteractiveContent("button_reply", "confirm-yes", "Yes, confirm", null, null, null, null));
        assertThat(m.context().id()).isEqualTo("wamid.HBgLMTU1NTU1NTAxMjMVAgARGBRPVVQtMDAwMjAwMDAwMDAwMDAwMAA=");
    }

    @Test
    void interactiveFlowReply() {
        InteractiveContent c = (InteractiveContent) only("wa_webhook_interactive_nfm_reply.json").content();
        assertThat(c.interactiveType()).isEqualTo("nfm_reply");
        assertThat(c.flowName()).isEqualTo("flow");
        assertThat(c.flowBody()).isEqualTo("Sent");
        assertThat(c.flowResponseJson())
                .isEqualTo("{\"flow_token\":\"ft-7f3a\",\"preferred_time\":\"morning\",\"notes\":\"Ring twice\"}");
    }

    @Test
    void templateQuickReplyButton() {
        InboundMessage m = only("wa_webhook_button_quick_reply.json");
        assertThat(m.content()).isEqualTo(new ButtonContent("UNSUBSCRIBE_PROMOS", "Stop promotions"));
        assertThat(m.context().id()).isEqualTo("wamid.HBgLMTU1NTU1NTAxMjMVAgARGBRPVVQtVFBMLTAwMDQwMDAwMDAwMAA=");
    }

    @Test
    void order() {
        OrderContent c = (OrderContent) only("wa_webhook_order.json").content();
        assertThat(c.catalogId()).isEqualTo("300000000000003");
        assertThat(c.text()).isEmpty();
        assertThat(c.items()).hasSize(2);
        assertThat(c.items().get(0).productRetailerId()).isEqualTo("sku-fern-01");
        assertThat(c.items().get(0).quantity()).isEqualTo(2);
        assertThat(c.items().get(0).itemPrice()).isEqualByComparingTo(new BigDecimal("30"));
        assertThat(c.items().get(1).itemPrice()).isEqualByComparingTo(new BigDecimal("12.5"));
        assertThat(c.items().get(1).currency()).isEqualTo("USD");
    }

    @Test
    void systemMessageHasNoContacts() {
        WebhookDelivery d = parseFixture("wa_webhook_system_changed_number.json");
        InboundMessage m = d.messages().get(0);
        assertThat(m.sender()).isEqualTo(new Sender("15555550123", "US.13491208655300000123", null, null, null));
        assertThat(m.content()).isEqualTo(new SystemContent("user_changed_number",
                "User Alex Example changed from 15555550123 to 15555550188", "15555550188",
                "US.13491208655300000188"));
    }

    @Test
    void unsupportedWithError() {
        InboundMessage m = only("wa_webhook_unsupported.json");
        assertThat(m.content()).isEqualTo(new UnsupportedContent("poll"));
        assertThat(m.errors()).hasSize(1);
        assertThat(m.errors().get(0).code()).isEqualTo(131051);
        assertThat(m.errors().get(0).title()).isEqualTo("Message type unknown");
        assertThat(m.errors().get(0).details()).isEqualTo("Message type is currently not supported.");
    }

    @Test
    void statusesIncludingFailure() {
        WebhookDelivery d = parseFixture("wa_webhook_statuses_failed.json");
        assertThat(d.messages()).isEmpty();
        assertThat(d.statuses()).extracting(StatusUpdate::status)
                .containsExactly(Status.SENT, Status.DELIVERED, Status.READ, Status.FAILED);
        StatusUpdate sent = d.statuses().get(0);
        assertThat(sent.business()).isEqualTo(BUSINESS);
        assertThat(sent.messageId()).isEqualTo("wamid.HBgLMTU1NTU1NTAxMjMVAgARGBRPVVQtMDAwMTAwMDAwMDAwMDAwMAA=");
        assertThat(sent.timestamp()).isEqualTo(Instant.ofEpochSecond(1_786_000_010L));
        assertThat(sent.recipientId()).isEqualTo("15555550123");
        assertThat(sent.recipientUserId()).isEqualTo("US.13491208655300000123");
        assertThat(sent.bizOpaqueCallbackData()).isEqualTo("conv=8c1e;turn=14");
        assertThat(sent.pricingCategory()).isEqualTo("service");
        assertThat(sent.errors()).isEmpty();
        StatusUpdate failed = d.statuses().get(3);
        assertThat(failed.recipientUserId()).isNull();
        assertThat(failed.errors()).hasSize(1);
        assertThat(failed.errors().get(0).code()).isEqualTo(131047);
        assertThat(failed.errors().get(0).title()).isEqualTo("Re-engagement message");
        assertThat(failed.errors().get(0).details()).startsWith("Message failed to send because more than 24 hours");
        assertThat(failed.errors().get(0).href()).startsWith("https://developers.facebook.com/");
    }

    @Test
    void batchOverEveryEntryAndChange() {
        WebhookDelivery d = parseFixture("wa_webhook_batch_multi.json");
        assertThat(d.messages()).extracting(InboundMessage::type).containsExactly("text", "video", "document",
                "sticker", "interactive", "reaction", "reaction", "request_welcome", "text");
        assertThat(d.statuses()).hasSize(1);
        assertThat(d.statuses().get(0).status()).isEqualTo(Status.DELIVERED);

        InboundMessage forwarded = d.messages().get(0);
        assertThat(forwarded.context().forwarded()).isTrue();
        assertThat(forwarded.context().frequentlyForwarded()).isTrue();
        assertThat(forwarded.context().id()).isNull();

        MediaContent doc = (MediaContent) d.messages().get(2).content();
        assertThat(doc.kind()).isEqualTo(MediaKind.DOCUMENT);
        assertThat(doc.filename()).isEqualTo("invoice-2026-08.pdf");
        assertThat(doc.caption()).isEqualTo("My invoice");
        assertThat(((MediaContent) d.messages().get(3).content()).kind()).isEqualTo(MediaKind.STICKER);
        assertThat(d.messages().get(4).content()).isEqualTo(new InteractiveContent("list_reply", "slot-0900",
                "9:00 AM", "Tomorrow, morning slot", null, null, null));
        assertThat(d.messages().get(5).content()).isEqualTo(new ReactionContent(
                "wamid.HBgLMTU1NTU1NTAxMjMVAgARGBRPVVQtMDAwMTAwMDAwMDAwMDAwMAA=", "\uD83D\uDC4D"));
        assertThat(((ReactionContent) d.messages().get(6).content()).removed()).isTrue();

        InboundMessage welcome = d.messages().get(7);
        assertThat(welcome.content()).isInstanceOf(RequestWelcomeContent.class);
        assertThat(welcome.sender()).isEqualTo(
                new Sender("15555550177", "US.13491208655300000177", null, "Sam Placeholder", null));
        assertThat(d.messages().get(8).content()).isEqualTo(new TextContent("Also: do you ship to Canada?"));
    }

    // ---- leniency and edge cases ---------------------------------------------------------------

    @Test
    void emptyArraysAndMissingParts() {
        WebhookDelivery d = parse(parser, "{\"object\":\"whatsapp_business_account\",\"entry\":[]}");
        assertThat(d.messages()).isEmpty();
        assertThat(d.problems()).isEmpty();
        d = parse(parser, "{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"1\",\"changes\":[]}]}");
        assertThat(d.problems()).isEmpty();
        d = parse(parser, "{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"1\",\"changes\":[{\"field\":"
                + "\"messages\",\"value\":{\"metadata\":{\"phone_number_id\":\"2\"},\"contacts\":[],\"messages\":[],"
                + "\"statuses\":[],\"errors\":[]}}]}]}");
        assertThat(d.messages()).isEmpty();
        assertThat(d.statuses()).isEmpty();
        assertThat(d.problems()).isEmpty();
        d = parse(parser, "{\"object\":\"whatsapp_business_account\"}");
        assertThat(d.problems()).containsExactly("delivery has no entry array");
    }

    @Test
    void missingContactsLeaveProfileEmptyAndNumbersAsStringsOrNumbersAreRead() {
        WebhookDelivery d = parse(parser, "{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"1\","
                + "\"changes\":[{\"field\":\"messages\",\"value\":{\"metadata\":{\"phone_number_id\":\"2\"},"
                + "\"messages\":[{\"from\":\"15555550123\",\"id\":\"wamid.A\",\"timestamp\":1786000000,"
                + "\"type\":\"location\",\"location\":{\"latitude\":\"1.5\",\"longitude\":\"-2.25\"}},"
                + "{\"from\":\"15555550123\",\"id\":\"wamid.B\",\"timestamp\":\" 1786000001 \",\"type\":\"order\","
                + "\"order\":{\"product_items\":[{\"product_retailer_id\":\"x\",\"quantity\":\"3\","
                + "\"item_price\":\"9.99\"}]}}," 
                + "{\"from\":\"15555550123\",\"id\":\"wamid.B2\",\"timestamp\":1786000002.0,\"type\":\"text\","
                + "\"text\":{\"body\":\"x\"}}]}}]}]}");
        assertThat(d.problems()).isEmpty();
        InboundMessage a = d.messages().get(0);
        assertThat(a.sender()).isEqualTo(new Sender("15555550123", null, null, null, null));
        assertThat(a.timestamp()).isEqualTo(Instant.ofEpochSecond(1_786_000_000L));
        assertThat(a.content()).isEqualTo(new LocationContent(1.5, -2.25, null, null, null));
        OrderContent o = (OrderContent) d.messages().get(1).content();
        assertThat(d.messages().get(1).timestamp()).isEqualTo(Instant.ofEpochSecond(1_786_000_001L));
        assertThat(o.items().get(0).quantity()).isEqualTo(3);
        assertThat(o.items().get(0).itemPrice()).isEqualByComparingTo("9.99");
        assertThat(d.messages().get(2).timestamp()).isEqualTo(Instant.ofEpochSecond(1_786_000_002L));
    }

    @Test
    void contactsAreMatchedByUserIdWhenThePhoneNumberIsWithheld() {
        WebhookDelivery d = parse(parser, "{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"1\","
                + "\"changes\":[{\"field\":\"messages\",\"value\":{\"metadata\":{\"phone_number_id\":\"2\"},"
                + "\"contacts\":[{\"profile\":{\"name\":\"Other\"},\"wa_id\":\"15555550999\"},"
                + "{\"profile\":{\"name\":\"Kim\",\"username\":\"@kim\"},\"user_id\":\"BR.77aa\","
                + "\"parent_user_id\":\"BR.ENT.99\"}],"
                + "\"messages\":[{\"from_user_id\":\"BR.77aa\",\"id\":\"wamid.C\",\"timestamp\":\"1786000000\","
                + "\"type\":\"text\",\"text\":{\"body\":\"oi\"}}]}}]}]}");
        assertThat(d.messages().get(0).sender())
                .isEqualTo(new Sender(null, "BR.77aa", "BR.ENT.99", "Kim", "@kim"));
        assertThat(d.messages().get(0).sender().conversationId()).isEqualTo("BR.77aa");
    }

    @Test
    void contactsAreMatchedTheSameWayInSmallAndLargeArrays() {
        for (int others : new int[]{0, 3, WebhookParser.Contacts.SCAN_LIMIT, 40}) {
            StringBuilder contacts = new StringBuilder();
            for (int i = 0; i < others; i++) {
                contacts.append("{\"profile\":{\"name\":\"Other").append(i).append("\"},\"wa_id\":\"1555556")
                        .append(String.format("%04d", i)).append("\"},");
            }
            contacts.append("{\"profile\":{\"name\":\"ByWaId\"},\"wa_id\":\"15555550123\"},")
                    .append("{\"profile\":{\"name\":\"Second\"},\"wa_id\":\"15555550123\"},")
                    .append("\"not an object\",")
                    .append("{\"profile\":{\"name\":\"ByUserId\"},\"wa_id\":\"15555550777\",\"user_id\":\"US.42\"}");
            WebhookDelivery d = parse(parser, "{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"1\","
                    + "\"changes\":[{\"field\":\"messages\",\"value\":{\"metadata\":{\"phone_number_id\":\"2\"},"
                    + "\"contacts\":[" + contacts + "],\"messages\":["
                    + "{\"from\":\"15555550123\",\"id\":\"wamid.1\",\"type\":\"text\",\"text\":{\"body\":\"a\"}},"
                    + "{\"from\":\"15555550777\",\"from_user_id\":\"US.42\",\"id\":\"wamid.2\",\"type\":\"text\","
                    + "\"text\":{\"body\":\"b\"}},"
                    + "{\"from_user_id\":\"US.43\",\"id\":\"wamid.3\",\"type\":\"text\",\"text\":{\"body\":\"c\"}}"
                    + "]}}]}]}");
            assertThat(d.problems()).as("%d other contacts", others).isEmpty();
            assertThat(d.messages().get(0).sender().profileName()).as("first contact with the wa_id")
                    .isEqualTo("ByWaId");
            assertThat(d.messages().get(1).sender().profileName()).isEqualTo("ByUserId");
            assertThat(d.messages().get(2).sender()).as("no contact").isEqualTo(new Sender(null, "US.43", null, null, null));
        }
    }

    @Test
    void unknownTypesAndLegacyUnknownAreKept() {
        WebhookDelivery d = parse(parser, "{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"1\","
                + "\"changes\":[{\"field\":\"messages\",\"value\":{\"metadata\":{\"phone_number_id\":\"2\"},"
                + "\"messages\":[{\"from\":\"15555550123\",\"id\":\"wamid.D\",\"timestamp\":\"1786000000\","
                + "\"type\":\"hologram\",\"hologram\":{\"depth\":3}},"
                + "{\"from\":\"15555550123\",\"id\":\"wamid.E\",\"timestamp\":\"1786000000\",\"type\":\"unknown\","
                + "\"errors\":[{\"code\":\"131051\",\"title\":\"Unsupported\"}]},"
                + "{\"from\":\"15555550123\",\"id\":\"wamid.F\",\"timestamp\":\"1786000000\"}]}}]}]}");
        assertThat(d.problems()).isEmpty();
        UnknownContent hologram = (UnknownContent) d.messages().get(0).content();
        assertThat(hologram.type()).isEqualTo("hologram");
        assertThat(hologram.raw().path("hologram").path("depth").asInt()).isEqualTo(3);
        assertThat(d.messages().get(1).content()).isEqualTo(new UnsupportedContent(null));
        assertThat(d.messages().get(1).errors().get(0).code()).isEqualTo(131051);
        assertThat(d.messages().get(2).content()).isInstanceOf(UnknownContent.class);
    }

    @Test
    void unreadablePartsBecomeProblemsAndTheRestIsKept() {
        WebhookDelivery d = parse(parser, "{\"object\":\"whatsapp_business_account\",\"entry\":[7,{\"id\":\"1\","
                + "\"changes\":[{\"field\":\"messages\",\"value\":{\"metadata\":{\"phone_number_id\":\"2\"},"
                + "\"messages\":[{\"from\":\"15555550123\",\"id\":\"wamid.G\",\"timestamp\":\"yesterday\","
                + "\"type\":\"text\",\"text\":{\"body\":\"a\"}},"
                + "{\"from\":\"15555550123\",\"id\":\"wamid.H\",\"type\":\"image\"},"
                + "{\"from\":\"15555550123\",\"id\":\"wamid.I\",\"type\":\"location\",\"location\":{\"latitude\":\"north\"}},"
                + "\"not an object\","
                + "{\"from\":\"15555550123\",\"id\":\"wamid.J\",\"type\":\"text\",\"text\":{\"body\":\"kept\"}}],"
                + "\"statuses\":{\"oops\":1}}},{\"field\":\"messages\",\"value\":[]},{\"value\":{}}]}]}");
        assertThat(d.messages()).extracting(InboundMessage::id).containsExactly("wamid.J");
        assertThat(d.messages().get(0).timestamp()).isNull();
        assertThat(d.problems()).hasSize(8);
        assertThat(d.problems()).anyMatch(p -> p.startsWith("entry[0] is not an object"));
        assertThat(d.problems()).anyMatch(p -> p.contains("(id wamid.G)") && p.contains("timestamp"));
        assertThat(d.problems()).anyMatch(p -> p.contains("(id wamid.H)") && p.contains("without its image object"));
        assertThat(d.problems()).anyMatch(p -> p.contains("(id wamid.I)") && p.contains("latitude"));
        assertThat(d.problems()).anyMatch(p -> p.contains("messages[3]: not an object"));
        assertThat(d.problems()).anyMatch(p -> p.contains("statuses is not an array"));
        assertThat(d.problems()).anyMatch(p -> p.contains("changes[1].value is missing or not an object"));
        assertThat(d.problems()).anyMatch(p -> p.contains("changes[2] has no field"));
    }

    @Test
    void otherFieldsAndValueErrors() {
        WebhookDelivery d = parse(parser, "{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"1\","
                + "\"changes\":[{\"field\":\"account_update\",\"value\":{\"event\":\"VERIFIED_ACCOUNT\"}},"
                + "{\"field\":\"messages\",\"value\":{\"metadata\":{\"phone_number_id\":\"2\"},"
                + "\"errors\":[{\"code\":131000,\"title\":\"Something went wrong\",\"message\":\"m\","
                + "\"error_data\":{\"details\":\"d\"}}]}}]}]}");
        assertThat(d.otherChanges()).hasSize(1);
        assertThat(d.otherChanges().get(0).field()).isEqualTo("account_update");
        assertThat(d.otherChanges().get(0).wabaId()).isEqualTo("1");
        assertThat(d.otherChanges().get(0).value().path("event").asText()).isEqualTo("VERIFIED_ACCOUNT");
        assertThat(d.errors()).hasSize(1);
        assertThat(d.errors().get(0).business().phoneNumberId()).isEqualTo("2");
        assertThat(d.errors().get(0).error().code()).isEqualTo(131000);
        assertThat(d.errors().get(0).error().details()).isEqualTo("d");
    }

    @Test
    void playedStatusAndUnknownStatus() {
        WebhookDelivery d = parse(parser, "{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"1\","
                + "\"changes\":[{\"field\":\"messages\",\"value\":{\"metadata\":{\"phone_number_id\":\"2\"},"
                + "\"statuses\":[{\"id\":\"wamid.O\",\"status\":\"played\",\"timestamp\":\"1786000000\"},"
                + "{\"id\":\"wamid.O\",\"status\":\"teleported\",\"timestamp\":\"1786000001\"}]}}]}]}");
        assertThat(d.statuses().get(0).status()).isEqualTo(Status.PLAYED);
        assertThat(d.statuses().get(1).status()).isEqualTo(Status.UNKNOWN);
        assertThat(d.statuses().get(1).rawStatus()).isEqualTo("teleported");
    }

    @Test
    void otherObjectIsParsedButNotWhatsApp() {
        WebhookDelivery d = parse(parser, "{\"object\":\"page\",\"entry\":[]}");
        assertThat(d.isWhatsApp()).isFalse();
        assertThat(d.object()).isEqualTo("page");
    }

    @Test
    void bodiesThatAreNotJsonObjectsAreRefused() {
        for (String body : List.of("", "   ", "not json", "[1,2]", "\"text\"", "null", "{\"object\":",
                "{\"a\":1} trailing", "{\"a\":1}{\"b\":2}")) {
            assertThatThrownBy(() -> parse(parser, body)).as(body).isInstanceOf(MalformedWebhookException.class);
        }
    }

    @Test
    void invalidUtf8IsRefused() {
        byte[] body = "{\"object\":\"whatsapp_business_account\",\"x\":\"\u00ff\"}".getBytes(StandardCharsets.ISO_8859_1);
        assertThatThrownBy(() -> parser.parse(body)).isInstanceOf(MalformedWebhookException.class);
    }

    @Test
    void deepNestingIsRefusedWithoutBuildingATree() {
        String deep = "{\"object\":\"whatsapp_business_account\",\"x\":" + "[".repeat(100_000)
                + "]".repeat(100_000) + "}";
        assertThatThrownBy(() -> parse(parser, deep)).isInstanceOf(MalformedWebhookException.class)
                .hasMessageContaining("nesting");
        String fine = "{\"object\":\"whatsapp_business_account\",\"x\":" + "[".repeat(50) + "]".repeat(50) + "}";
        assertThat(parse(parser, fine).isWhatsApp()).isTrue();
    }

    @Test
    void aThousandMessagesInOneDelivery() {
        StringBuilder sb = new StringBuilder("{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"1\","
                + "\"changes\":[{\"field\":\"messages\",\"value\":{\"metadata\":{\"phone_number_id\":\"2\"},\"messages\":[");
        for (int i = 0; i < 1000; i++) {
            sb.append(i == 0 ? "" : ",").append("{\"from\":\"15555550123\",\"id\":\"wamid.").append(i)
                    .append("\",\"timestamp\":\"1786000000\",\"type\":\"text\",\"text\":{\"body\":\"m").append(i)
                    .append("\"}}");
        }
        WebhookDelivery d = parse(parser, sb.append("]}}]}]}").toString());
        assertThat(d.messages()).hasSize(1000);
        assertThat(d.messages().get(999).content()).isEqualTo(new TextContent("m999"));
    }
}
