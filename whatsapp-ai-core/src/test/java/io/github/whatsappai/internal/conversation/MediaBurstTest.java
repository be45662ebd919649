package io.github.whatsappai.internal.conversation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.github.whatsappai.ai.AiResponder;
import io.github.whatsappai.ai.ChatTurn;
import io.github.whatsappai.ai.OpenRouterResponder;
import io.github.whatsappai.ai.OpenRouterSettings;
import io.github.whatsappai.client.GraphWhatsAppClient;
import io.github.whatsappai.client.WhatsAppClient;
import io.github.whatsappai.conversation.MediaSettings;
import io.github.whatsappai.event.Event;
import io.github.whatsappai.internal.media.TestMedia;
import io.github.whatsappai.spi.ChatLogEntry;
import io.github.whatsappai.spi.InMemoryChatLogger;
import io.github.whatsappai.spi.InMemorySessionStore;
import io.github.whatsappai.spi.InMemoryUserMapper;
import io.github.whatsappai.store.InMemoryStateStore;
import io.github.whatsappai.store.StateStore;
import io.github.whatsappai.store.SwitchableStateStore;
import io.github.whatsappai.testing.DirectExecutor;
import io.github.whatsappai.testing.Inbound;
import io.github.whatsappai.testing.ManualClock;
import io.github.whatsappai.testing.RecordingWhatsAppClient;
import io.github.whatsappai.testing.VirtualScheduler;
import io.github.whatsappai.webhook.model.InboundMessage;
import io.github.whatsappai.webhook.model.MediaContent;
import io.github.whatsappai.webhook.model.MediaContent.MediaKind;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.function.Consumer;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Voice notes, photos and documents through the whole engine: the real Graph client looks them up
 * and downloads them from WireMock, the real OpenRouter responder sends them to WireMock, and the
 * request parts, the reply, the chat log and the history are checked as a user and an operator see them.
 */
class MediaBurstTest {

    private static final String ALICE = "6281234567890";
    private static final String TOKEN = "EAAG-test-token";
    private static final String CHAT = "/api/v1/chat/completions";
    private static final String TEXT_MODEL = "google/gemini-2.0-flash-exp:free";
    private static final String MEDIA_MODEL = "google/gemini-2.5-flash";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final byte[] VOICE = TestMedia.oggOpus(3);
    private static final byte[] PHOTO = TestMedia.jpeg(320, 240);
    private static final byte[] INVOICE = TestMedia.pdf("Invoice 42: Rp 45.000, due 10 December");

    private static WireMockServer wm;

    private final ManualClock clock = ManualClock.atDefaultStart();
    private final VirtualScheduler scheduler = new VirtualScheduler(clock);
    private final RecordingWhatsAppClient sender = new RecordingWhatsAppClient();
    private final InMemoryUserMapper users = new InMemoryUserMapper();
    private final InMemorySessionStore sessions = new InMemorySessionStore();
    private final InMemoryChatLogger chatLog = new InMemoryChatLogger();
    private final List<Event> events = Collections.synchronizedList(new ArrayList<>());
    private GraphWhatsAppClient graph;
    private ConversationEngine engine;

    @BeforeAll
    static void startWireMock() {
        wm = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"));
        wm.start();
    }

    @AfterAll
    static void stopWireMock() {
        wm.stop();
    }

    @BeforeEach
    void setUp() {
        wm.resetAll();
        graph = GraphWhatsAppClient.builder().accessToken(TOKEN).graphApiBaseUrl(wm.baseUrl()).maxAttempts(1).build();
    }

    @AfterEach
    void tearDown() {
        if (engine != null) {
            engine.close();
        }
        graph.close();
        assertThat(scheduler.failures()).isEmpty();
    }

    private OpenRouterSettings.Builder openRouter() {
        return OpenRouterSettings.builder().apiKey("sk-or-v1-test").baseUrl(wm.baseUrl() + "/api/v1")
                .model(TEXT_MODEL).fallbackModels(List.of("openrouter/free"))
                .mediaModel(MEDIA_MODEL).mediaFallbackModels(List.of("openai/gpt-4o-audio-preview"));
    }

