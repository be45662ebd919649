package io.github.whatsappai;

import io.github.whatsappai.Fixtures.Recorder;
import io.github.whatsappai.event.Event;
import io.github.whatsappai.testing.ManualClock;
import io.github.whatsappai.testing.SignedWebhooks;
import io.github.whatsappai.testing.WebhookPayloads;
import io.github.whatsappai.webhook.InboundHandler;
import io.github.whatsappai.webhook.WebhookRequest;
import io.github.whatsappai.webhook.WebhookResponse;
import io.github.whatsappai.webhook.model.InboundMessage;
import io.github.whatsappai.webhook.model.ReactionContent;
import io.github.whatsappai.webhook.model.StatusUpdate;
import io.github.whatsappai.webhook.model.SystemContent;
import io.github.whatsappai.webhook.model.TextContent;
import io.github.whatsappai.webhook.model.UnknownContent;
import io.github.whatsappai.webhook.model.UnsupportedContent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WhatsAppAiTest {

    private static final long TS = WebhookPayloads.DEFAULT_TIMESTAMP;

    private final Recorder events = new Recorder();
    private final List<InboundMessage> handled = Collections.synchronizedList(new ArrayList<>());
    private final List<InboundMessage> notified = Collections.synchronizedList(new ArrayList<>());
    private final ManualClock clock = new ManualClock(Fixtures.NOW);
    private WhatsAppAi ai;

    private final InboundHandler handler = new InboundHandler() {
        @Override
        public void onMessage(InboundMessage message) {
            handled.add(message);
        }

        @Override
        public void onRateLimited(InboundMessage message) {
            notified.add(message);
        }
    };

    private WhatsAppAi ai(Consumer<WhatsAppAiConfig.Builder> config) {
        WhatsAppAiConfig.Builder b = Fixtures.config();
        config.accept(b);
        ai = WhatsAppAi.builder().config(b.build()).eventListener(events).inboundHandler(handler).clock(clock).build();
        return ai;
    }

    private WhatsAppAi ai() {
        return ai(b -> { });
    }

    @AfterEach
    void close() {
        if (ai != null) {
            ai.close();
        }
    }

    private WebhookResponse post(byte[] body) {
        return ai.handle(SignedWebhooks.signedPost(body, Fixtures.SECRET));
    }

    private WebhookResponse post(String json) {
        return post(json.getBytes(StandardCharsets.UTF_8));
    }

    private void assertOk(WebhookResponse r) {
        assertThat(r.status()).as(events.events.toString()).isEqualTo(200);
    }

    // ---- handshake and HTTP level --------------------------------------------------------------

    @Test
    void handshakeEchoesTheChallengeVerbatimAsPlainText() {
        ai();
        for (String challenge : List.of("1158201444", "a b/\u00fc?=&x", "0001")) {
            WebhookResponse r = ai.handle(SignedWebhooks.handshake(Fixtures.VERIFY_TOKEN, challenge));
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.body()).isEqualTo(challenge);
            assertThat(r.contentType()).startsWith("text/plain");
        }
        assertThat(events.of(Event.HandshakeAccepted.class)).hasSize(3);
    }

    @Test
    void handshakeIsRefusedWithWrongTokenModeOrMissingParameters() {
        ai();
        List<WebhookRequest> bad = List.of(
                SignedWebhooks.handshake("wrong", "1"),
                SignedWebhooks.handshake(Fixtures.VERIFY_TOKEN.toUpperCase(), "1"),
                WebhookRequest.get("/", Map.of("hub.mode", "unsubscribe", "hub.verify_token", Fixtures.VERIFY_TOKEN,
                        "hub.challenge", "1")),
                WebhookRequest.get("/", Map.of("hub.mode", "subscribe", "hub.challenge", "1")),
                WebhookRequest.get("/", Map.of("hub.mode", "subscribe", "hub.verify_token", Fixtures.VERIFY_TOKEN)),
                WebhookRequest.get("/", Map.of()));
        for (WebhookRequest r : bad) {
            WebhookResponse response = ai.handle(r);
            assertThat(response.status()).as(r.queryParameters().toString()).isEqualTo(403);
            assertThat(response.body()).doesNotContain(Fixtures.VERIFY_TOKEN, "1");
        }
        assertThat(events.of(Event.HandshakeRejected.class)).extracting(Event.HandshakeRejected::reason)
                .containsExactly("hub.verify_token does not match", "hub.verify_token does not match",
                        "hub.mode is not subscribe", "no hub.verify_token", "no hub.challenge",
                        "hub.mode is not subscribe");
    }

    @Test
    void otherMethodsAre405() {
        ai();
        for (String method : List.of("PUT", "DELETE", "PATCH", "HEAD")) {
            assertThat(ai.handle(new WebhookRequest(method, "/", Map.of(), Map.of(), new byte[0])).status())
                    .isEqualTo(405);
        }
        assertThat(ai.handle(new WebhookRequest("post", "/", Map.of(), Map.of(), new byte[0])).status())
                .as("method names are case-insensitive").isEqualTo(401);
    }

    @Test
    void bodiesAboveTheCapAre413EvenWhenSigned() {
        ai(b -> b.maxBodyBytes(3_000_000));
        byte[] big = new byte[3_000_001];
        java.util.Arrays.fill(big, (byte) ' ');
        assertThat(post(big).status()).isEqualTo(413);
        assertThat(events.of(Event.RequestRejected.class)).singleElement()
                .satisfies(e -> assertThat(e.status()).isEqualTo(413));
        assertThat(events.of(Event.SignatureRejected.class)).isEmpty();
    }

    @Test
    void refusalsAnAdapterAnswersItselfAreReportedAsRequestRejected() {
        ai();
        ai.reportRejected(413, "Request body of 5000000 bytes exceeds the limit of 4194304 bytes");
        ai.reportRejected(408, "request body not complete within 10000 ms");

        assertThat(events.of(Event.RequestRejected.class)).extracting(Event.RequestRejected::status)
                .containsExactly(413, 408);
        assertThat(handled).isEmpty();
    }

    // ---- signatures -----------------------------------------------------------------------------

    @Test
    void protocolTestVectorIsAcceptedAndReserialisedSignatureRefused() {
        ai();
        byte[] body = Fixtures.payload("wa_webhook_text.json");
        WebhookResponse good = ai.handle(WebhookRequest.post("/", Map.of("X-Hub-Signature-256",
                "sha256=ebadc28e2f9da0a1e030919b37836db322328331f57c99058236e7577326133c"), body));
        assertOk(good);
        assertThat(handled).hasSize(1);
        WebhookResponse reserialised = ai.handle(WebhookRequest.post("/", Map.of("x-hub-signature-256",
                "sha256=cfd8aa0d52197897869f3246a9fc5ea19726b30826f69d4c2d9fcba4b67105b1"), body));
        assertThat(reserialised.status()).isEqualTo(401);
    }

    @Test
    void missingMalformedOrWrongSignaturesAre401AndNothingIsParsed() {
        ai();
        byte[] body = WebhookPayloads.text("hello").toBytes();
        String sha1 = "sha1=" + "ab".repeat(20);
        List<WebhookRequest> bad = List.of(
                WebhookRequest.post("/", Map.of(), body),
                WebhookRequest.post("/", Map.of("X-Hub-Signature", sha1), body),
                WebhookRequest.post("/", Map.of("X-Hub-Signature-256", sha1), body),
                WebhookRequest.post("/", Map.of("X-Hub-Signature-256", "sha256=xyz"), body),
                SignedWebhooks.signedPost(body, "not_our_secret"),
                WebhookRequest.post("/", Map.of("X-Hub-Signature-256", SignedWebhooks.signature(body, Fixtures.SECRET)),
                        WebhookPayloads.text("hello!").toBytes()));
        for (WebhookRequest r : bad) {
            assertThat(ai.handle(r).status()).isEqualTo(401);
        }
        assertThat(handled).isEmpty();
        assertThat(events.events).allMatch(e -> e instanceof Event.SignatureRejected);
        assertThat(events.of(Event.SignatureRejected.class)).extracting(Event.SignatureRejected::reason)
                .containsExactly("no X-Hub-Signature-256 header", "no X-Hub-Signature-256 header",
                        "X-Hub-Signature-256 is not sha256= and 64 hex digits",
                        "X-Hub-Signature-256 is not sha256= and 64 hex digits",
                        "signature does not match any configured app secret",
                        "signature does not match any configured app secret");
    }

    @Test
    void thePreviousSecretStillVerifiesDuringARotation() {
        ai();
        assertOk(ai.handle(SignedWebhooks.signedPost(WebhookPayloads.text("hi").toBytes(), Fixtures.OLD_SECRET)));
        assertThat(handled).hasSize(1);
    }

    // ---- signed but unusable bodies: always 200 --------------------------------------------------

    @Test
    void signedBodiesThatCannotBeReadAreAnswered200AndReported() {
        ai();
        List<byte[]> bodies = List.of(
                "not json at all".getBytes(StandardCharsets.UTF_8),
                "[1,2,3]".getBytes(StandardCharsets.UTF_8),
                new byte[0],
                "{\"object\":\"whatsapp_business_account\",\"entry\":[".getBytes(StandardCharsets.UTF_8),
                ("{\"object\":\"whatsapp_business_account\",\"x\":" + "[".repeat(5000) + "]".repeat(5000) + "}")
                        .getBytes(StandardCharsets.UTF_8),
                new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'},
                "{\"object\":\"page\",\"entry\":[]}".getBytes(StandardCharsets.UTF_8),
                "{\"entry\":[]}".getBytes(StandardCharsets.UTF_8));
        for (byte[] body : bodies) {
            assertOk(post(body));
        }
        assertThat(events.of(Event.PayloadRejected.class)).hasSize(bodies.size());
        assertThat(events.of(Event.PayloadRejected.class).get(6).reason()).contains("'page'");
        assertThat(handled).isEmpty();
    }

    @Test
    void unreadablePartsAreReportedAndTheRestIsProcessed() {
        ai();
        String json = WebhookPayloads.text("kept").wamid("wamid.K").toJson()
                .replace("\"messages\":[", "\"messages\":[{\"id\":\"wamid.bad\",\"type\":\"image\"},");
        assertOk(post(json));
        assertThat(handled).extracting(InboundMessage::id).containsExactly("wamid.K");
        assertThat(events.of(Event.PayloadProblem.class)).singleElement()
                .satisfies(p -> assertThat(p.problem()).contains("wamid.bad", "image"));
    }

    // ---- business filter -------------------------------------------------------------------------

    @Test
    void deliveriesForOtherNumbersOrWabasAreAcknowledgedAndIgnored() {
        ai(b -> b.businessAccountIds(Fixtures.WABA_ID));
        assertOk(post(WebhookPayloads.batch()
                .add(WebhookPayloads.text("other number").phoneNumberId("999999"))
                .add(WebhookPayloads.text("other number again").phoneNumberId("999999"))
                .add(WebhookPayloads.text("other waba").wabaId("888888"))
                .add(WebhookPayloads.status("wamid.S", "read").phoneNumberId("999999"))
                .add(WebhookPayloads.text("ours").wamid("wamid.OURS"))
                .toBytes()));
        assertThat(handled).extracting(InboundMessage::id).containsExactly("wamid.OURS");
        assertThat(events.of(Event.ForeignDeliveryIgnored.class))
                .extracting(Event.ForeignDeliveryIgnored::wabaId, Event.ForeignDeliveryIgnored::phoneNumberId)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple(Fixtures.WABA_ID, "999999"),
                        org.assertj.core.groups.Tuple.tuple("888888", Fixtures.PHONE_NUMBER_ID));
        assertThat(events.of(Event.StatusReceived.class)).isEmpty();
    }

    @Test
    void anyWabaIsAcceptedWhenNoneIsConfigured() {
        ai();
        assertOk(post(WebhookPayloads.text("x").wabaId("123456").toBytes()));
        assertThat(handled).hasSize(1);
    }

    // ---- routing ---------------------------------------------------------------------------------

    @Test
    void batchFixtureIsRoutedByType() {
        ai();
        assertOk(post(Fixtures.payload("wa_webhook_batch_multi.json")));
        assertThat(handled).extracting(InboundMessage::type).containsExactly("text", "video", "document", "sticker",
                "interactive", "request_welcome", "text");
        assertThat(events.of(Event.NonConversationalMessage.class))
                .allMatch(e -> e.message().content() instanceof ReactionContent).hasSize(2);
        assertThat(events.of(Event.StatusReceived.class)).hasSize(1);
        assertThat(events.of(Event.MessageAccepted.class)).hasSize(7);
        assertThat(events.of(Event.MessageAccepted.class).get(0).key().userKey())
                .isEqualTo("US.13491208655300000123");
    }

    @Test
    void systemUnknownAndUnsupportedMessages() {
        ai();
        assertOk(post(Fixtures.payload("wa_webhook_system_changed_number.json")));
        assertOk(post(Fixtures.payload("wa_webhook_unsupported.json")));
        assertOk(post(WebhookPayloads.text("x").toJson().replace("\"type\":\"text\",\"text\"",
                "\"type\":\"hologram\",\"hologram\"")));
        assertThat(handled).singleElement().satisfies(m -> assertThat(m.content()).isInstanceOf(UnsupportedContent.class));
        assertThat(events.of(Event.NonConversationalMessage.class)).extracting(e -> (Object) e.message().content().getClass())
                .containsExactly(SystemContent.class, UnknownContent.class);
    }

    @Test
    void statusesAreDeduplicatedPerIdAndStatus() {
        ai();
        byte[] body = Fixtures.payload("wa_webhook_statuses_failed.json");
        assertOk(post(body));
        assertOk(post(body));
        assertThat(events.of(Event.StatusReceived.class)).extracting(e -> e.status().status())
                .containsExactly(StatusUpdate.Status.SENT, StatusUpdate.Status.DELIVERED, StatusUpdate.Status.READ,
                        StatusUpdate.Status.FAILED);
        assertThat(events.of(Event.DuplicateIgnored.class)).hasSize(4);
        assertThat(events.of(Event.StatusReceived.class).get(3).severity()).isEqualTo(Event.Severity.WARN);
    }

    @Test
    void valueErrorsAndOtherFieldsBecomeEvents() {
        ai();
        assertOk(post("{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"200000000000002\","
                + "\"changes\":[{\"field\":\"account_update\",\"value\":{\"event\":\"X\"}},{\"field\":\"messages\","
                + "\"value\":{\"metadata\":{\"phone_number_id\":\"100000000000001\"},\"errors\":[{\"code\":131000,"
                + "\"title\":\"Something went wrong\"}]}}]}]}"));
        assertThat(events.of(Event.WebhookErrorReceived.class)).singleElement()
                .satisfies(e -> assertThat(e.error().error().code()).isEqualTo(131000));
        assertThat(events.of(Event.OtherChangeReceived.class)).singleElement()
                .satisfies(e -> assertThat(e.change().field()).isEqualTo("account_update"));
    }

    // ---- large deliveries ------------------------------------------------------------------------

    @Test
    void aBatchOfAThousandMessagesIsHandledCompletely() {
        ai(b -> b.rateLimitPerMinute(1000));
        WebhookPayloads.Batch batch = WebhookPayloads.batch();
        for (int i = 0; i < 1000; i++) {
            batch.add(WebhookPayloads.text("message " + i).wamid("wamid.B" + i));
        }
        assertOk(post(batch.toBytes()));
        assertThat(handled).hasSize(1000);
        assertThat(handled.get(999).content()).isEqualTo(new TextContent("message 999"));
    }

    @Test
    void aThreeMegabyteDeliveryIsAccepted() {
        ai();
        WebhookPayloads.Batch batch = WebhookPayloads.batch();
        String text = "x".repeat(1000);
        int n = 0;
        int size = 0;
        while (size < 3_000_000) {
            batch.add(WebhookPayloads.text(text).wamid("wamid.L" + n).from(Long.toString(15_550_000_000L + n))
                    .userId(null));
            n++;
            size += 1_100;
        }
        byte[] body = batch.toBytes();
        assertThat(body.length).isBetween(3_000_000, 4 * 1024 * 1024);
        assertOk(post(body));
        assertThat(handled).hasSize(n);
    }

    // ---- duplicates --------------------------------------------------------------------------------

    @Test
    void duplicatesWithinOnePostAndAcrossPostsAreIgnored() {
        ai();
        byte[] body = WebhookPayloads.batch()
                .add(WebhookPayloads.text("a").wamid("wamid.D1"))
                .add(WebhookPayloads.text("a").wamid("wamid.D1"))
                .toBytes();
        assertOk(post(body));
        assertOk(post(body));
        assertOk(post(Fixtures.payload("wa_webhook_text.json")));
        assertOk(post(Fixtures.payload("wa_webhook_text.json")));
        assertThat(handled).extracting(InboundMessage::id)
                .containsExactly("wamid.D1", "wamid.HBgLMTU1NTU1NTAxMjMVAgASGBRJTi1URVhULTAwMDEwMDAwMDAwMAA=");
        assertThat(events.of(Event.DuplicateIgnored.class)).hasSize(4)
                .allMatch(e -> e.kind().equals("message"));
    }

    @Test
    void redeliveriesNeverConsumeRateLimitTokens() {
        ai(b -> b.rateLimitPerMinute(2));
        byte[] first = WebhookPayloads.text("a").wamid("wamid.R1").toBytes();
        for (int i = 0; i < 5; i++) {
            assertOk(post(first));
        }
        assertOk(post(WebhookPayloads.text("b").wamid("wamid.R2").toBytes()));
        assertThat(handled).extracting(InboundMessage::id).containsExactly("wamid.R1", "wamid.R2");
        assertThat(events.of(Event.RateLimited.class)).isEmpty();
    }

    @Test
    void concurrentRedeliveriesAreHandedOffExactlyOnce() throws Exception {
        ai();
        byte[] body = WebhookPayloads.text("race").wamid("wamid.RACE").toBytes();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<WebhookResponse>> results = new ArrayList<>();
            for (int i = 0; i < 32; i++) {
                results.add(pool.submit(() -> {
                    start.await();
                    return post(body);
                }));
            }
            start.countDown();
            for (Future<WebhookResponse> f : results) {
                assertOk(f.get(30, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(handled).hasSize(1);
        assertThat(events.of(Event.DuplicateIgnored.class)).hasSize(31);
    }

    // ---- stale messages ------------------------------------------------------------------------------

    @Test
    void messagesOlderThanTheMaximumAgeAreIgnored() {
        ai(b -> b.maxMessageAge(Duration.ofHours(24)));
        clock.advance(Duration.ofHours(24));
        Instant now = clock.instant();
        assertOk(post(WebhookPayloads.batch()
                .add(WebhookPayloads.text("old").wamid("wamid.OLD").timestamp(now.minus(Duration.ofHours(24)).minusSeconds(1)))
                .add(WebhookPayloads.text("edge").wamid("wamid.EDGE").timestamp(now.minus(Duration.ofHours(24))))
                .add(WebhookPayloads.text("future").wamid("wamid.FUT").timestamp(now.plusSeconds(120)))
                .toBytes()));
        assertThat(handled).extracting(InboundMessage::id).containsExactly("wamid.EDGE", "wamid.FUT");
        assertThat(events.of(Event.StaleMessageIgnored.class)).singleElement().satisfies(e -> {
            assertThat(e.messageId()).isEqualTo("wamid.OLD");
            assertThat(e.age()).isEqualTo(Duration.ofHours(24).plusSeconds(1));
        });
    }

    @Test
    void aMessageWithoutTimestampCountsAsReceivedNow() {
        ai();
        assertOk(post(WebhookPayloads.text("t").wamid("wamid.NOTS").toJson().replace(",\"timestamp\":\"" + TS + "\"", "")));
        assertThat(handled).singleElement().satisfies(m -> assertThat(m.timestamp()).isEqualTo(clock.instant()));
    }

    // ---- rate limit ------------------------------------------------------------------------------------

    @Test
    void rateLimitNotifiesOnceAMinuteThenDropsSilentlyUntilRefilled() {
        ai(b -> b.rateLimitPerMinute(20));
        int n = 0;
        for (int i = 0; i < 23; i++) {
            assertOk(post(WebhookPayloads.text("m").wamid("wamid.RL" + n++).timestamp(clock.instant()).toBytes()));
        }
        assertThat(handled).hasSize(20);
        assertThat(notified).extracting(InboundMessage::id).containsExactly("wamid.RL20");
        assertThat(events.of(Event.RateLimited.class)).extracting(Event.RateLimited::noticeRequested)
                .containsExactly(true, false, false);
        // another sender is not affected
        assertOk(post(WebhookPayloads.text("m").wamid("wamid.OTHER").from("15555550177").userId(null).toBytes()));
        assertThat(handled).hasSize(21);

        clock.advance(Duration.ofSeconds(30));
        assertOk(post(WebhookPayloads.text("m").wamid("wamid.RL" + n++).toBytes()));
        assertThat(handled).as("tokens refill gradually").hasSize(22);

        clock.advance(Duration.ofSeconds(60));
        for (int i = 0; i < 20; i++) {
            assertOk(post(WebhookPayloads.text("m").wamid("wamid.RL" + n++).toBytes()));
        }
        assertThat(handled).as("a full bucket after a minute").hasSize(42);
        assertOk(post(WebhookPayloads.text("m").wamid("wamid.RL" + n++).toBytes()));
        assertThat(notified).as("a new notice in the next minute").hasSize(2);
        assertThat(events.of(Event.RateLimited.class).get(3).noticeRequested()).isTrue();
    }

    // ---- identity ----------------------------------------------------------------------------------------

    @Test
    void invalidIdentitiesAreRejectedWithAReason() {
        ai();
        List<WebhookPayloads.MessageBuilder> bad = List.of(
                WebhookPayloads.text("a").from("123456").userId(null),
                WebhookPayloads.text("a").from("1234567890123456").userId(null),
                WebhookPayloads.text("a").from("+15555550123").userId(null),
                WebhookPayloads.text("a").from(null).userId("us.123"),
                WebhookPayloads.text("a").from(null).userId("USA.123"),
                WebhookPayloads.text("a").from(null).userId("US."),
                WebhookPayloads.text("a").from(null).userId("US.abc-def"),
                WebhookPayloads.text("a").from(null).userId("US." + "1".repeat(129)),
                WebhookPayloads.text("a").from("15555550123").userId("bogus"),
                WebhookPayloads.text("a").from(null).userId(null));
        WebhookPayloads.Batch batch = WebhookPayloads.batch();
        bad.forEach(batch::add);
        assertOk(post(batch.toBytes()));
        assertThat(handled).isEmpty();
        assertThat(events.of(Event.MessageRejected.class)).hasSize(bad.size());
        assertThat(events.of(Event.MessageRejected.class).get(9).reason()).contains("neither");
        assertThat(events.of(Event.MessageRejected.class).get(0).reason()).contains("wa_id");
        assertThat(events.of(Event.MessageRejected.class).get(3).reason()).contains("business-scoped");

        assertOk(post(WebhookPayloads.batch()
                .add(WebhookPayloads.text("a").from(null).userId("US." + "a.B9".repeat(32)))
                .add(WebhookPayloads.text("a").from("1234567").userId(null))
                .add(WebhookPayloads.text("a").from("123456789012345").userId("BR.ENT.77"))
                .toBytes()));
        assertThat(handled).hasSize(3);
    }

    @Test
    void messagesWithoutIdAreRejected() {
        ai();
        assertOk(post(WebhookPayloads.text("a").wamid("wamid.ID").toJson().replace("\"id\":\"wamid.ID\",", "")));
        assertThat(handled).isEmpty();
        assertThat(events.of(Event.MessageRejected.class)).singleElement()
                .satisfies(e -> assertThat(e.reason()).isEqualTo("message has no id"));
    }

    // ---- sanitising ---------------------------------------------------------------------------------------

    @Test
    void textsAndProfileNamesAreSanitisedAndCapped() {
        ai(b -> b.maxMessageChars(11));
        assertOk(post(WebhookPayloads.batch()
                .add(WebhookPayloads.text("a\u202Eb\u2066c\u0000d\u0007e\r\nf\tg\u0085h").wamid("w1")
                        .profileName("Eve\u202E\u0001"))
                .add(WebhookPayloads.text("Cafe\u0301").wamid("w2"))
                .add(WebhookPayloads.text("0123456789\uD83D\uDE42\uD83D\uDE42").wamid("w3"))
                .add(WebhookPayloads.image("m", "cap\u202Ation").wamid("w4"))
                .toBytes()));
        assertThat(handled).extracting(m -> m.content().describe())
                .containsExactly("abcde\nf\tgh", "Caf\u00e9", "0123456789", "[image: caption]");
        assertThat(handled.get(0).sender().profileName()).isEqualTo("Eve");
    }

    // ---- robustness ----------------------------------------------------------------------------------------

    @Test
    void listenerExceptionsNeverBreakHandle() {
        ai = WhatsAppAi.builder().config(Fixtures.config().build()).inboundHandler(handler).clock(clock)
                .eventListener(e -> {
                    throw new IllegalStateException("listener bug");
                }).build();
        assertOk(post(Fixtures.payload("wa_webhook_batch_multi.json")));
        assertThat(handled).hasSize(7);
        assertThat(ai.handle(SignedWebhooks.signedPost(new byte[] {1}, "wrong")).status()).isEqualTo(401);
        assertThat(ai.handle(SignedWebhooks.handshake(Fixtures.VERIFY_TOKEN, "c")).body()).isEqualTo("c");
    }

    @Test
    void aFailingHandlerGets503AndTheMessageIsProcessedOnRedelivery() {
        List<String> seen = new ArrayList<>();
        boolean[] fail = {true};
        ai = WhatsAppAi.builder().config(Fixtures.config().build()).eventListener(events).clock(clock)
                .inboundHandler(m -> {
                    if (fail[0] && m.id().equals("wamid.F2")) {
                        throw new IllegalStateException("queue full");
                    }
                    seen.add(m.id());
                }).build();
        byte[] body = WebhookPayloads.batch()
                .add(WebhookPayloads.text("1").wamid("wamid.F1"))
                .add(WebhookPayloads.text("2").wamid("wamid.F2"))
                .toBytes();
        assertThat(post(body).status()).isEqualTo(503);
        assertThat(events.of(Event.SpiFailed.class)).singleElement()
                .satisfies(e -> assertThat(e.willRetry()).isTrue());
        fail[0] = false;
        assertOk(post(body));
        assertThat(seen).containsExactly("wamid.F1", "wamid.F2");
    }

    @Test
    void aFailingRateLimitNoticeDoesNotFailTheDelivery() {
        ai = WhatsAppAi.builder().config(Fixtures.config().rateLimitPerMinute(1).build()).eventListener(events)
                .clock(clock).inboundHandler(new InboundHandler() {
                    @Override
                    public void onMessage(InboundMessage message) {
                        handled.add(message);
                    }

                    @Override
                    public void onRateLimited(InboundMessage message) {
                        throw new IllegalStateException("cannot send notice");
                    }
                }).build();
        assertOk(post(WebhookPayloads.batch().add(WebhookPayloads.text("1")).add(WebhookPayloads.text("2")).toBytes()));
        assertThat(handled).hasSize(1);
        assertThat(events.of(Event.SpiFailed.class)).singleElement()
                .satisfies(e -> assertThat(e.willRetry()).isFalse());
    }

    @Test
    void afterCloseEveryPostIs503AndCloseIsIdempotent() {
        ai();
        ai.close();
        ai.close();
        assertThat(post(Fixtures.payload("wa_webhook_text.json")).status()).isEqualTo(503);
        assertThat(handled).isEmpty();
        assertThat(ai.handle(SignedWebhooks.handshake(Fixtures.VERIFY_TOKEN, "c")).status()).isEqualTo(200);
    }

    // ---- construction ----------------------------------------------------------------------------------------

    @Test
    void fromEnvironmentAndBuilderValidation() {
        try (WhatsAppAi env = WhatsAppAi.fromEnvironment(Map.of("META_APP_SECRET", Fixtures.SECRET,
                "META_WEBHOOK_VERIFY_TOKEN", Fixtures.VERIFY_TOKEN, "META_PHONE_NUMBER_ID", Fixtures.PHONE_NUMBER_ID,
                "META_ACCESS_TOKEN", "token-for-tests"))) {
            assertThat(env.config().webhook().phoneNumberIds()).containsExactly(Fixtures.PHONE_NUMBER_ID);
            assertThat(env.handle(SignedWebhooks.handshake(Fixtures.VERIFY_TOKEN, "42")).body()).isEqualTo("42");
        }
        assertThatThrownBy(() -> WhatsAppAi.fromEnvironment(Map.of())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("META_APP_SECRET");
        assertThatThrownBy(() -> WhatsAppAi.builder().build()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("config");
    }
}