    private ConversationEngine engine(OpenRouterSettings settings, Consumer<MediaSettings.Builder> media) {
        AiResponder responder = OpenRouterResponder.builder().settings(settings).maxAttempts(1).build();
        MediaSettings.Builder mb = MediaSettings.builder();
        media.accept(mb);
        engine = ConversationEngine.builder()
                .userMapper(users).sessionStore(sessions).chatLogger(chatLog)
                .aiResponder(responder).whatsAppClient(sender)
                .mediaSource(graph).mediaSettings(mb.build())
                .eventListener(events::add)
                .clock(clock).scheduler(scheduler).workerExecutor(DirectExecutor.INSTANCE)
                .build();
        return engine;
    }

    /**
     * An engine on {@code store} sharing this test's users, sessions, chat log and media source, as a
     * second instance of the application would.
     */
    private ConversationEngine.Builder instance(StateStore store, AiResponder responder, WhatsAppClient client,
                                                VirtualScheduler on) {
        return ConversationEngine.builder().userMapper(users).sessionStore(sessions).chatLogger(chatLog)
                .aiResponder(responder).whatsAppClient(client).mediaSource(graph)
                .clock(clock).scheduler(on).workerExecutor(DirectExecutor.INSTANCE).stateStore(store);
    }

    private ConversationEngine engine() {
        return engine(openRouter().build(), m -> { });
    }

    private static void stubMedia(String id, String lookupMime, byte[] data, String contentType) {
        wm.stubFor(get("/v26.0/" + id).willReturn(okJson("{\"messaging_product\":\"whatsapp\",\"url\":\"" + wm.baseUrl()
                + "/lookaside/" + id + "?ext=1\",\"mime_type\":\"" + lookupMime + "\",\"sha256\":\"abc\",\"file_size\":"
                + data.length + ",\"id\":\"" + id + "\"}")));
        wm.stubFor(get(urlPathEqualTo("/lookaside/" + id)).withHeader("Authorization", equalTo("Bearer " + TOKEN))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", contentType).withBody(data)));
    }

    private static void stubReply(String content) {
        wm.stubFor(post(CHAT).willReturn(okJson("{\"id\":\"gen-1\",\"model\":\"" + MEDIA_MODEL + "\",\"choices\":[{"
                + "\"index\":0,\"finish_reason\":\"stop\",\"message\":{\"role\":\"assistant\",\"content\":"
                + JSON.valueToTree(content) + "}}],\"usage\":{\"prompt_tokens\":1450,\"completion_tokens\":80,"
                + "\"total_tokens\":1530,\"cost\":0.00042}}")));
    }

    private InboundMessage voice(String id) {
        return Inbound.of(ALICE, "audio", new MediaContent(MediaKind.AUDIO, id, "audio/ogg; codecs=opus", "abc", null,
                null, null, true, false), clock.instant());
    }

    private InboundMessage photo(String id, String caption) {
        return Inbound.of(ALICE, "image", new MediaContent(MediaKind.IMAGE, id, "image/jpeg", "abc", caption, null,
                null, false, false), clock.instant());
    }

    private void send(InboundMessage... messages) {
        for (InboundMessage m : messages) {
            engine.onMessage(m);
        }
        scheduler.advance(Duration.ofSeconds(15));
    }

    private static List<JsonNode> aiRequests() throws IOException {
        List<JsonNode> bodies = new ArrayList<>();
        for (var r : wm.findAll(postRequestedFor(urlEqualTo(CHAT)))) {
            bodies.add(JSON.readTree(r.getBody()));
        }
        return bodies;
    }

    private static JsonNode lastUserContent(JsonNode body) {
        JsonNode messages = body.path("messages");
        return messages.get(messages.size() - 1).path("content");
    }

    private <E extends Event> List<E> events(Class<E> type) {
        synchronized (events) {
            return events.stream().filter(type::isInstance).map(type::cast).toList();
        }
    }

    @Test
    void textVoiceNoteAndPhotoGoToOneAiCallInOrder() throws IOException {
        stubMedia("voice-1", "audio/ogg; codecs=opus", VOICE, "audio/ogg");
        stubMedia("photo-1", "image/jpeg", PHOTO, "image/jpeg");
        stubReply("Your order is on its way; the receipt shows Rp 45.000.\n<media-notes>\n"
                + "1: Halo, pesanan saya sudah dikirim belum?\n2: A receipt from Kopi Senja for Rp 45.000.\n</media-notes>");
        engine();
        InboundMessage text = Inbound.text(ALICE, "Hi, about my order", clock.instant());
        InboundMessage voice = voice("voice-1");
        InboundMessage photo = photo("photo-1", "the receipt");

        send(text, voice, photo);

        List<JsonNode> calls = aiRequests();
        assertThat(calls).hasSize(1);
        JsonNode body = calls.get(0);
        assertThat(body.path("model").asText()).isEqualTo(MEDIA_MODEL);
        assertThat(body.path("models").toString()).isEqualTo("[\"openai/gpt-4o-audio-preview\"]");
        String b64Voice = Base64.getEncoder().encodeToString(VOICE);
        String b64Photo = Base64.getEncoder().encodeToString(PHOTO);
        assertThat(lastUserContent(body)).isEqualTo(JSON.readTree("["
                + "{\"type\":\"text\",\"text\":\"Hi, about my order\\n[attachment 1: voice message]\"},"
                + "{\"type\":\"input_audio\",\"input_audio\":{\"data\":\"" + b64Voice + "\",\"format\":\"ogg\"}},"
                + "{\"type\":\"text\",\"text\":\"[attachment 2: image: the receipt]\"},"
                + "{\"type\":\"image_url\",\"image_url\":{\"url\":\"data:image/jpeg;base64," + b64Photo + "\"}}]"));
        assertThat(body.path("messages").get(0).path("content").asText()).contains("<media-notes>");
        wm.verify(1, getRequestedFor(urlEqualTo("/v26.0/voice-1")));
        wm.verify(1, getRequestedFor(urlEqualTo("/v26.0/photo-1")));

        assertThat(sender.texts()).extracting(RecordingWhatsAppClient.SentText::text)
                .containsExactly("Your order is on its way; the receipt shows Rp 45.000.");
        List<ChatLogEntry> log = chatLog.entries();
        assertThat(log).extracting(ChatLogEntry::content).containsExactlyInAnyOrder(
                "Hi, about my order",
                "[voice message] Halo, pesanan saya sudah dikirim belum?",
                "[image: the receipt] A receipt from Kopi Senja for Rp 45.000.",
                "Your order is on its way; the receipt shows Rp 45.000.");
        ChatLogEntry reply = log.stream().filter(e -> e.direction() == ChatLogEntry.Direction.OUTBOUND).findFirst()
                .orElseThrow();
        assertThat(reply.model()).isEqualTo(MEDIA_MODEL);
        assertThat(reply.promptTokens()).isEqualTo(1450);
        assertThat(reply.completionTokens()).isEqualTo(80);
        assertThat(reply.cost()).isEqualByComparingTo(new BigDecimal("0.00042"));
        String session = log.get(0).sessionId();
        assertThat(sessions.history(session, 10).get(0).content()).isEqualTo("Hi, about my order\n"
                + "[voice message] Halo, pesanan saya sudah dikirim belum?\n"
                + "[image: the receipt] A receipt from Kopi Senja for Rp 45.000.");
    }

    @Test
    void theNextTurnHasTheTranscriptWithoutTheBytesAndATextBurstKeepsTheTextModel() throws IOException {
        stubMedia("voice-2", "audio/ogg; codecs=opus", VOICE, "audio/ogg");
        stubReply("We open at 8.\n<media-notes>\n1: Jam berapa buka hari Sabtu?\n</media-notes>");
        engine();
        send(voice("voice-2"));
        stubReply("You're welcome!");
        send(Inbound.text(ALICE, "Thanks", clock.instant()));

        List<JsonNode> calls = aiRequests();
        assertThat(calls).hasSize(2);
        JsonNode second = calls.get(1);
        assertThat(second.path("model").asText()).isEqualTo(TEXT_MODEL);
        assertThat(second.path("models").toString()).isEqualTo("[\"openrouter/free\"]");
        assertThat(second.toString()).doesNotContain("input_audio").doesNotContain(Base64.getEncoder()
                .encodeToString(VOICE).substring(0, 40)).doesNotContain("media-notes");
        assertThat(second.path("messages").get(1).path("content").asText())
                .isEqualTo("[voice message] Jam berapa buka hari Sabtu?");
        assertThat(lastUserContent(second).asText()).isEqualTo("Thanks");
        wm.verify(1, getRequestedFor(urlEqualTo("/lookaside/voice-2?ext=1")));
    }

    @Test
    void aPdfGoesAsAFilePartFromTheWebhookUrlWithoutALookup() throws IOException {
        wm.stubFor(get(urlPathEqualTo("/webhook-url/doc-1")).withHeader("Authorization", equalTo("Bearer " + TOKEN))
                .willReturn(aResponse().withHeader("Content-Type", "application/octet-stream").withBody(INVOICE)));
        stubReply("The invoice is for Rp 45.000, due 10 December.\n<media-notes>\n1: Invoice 42 for Rp 45.000.\n"
                + "</media-notes>");
        engine();
        InboundMessage doc = Inbound.of(ALICE, "document", new MediaContent(MediaKind.DOCUMENT, "doc-1",
                "application/octet-stream", null, "is this right?", "C:\\Users\\me\\invoice \"42\".pdf",
                wm.baseUrl() + "/webhook-url/doc-1", false, false), clock.instant());

        send(doc);

        assertThat(lastUserContent(aiRequests().get(0))).isEqualTo(JSON.readTree("["
                + "{\"type\":\"text\",\"text\":\"[attachment 1: document: C:\\\\Users\\\\me\\\\invoice \\\"42\\\".pdf – is this right?]\"},"
                + "{\"type\":\"file\",\"file\":{\"filename\":\"invoice 42.pdf\",\"file_data\":\"data:application/pdf;base64,"
                + Base64.getEncoder().encodeToString(INVOICE) + "\"}}]"));
        wm.verify(0, getRequestedFor(urlEqualTo("/v26.0/doc-1")));
        assertThat(sender.texts()).extracting(RecordingWhatsAppClient.SentText::text)
                .containsExactly("The invoice is for Rp 45.000, due 10 December.");
    }

    @Test
    void anExpiredWebhookUrlIsLookedUpAgain() throws IOException {
        wm.stubFor(get(urlPathEqualTo("/expired/voice-3")).willReturn(aResponse().withStatus(404)
                .withHeader("Content-Type", "application/json").withBody("{\"error\":{\"message\":\"URL expired\"}}")));
        stubMedia("voice-3", "audio/ogg", VOICE, "audio/ogg");
        stubReply("Got it.\n<media-notes>\n1: Hello\n</media-notes>");
        engine();
        InboundMessage voice = Inbound.of(ALICE, "audio", new MediaContent(MediaKind.AUDIO, "voice-3", "audio/ogg",
                null, null, null, wm.baseUrl() + "/expired/voice-3", true, false), clock.instant());

        send(voice);

        wm.verify(1, getRequestedFor(urlEqualTo("/expired/voice-3")));
        wm.verify(1, getRequestedFor(urlEqualTo("/v26.0/voice-3")));
        wm.verify(1, getRequestedFor(urlEqualTo("/lookaside/voice-3?ext=1")));
        assertThat(lastUserContent(aiRequests().get(0)).get(1).path("input_audio").path("data").asText())
                .isEqualTo(Base64.getEncoder().encodeToString(VOICE));
        assertThat(sender.texts()).extracting(RecordingWhatsAppClient.SentText::text).containsExactly("Got it.");
    }

    @Test
    void aFailedDownloadIsRetriedOnTheSharedRetryLayer() throws IOException {
        stubMedia("voice-4", "audio/ogg", VOICE, "audio/ogg");
        wm.stubFor(get("/v26.0/voice-4").inScenario("flaky").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(503)).willSetStateTo("up"));
        stubReply("Got it.\n<media-notes>\n1: Hello\n</media-notes>");
        engine();

        send(voice("voice-4"));

        wm.verify(2, getRequestedFor(urlEqualTo("/v26.0/voice-4")));
        assertThat(aiRequests()).hasSize(1);
        assertThat(sender.texts()).extracting(RecordingWhatsAppClient.SentText::text).containsExactly("Got it.");
    }

    @Test
    void mediaThatCannotBeFetchedStillGetsItsTextAnsweredAndIsNamed() throws IOException {
        wm.stubFor(get("/v26.0/photo-5").willReturn(aResponse().withStatus(400).withHeader("Content-Type",
                "application/json").withBody("{\"error\":{\"message\":\"Unsupported get request\",\"code\":100}}")));
        stubReply("We open at 8 on Saturdays.");
        engine();

        send(Inbound.text(ALICE, "When do you open on Saturday?", clock.instant()), photo("photo-5", null));

        JsonNode body = aiRequests().get(0);
        assertThat(body.path("model").asText()).isEqualTo(TEXT_MODEL);
        assertThat(lastUserContent(body).asText()).isEqualTo("When do you open on Saturday?\n[image]");
        assertThat(sender.texts()).extracting(RecordingWhatsAppClient.SentText::text).containsExactly(
                "We open at 8 on Saturdays.\n\nSorry, I couldn't read your photo (it could not be downloaded). "
                        + "Could you send it as text?");
        assertThat(events(Event.MediaNotRead.class)).singleElement()
                .satisfies(e -> assertThat(e.reason()).contains("Graph API error 100"));
        assertThat(chatLog.entries()).extracting(ChatLogEntry::content)
                .anySatisfy(c -> assertThat(c).startsWith("[image] (not read: Graph API error 100"));
    }

    @Test
    void capsAndTheAllowListAreNamedToTheUserAndOnlyTheRestIsSent() throws IOException {
        byte[] bigPhoto = TestMedia.jpeg(1200, 900);
        stubMedia("big-1", "image/jpeg", bigPhoto, "image/jpeg");
        stubMedia("voice-6", "audio/ogg", VOICE, "audio/ogg");
        stubMedia("fake-1", "image/jpeg", "<!DOCTYPE html><html><script>x</script></html>".getBytes(), "text/html");
        stubReply("Noted.\n<media-notes>\n1: Hello\n</media-notes>");
        engine(openRouter().build(), m -> m.maxItemBytes(bigPhoto.length - 1).maxBurstBytes(bigPhoto.length));
        InboundMessage exe = Inbound.of(ALICE, "document", new MediaContent(MediaKind.DOCUMENT, "exe-1",
                "application/x-msdownload", null, null, "setup.exe", null, false, false), clock.instant());
        InboundMessage video = Inbound.of(ALICE, "video", new MediaContent(MediaKind.VIDEO, "video-1", "video/mp4",
                null, null, null, null, false, false), clock.instant());

        send(photo("big-1", null), voice("voice-6"), photo("fake-1", null), exe, video);

        JsonNode content = lastUserContent(aiRequests().get(0));
        assertThat(content).hasSize(3);
        assertThat(content.get(0).path("text").asText()).isEqualTo("[image]\n[attachment 1: voice message]");
        assertThat(content.get(1).path("type").asText()).isEqualTo("input_audio");
        assertThat(content.get(2).path("text").asText()).isEqualTo("[image]\n[document: setup.exe]\n[video]");
        wm.verify(0, getRequestedFor(urlEqualTo("/v26.0/exe-1")));
        wm.verify(0, getRequestedFor(urlEqualTo("/v26.0/video-1")));
        assertThat(sender.texts()).extracting(RecordingWhatsAppClient.SentText::text).containsExactly(
                "Noted.\n\nSorry, I couldn't read your photo (too large), your photo (this type is not supported), "
                        + "your document setup.exe (this type is not supported) and your video (this type is not "
                        + "supported). Could you send it as text?");
        assertThat(events(Event.MediaNotRead.class)).extracting(Event.MediaNotRead::reason).containsExactly(
                "media larger than the cap of " + (bigPhoto.length - 1) + " bytes (at least " + bigPhoto.length
                        + " bytes)",
                "the file is declared image/jpeg but is text/html",
                "the type application/x-msdownload is not accepted",
                "videos are not read");
    }

    @Test
    void aFileLargerThanItsLookupSaidIsRefusedWhileItStreams() {
        byte[] bigPhoto = TestMedia.jpeg(1200, 900);
        wm.stubFor(get("/v26.0/liar-1").willReturn(okJson("{\"url\":\"" + wm.baseUrl() + "/lookaside/liar-1\","
                + "\"mime_type\":\"image/jpeg\",\"file_size\":1000,\"id\":\"liar-1\"}")));
        wm.stubFor(get("/lookaside/liar-1").willReturn(aResponse().withHeader("Content-Type", "image/jpeg")
                .withBody(bigPhoto)));
        engine(openRouter().build(), m -> m.maxItemBytes(2_000).maxBurstBytes(2_000));

        send(photo("liar-1", null));

        assertThat(wm.findAll(postRequestedFor(urlEqualTo(CHAT)))).isEmpty();
        assertThat(sender.texts()).extracting(RecordingWhatsAppClient.SentText::text).containsExactly(
                "Sorry, I couldn't read your photo (too large). Could you send it as text?");
        assertThat(events(Event.MediaNotRead.class)).singleElement()
                .satisfies(e -> assertThat(e.reason()).startsWith("media larger than the cap of 2000 bytes"));
    }

    @Test
    void aBurstTakenOverAfterACrashDownloadsItsMediaAgainFromTheStoredIds() throws IOException {
        stubMedia("voice-10", "audio/ogg", VOICE, "audio/ogg");
        stubReply("Got it.\n<media-notes>\n1: Hello\n</media-notes>");
        SwitchableStateStore shared = new SwitchableStateStore(InMemoryStateStore.builder().build());
        shared.durable.set(true);
        VirtualScheduler schedulerA = new VirtualScheduler(clock);
        AiResponder responder = OpenRouterResponder.builder().settings(openRouter().build()).maxAttempts(1).build();
        // instance A claims the burst, then crashes before its worker runs: nothing but the store remains
        ConversationEngine a = instance(shared, responder, sender, schedulerA).workerExecutor(task -> { })
                .owner("instance-a").lease(Duration.ofSeconds(30)).build();
        engine = instance(shared, responder, sender, scheduler)
                .owner("instance-b").lease(Duration.ofSeconds(30)).build();

        a.onMessage(voice("voice-10"));
        schedulerA.advance(Duration.ofSeconds(16));
        assertThat(wm.getAllServeEvents()).as("A downloaded nothing").isEmpty();
        scheduler.advance(Duration.ofSeconds(50));

        wm.verify(1, getRequestedFor(urlEqualTo("/v26.0/voice-10")));
        assertThat(lastUserContent(aiRequests().get(0)).get(1).path("input_audio").path("data").asText())
                .isEqualTo(Base64.getEncoder().encodeToString(VOICE));
        assertThat(sender.texts()).extracting(RecordingWhatsAppClient.SentText::text).containsExactly("Got it.");
    }

    @Test
    void aBurstTakenOverAfterItsReplyWasStoredKeepsTheTranscriptInTheHistoryOnce() throws IOException {
        stubMedia("voice-11", "audio/ogg", VOICE, "audio/ogg");
        stubReply("We open at 8.\n<media-notes>\n1: Jam berapa buka hari Sabtu?\n</media-notes>");
        SwitchableStateStore shared = new SwitchableStateStore(InMemoryStateStore.builder().build());
        shared.durable.set(true);
        VirtualScheduler schedulerA = new VirtualScheduler(clock);
        RecordingWhatsAppClient senderA = new RecordingWhatsAppClient().holdSends();
        AiResponder responder = OpenRouterResponder.builder().settings(openRouter().build()).maxAttempts(1).build();
        // instance A reads the voice note, asks the AI, stores the reply, and crashes while sending it
        ConversationEngine a = instance(shared, responder, senderA, schedulerA)
                .owner("instance-a").lease(Duration.ofSeconds(30)).build();
        engine = instance(shared, responder, sender, scheduler)
                .owner("instance-b").lease(Duration.ofSeconds(30)).build();

        a.onMessage(voice("voice-11"));
        schedulerA.advance(Duration.ofSeconds(16));
        assertThat(senderA.heldSends()).as("A stored its reply and is sending it").isEqualTo(1);
        scheduler.advance(Duration.ofSeconds(50));

        assertThat(aiRequests()).as("B sent the stored reply without asking again").hasSize(1);
        wm.verify(1, getRequestedFor(urlEqualTo("/v26.0/voice-11")));
        assertThat(sender.texts()).extracting(RecordingWhatsAppClient.SentText::text).containsExactly("We open at 8.");
        String session = chatLog.entries().get(0).sessionId();
        assertThat(sessions.history(session, 10)).extracting(ChatTurn::content)
                .containsExactly("[voice message] Jam berapa buka hari Sabtu?", "We open at 8.");
        assertThat(chatLog.entries()).extracting(ChatLogEntry::content)
                .containsExactlyInAnyOrder("[voice message] Jam berapa buka hari Sabtu?", "We open at 8.");
        scheduler.advance(Duration.ofMinutes(5));
        assertThat(sender.texts()).hasSize(1);
        assertThat(shared.stats(clock.millis()).inFlight()).isZero();
    }

    @Test
    void aBurstTakenOverBeforeItsReplyWasStoredLogsItsMediaOnceAndAnswersOnce() throws IOException {
        stubMedia("voice-15", "audio/ogg", VOICE, "audio/ogg");
        stubReply("We open at 8.\n<media-notes>\n1: Jam berapa buka hari Sabtu?\n</media-notes>");
        SwitchableStateStore shared = new SwitchableStateStore(InMemoryStateStore.builder().build());
        shared.durable.set(true);
        VirtualScheduler schedulerA = new VirtualScheduler(clock);
        RecordingWhatsAppClient senderA = new RecordingWhatsAppClient();
        AiResponder responder = OpenRouterResponder.builder().settings(openRouter().build()).maxAttempts(1).build();
        // instance A logs the voice note with its transcript, then cannot store the reply and dies waiting
        AiResponder thenTheStoreFails = new AiResponder() {
            @Override
            public io.github.whatsappai.ai.AiReply respond(io.github.whatsappai.ai.AiRequest request) {
                io.github.whatsappai.ai.AiReply reply = responder.respond(request);
                shared.down.set(true);
                return reply;
            }

            @Override
            public boolean acceptsMedia() {
                return true;
            }
        };
        ConversationEngine a = instance(shared, thenTheStoreFails, senderA, schedulerA)
                .owner("instance-a").lease(Duration.ofSeconds(30)).build();
        engine = instance(shared, responder, sender, scheduler)
                .owner("instance-b").lease(Duration.ofSeconds(30)).build();

        a.onMessage(voice("voice-15"));
        schedulerA.advance(Duration.ofSeconds(16));
        assertThat(chatLog.entries()).extracting(ChatLogEntry::content)
                .containsExactly("[voice message] Jam berapa buka hari Sabtu?");
        shared.down.set(false);
        scheduler.advance(Duration.ofSeconds(50));

        assertThat(aiRequests()).as("the reply was never stored: B asked again").hasSize(2);
        assertThat(senderA.texts()).isEmpty();
        assertThat(sender.texts()).extracting(RecordingWhatsAppClient.SentText::text).containsExactly("We open at 8.");
        assertThat(chatLog.entries()).extracting(ChatLogEntry::content)
                .containsExactlyInAnyOrder("[voice message] Jam berapa buka hari Sabtu?", "We open at 8.");
        String session = chatLog.entries().get(0).sessionId();
        assertThat(sessions.history(session, 10)).extracting(ChatTurn::content)
                .containsExactly("[voice message] Jam berapa buka hari Sabtu?", "We open at 8.");
    }

    @Test
    void theDailyAllowanceIsTheStoresSoInstancesOnOneStoreShareIt() throws IOException {
        stubMedia("voice-12", "audio/ogg", VOICE, "audio/ogg");
        stubMedia("voice-13", "audio/ogg", VOICE, "audio/ogg");
        stubReply("Noted.\n<media-notes>\n1: One\n</media-notes>");
        SwitchableStateStore shared = new SwitchableStateStore(InMemoryStateStore.builder().build());
        shared.durable.set(true);
        VirtualScheduler schedulerA = new VirtualScheduler(clock);
        AiResponder responder = OpenRouterResponder.builder().settings(openRouter().build()).maxAttempts(1).build();
        MediaSettings onePerDay = MediaSettings.builder().maxItemsPerUserPerDay(1).build();
        ConversationEngine a = instance(shared, responder, sender, schedulerA).mediaSettings(onePerDay)
                .owner("instance-a").build();
        engine = instance(shared, responder, sender, scheduler).mediaSettings(onePerDay).owner("instance-b").build();

        a.onMessage(voice("voice-12"));
        schedulerA.advance(Duration.ofSeconds(16));
        engine.onMessage(voice("voice-13"));
        scheduler.advance(Duration.ofSeconds(16));

        wm.verify(1, getRequestedFor(urlEqualTo("/v26.0/voice-12")));
        wm.verify(0, getRequestedFor(urlEqualTo("/v26.0/voice-13")));
        assertThat(sender.texts()).extracting(RecordingWhatsAppClient.SentText::text).containsExactly("Noted.",
                "Sorry, I couldn't read your voice message (daily limit reached). Could you send it as text?");
        a.close();
    }

    @Test
    void aFailingAllowanceDoesNotKeepTheFilesFromBeingReadAndIsReported() throws IOException {
        stubMedia("voice-14", "audio/ogg", VOICE, "audio/ogg");
        stubMedia("photo-14", "image/jpeg", PHOTO, "image/jpeg");
        stubReply("Got both.\n<media-notes>\n1: Hello\n2: A receipt\n</media-notes>");
        SwitchableStateStore store = new SwitchableStateStore(InMemoryStateStore.builder().build());
        store.allowanceDown.set(true);
        AiResponder responder = OpenRouterResponder.builder().settings(openRouter().build()).maxAttempts(1).build();
        engine = instance(store, responder, sender, scheduler).eventListener(events::add).build();

        send(voice("voice-14"), photo("photo-14", null));

        assertThat(lastUserContent(aiRequests().get(0))).hasSize(4);
        assertThat(sender.texts()).extracting(RecordingWhatsAppClient.SentText::text).containsExactly("Got both.");
        assertThat(store.refused.get()).as("asked once for the burst, not once per file").isEqualTo(1);
        assertThat(events(Event.SpiFailed.class)).singleElement().satisfies(e -> {
            assertThat(e.spi()).isEqualTo("StateStore");
            assertThat(e.willRetry()).isFalse();
            assertThat(e.error()).hasMessageContaining("media allowance");
        });
    }

    @Test
    void withoutAMediaModelAMediaOnlyBurstGetsThePoliteReplyWithoutAnyCall() {
        engine(openRouter().mediaModel(null).mediaFallbackModels(List.of()).build(), m -> { });

        send(voice("voice-7"), photo("photo-7", null));

        assertThat(wm.getAllServeEvents()).isEmpty();
        assertThat(sender.texts()).extracting(RecordingWhatsAppClient.SentText::text).containsExactly(
                "Sorry, I couldn't read your voice message and your photo. Could you send it as text?");
        assertThat(chatLog.entries()).extracting(ChatLogEntry::content).contains(
                "[voice message] (not read: no media model is configured (OPENROUTER_MEDIA_MODEL))");
    }

    @Test
    void theDailyAllowanceAndTheBurstCapLimitWhatIsRead() throws IOException {
        stubMedia("voice-8", "audio/ogg", VOICE, "audio/ogg");
        stubMedia("voice-9", "audio/ogg", VOICE, "audio/ogg");
        stubReply("Noted.\n<media-notes>\n1: One\n</media-notes>");
        engine(openRouter().build(), m -> m.maxItemsPerUserPerDay(1));

        send(voice("voice-8"), voice("voice-9"));

        assertThat(lastUserContent(aiRequests().get(0))).hasSize(3);
        wm.verify(0, getRequestedFor(urlEqualTo("/v26.0/voice-9")));
        assertThat(sender.texts()).extracting(RecordingWhatsAppClient.SentText::text).containsExactly(
                "Noted.\n\nSorry, I couldn't read your voice message (daily limit reached). Could you send it as text?");
    }
}
