package io.github.whatsappai;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.github.whatsappai.ai.AiResponder;
import io.github.whatsappai.ai.knowledge.TestPdfs;
import io.github.whatsappai.client.DownloadedMedia;
import io.github.whatsappai.client.MediaInfo;
import io.github.whatsappai.client.MediaSource;
import io.github.whatsappai.client.OutboundMessage;
import io.github.whatsappai.client.Recipient;
import io.github.whatsappai.client.SendResult;
import io.github.whatsappai.client.WhatsAppClient;
import io.github.whatsappai.conversation.MediaSettings;
import io.github.whatsappai.event.Event;
import io.github.whatsappai.spi.ChatLogEntry;
import io.github.whatsappai.spi.InMemoryChatLogger;
import io.github.whatsappai.spi.InMemoryUserMapper;
import io.github.whatsappai.testing.DirectExecutor;
import io.github.whatsappai.testing.ManualClock;
import io.github.whatsappai.testing.RecordingWhatsAppClient;
import io.github.whatsappai.testing.ScriptedAiResponder;
import io.github.whatsappai.testing.SignedWebhooks;
import io.github.whatsappai.testing.VirtualScheduler;
import io.github.whatsappai.testing.WebhookPayloads;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.Authenticator;
import java.net.CookieHandler;
import java.net.ProxySelector;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The facade end to end, in virtual time: signed deliveries in, one reply out per burst, through the
 * real ingress, buffer and conversation engine with the test kit's responder and client.
 */
class WhatsAppAiPipelineTest {

    private final ManualClock clock = new ManualClock(Fixtures.NOW);
    private final VirtualScheduler scheduler = new VirtualScheduler(clock);
    private final ScriptedAiResponder responder = new ScriptedAiResponder()
            .otherwise(request -> io.github.whatsappai.ai.AiReply.of("You asked: " + request.userTurn(), "scripted"));
    private final RecordingWhatsAppClient client = new RecordingWhatsAppClient();
    private final InMemoryChatLogger chatLog = new InMemoryChatLogger();
    private final Fixtures.Recorder events = new Fixtures.Recorder();
    private WhatsAppAi ai;

    @AfterEach
    void close() {
        if (ai != null) {
            ai.close();
        }
    }

    private WhatsAppAi ai() {
        ai = WhatsAppAi.builder()
                .config(Fixtures.config().build())
                .clock(clock)
                .scheduler(scheduler)
                .workerExecutor(DirectExecutor.INSTANCE)
                .aiResponder(responder)
                .whatsAppClient(client)
                .userMapper(new InMemoryUserMapper())
                .chatLogger(chatLog)
                .eventListener(events)
                .build();
        return ai;
    }

    private byte[] text(String body, String wamid) {
        return WebhookPayloads.text(body).wamid(wamid).timestamp(clock.instant()).toBytes();
    }

    private int deliver(byte[] body) {
        return ai.handle(SignedWebhooks.signedPost(body, Fixtures.SECRET)).status();
    }

    @Test
    void aBurstOfThreeIsAnsweredOnceAfterTheQuietWindow() {
        ai();
        assertThat(deliver(text("Hi!", "wamid.B1"))).isEqualTo(200);
        clock.advance(Duration.ofSeconds(5));
        assertThat(deliver(text("Do you deliver on Sundays?", "wamid.B2"))).isEqualTo(200);
        scheduler.advance(Duration.ofSeconds(5));
        assertThat(deliver(text("And to Jakarta?", "wamid.B3"))).isEqualTo(200);

        scheduler.advance(Duration.ofSeconds(14));
        assertThat(responder.callCount()).as("the window restarts with every message").isZero();
        assertThat(ai.pendingConversations()).isEqualTo(1);

        scheduler.advance(Duration.ofSeconds(2));
        assertThat(responder.callCount()).isEqualTo(1);
        assertThat(responder.lastRequest().userTurn())
                .containsSubsequence("Hi!", "Do you deliver on Sundays?", "And to Jakarta?");
        assertThat(client.texts()).singleElement().satisfies(sent -> {
            assertThat(sent.phoneNumberId()).isEqualTo(Fixtures.PHONE_NUMBER_ID);
            assertThat(sent.to().waId()).isEqualTo(WebhookPayloads.DEFAULT_WA_ID);
            assertThat(sent.text()).startsWith("You asked: ");
        });
        assertThat(client.readReceipts()).singleElement()
                .satisfies(r -> assertThat(r.messageId()).isEqualTo("wamid.B3"));
        assertThat(chatLog.entries()).extracting(ChatLogEntry::direction).containsExactly(
                ChatLogEntry.Direction.INBOUND, ChatLogEntry.Direction.INBOUND, ChatLogEntry.Direction.INBOUND,
                ChatLogEntry.Direction.OUTBOUND);
        assertThat(ai.pendingConversations()).isZero();
    }

    @Test
    void aRedeliveryIsAcknowledgedButNeverAnsweredTwice() {
        ai();
        byte[] body = text("Hello", "wamid.D1");
        assertThat(deliver(body)).isEqualTo(200);
        scheduler.advance(Duration.ofSeconds(16));
        assertThat(deliver(body)).as("Meta's retry still gets 200").isEqualTo(200);
        scheduler.advance(Duration.ofSeconds(16));
        assertThat(responder.callCount()).isEqualTo(1);
        assertThat(client.texts()).hasSize(1);
        assertThat(events.of(Event.DuplicateIgnored.class)).hasSize(1);
    }

    @Test
    void closeAnswersWhatIsStillBuffered() {
        ai();
        deliver(text("Are you open today?", "wamid.C1"));
        assertThat(client.texts()).isEmpty();
        ai.close();
        assertThat(client.texts()).singleElement()
                .satisfies(sent -> assertThat(sent.text()).contains("Are you open today?"));
        assertThat(deliver(text("late", "wamid.C2"))).isEqualTo(503);
    }

    @Test
    void theBuilderRefusesToRunWithoutAWayToSendReplies() {
        assertThatThrownBy(() -> WhatsAppAi.builder().config(Fixtures.config().build()).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("META_ACCESS_TOKEN");
        assertThatThrownBy(() -> WhatsAppAi.builder().config(Fixtures.config().build())
                .inboundHandler(m -> { }).userMapper(new InMemoryUserMapper()).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("inboundHandler replaces the conversation engine");
    }

    @Test
    void theDefaultsAnswerFromTheKnowledgeBaseAndSendThroughTheGraphApi() {
        WireMockServer graph = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"));
        graph.start();
        try {
            graph.stubFor(post(urlPathEqualTo("/v26.0/" + Fixtures.PHONE_NUMBER_ID + "/messages"))
                    .willReturn(okJson("{\"messaging_product\":\"whatsapp\",\"messages\":[{\"id\":\"wamid.OUT1\"}]}")));
            ai = WhatsAppAi.builder()
                    .config(Fixtures.config().accessToken("token-for-tests").graphApiBaseUrl(graph.baseUrl()).build())
                    .clock(clock).scheduler(scheduler).workerExecutor(DirectExecutor.INSTANCE).eventListener(events)
                    .build();
            assertThat(deliver(text("What are your opening hours?", "wamid.K1"))).isEqualTo(200);
            scheduler.advance(Duration.ofSeconds(16));
            ai.close();

            graph.verify(postRequestedFor(urlPathEqualTo("/v26.0/" + Fixtures.PHONE_NUMBER_ID + "/messages"))
                    .withHeader("Authorization", equalTo("Bearer token-for-tests"))
                    .withRequestBody(matchingJsonPath("$.to", equalTo("+" + WebhookPayloads.DEFAULT_WA_ID)))
                    .withRequestBody(matchingJsonPath("$.type", equalTo("text"))));
            assertThat(events.of(Event.ReplySent.class)).singleElement()
                    .satisfies(e -> assertThat(e.messageIds()).containsExactly("wamid.OUT1"));
        } finally {
            graph.stop();
        }
    }

    @Test
    void oneHttpClientGivenToTheBuilderServesTheGraphClientOpenRouterAndThePdfFetches() throws Exception {
        WireMockServer hosts = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"));
        hosts.start();
        try {
            hosts.stubFor(post(urlPathEqualTo("/v26.0/" + Fixtures.PHONE_NUMBER_ID + "/messages"))
                    .willReturn(okJson("{\"messaging_product\":\"whatsapp\",\"messages\":[{\"id\":\"wamid.OUT1\"}],"
                            + "\"success\":true}")));
            hosts.stubFor(post(urlPathEqualTo("/api/v1/chat/completions")).willReturn(okJson(
                    "{\"model\":\"m\",\"choices\":[{\"finish_reason\":\"stop\",\"message\":{\"content\":\"Nine to five.\"}}]}")));
            hosts.stubFor(get(urlPathEqualTo("/kb.pdf"))
                    .willReturn(aResponse().withStatus(200)
                            .withBody(TestPdfs.paragraphs("Hours",
                                    List.of(List.of("We open at nine and close at five."))))));
            CountingHttpClient http = new CountingHttpClient(HttpClient.newHttpClient());
            ai = WhatsAppAi.builder()
                    .config(Fixtures.config().accessToken("token-for-tests").graphApiBaseUrl(hosts.baseUrl())
                            .openRouterApiKey("sk-or-test").openRouterBaseUrl(hosts.baseUrl() + "/api/v1")
                            .knowledgeBaseSources(List.of(hosts.baseUrl() + "/kb.pdf")).build())
                    .clock(clock).scheduler(scheduler).workerExecutor(DirectExecutor.INSTANCE).eventListener(events)
                    .httpClient(http)
                    .build();
            scheduler.runDueTasks();
            assertThat(deliver(text("When do you open?", "wamid.H1"))).isEqualTo(200);
            scheduler.advance(Duration.ofSeconds(16));
            ai.close();

            assertThat(events.of(Event.ReplySent.class)).hasSize(1);
            assertThat(http.paths).contains("/kb.pdf", "/api/v1/chat/completions",
                    "/v26.0/" + Fixtures.PHONE_NUMBER_ID + "/messages");
        } finally {
            hosts.stop();
        }
    }

    @Test
    void theConfigsMediaSettingsReachTheEngineUnlessTheBuilderGivesItsOwn() {
        MediaClient media = new MediaClient();
        AiResponder readsMedia = new AiResponder() {
            @Override
            public io.github.whatsappai.ai.AiReply respond(io.github.whatsappai.ai.AiRequest request) {
                return responder.respond(request);
            }

            @Override
            public boolean acceptsMedia() {
                return true;
            }
        };
        ai = WhatsAppAi.builder()
                .config(Fixtures.config().mediaMaxItemsPerUserPerDay(0).build())
                .clock(clock).scheduler(scheduler).workerExecutor(DirectExecutor.INSTANCE)
                .aiResponder(readsMedia).whatsAppClient(media).eventListener(events)
                .build();
        assertThat(deliver(WebhookPayloads.image("photo-1", "my receipt").wamid("wamid.M1")
                .timestamp(clock.instant()).toBytes())).isEqualTo(200);
        scheduler.advance(Duration.ofSeconds(16));
        ai.close();
        assertThat(media.lookups).as("the allowance of 0 reads nothing").isEmpty();
        assertThat(media.sent.textBodies()).singleElement().asString()
                .endsWith("Sorry, I couldn't read your photo (daily limit reached). Could you send it as text?");

        MediaClient own = new MediaClient();
        ai = WhatsAppAi.builder()
                .config(Fixtures.config().mediaMaxItemsPerUserPerDay(0).build())
                .clock(clock).scheduler(scheduler).workerExecutor(DirectExecutor.INSTANCE)
                .aiResponder(readsMedia).whatsAppClient(own).eventListener(events)
                .mediaSettings(MediaSettings.builder().maxItemsPerUserPerDay(5).build())
                .build();
        assertThat(deliver(WebhookPayloads.image("photo-2", "my receipt").wamid("wamid.M2")
                .timestamp(clock.instant()).toBytes())).isEqualTo(200);
        scheduler.advance(Duration.ofSeconds(16));
        assertThat(own.lookups).as("the builder's settings win").containsExactly("photo-2");
    }

    /** A client that is also a media source whose lookups fail (recorded), sending through a recording client. */
    private static final class MediaClient implements WhatsAppClient, MediaSource {
        final RecordingWhatsAppClient sent = new RecordingWhatsAppClient();
        final List<String> lookups = new CopyOnWriteArrayList<>();

        @Override
        public CompletableFuture<SendResult> sendText(String phoneNumberId, Recipient to, String text,
                                                      String replyToMessageId) {
            return sent.sendText(phoneNumberId, to, text, replyToMessageId);
        }

        @Override
        public CompletableFuture<Void> markRead(String phoneNumberId, String messageId, boolean typing) {
            return sent.markRead(phoneNumberId, messageId, typing);
        }

        @Override
        public CompletableFuture<SendResult> send(String phoneNumberId, Recipient to, OutboundMessage message) {
            return sent.send(phoneNumberId, to, message);
        }

        @Override
        public CompletableFuture<MediaInfo> mediaUrl(String mediaId) {
            lookups.add(mediaId);
            return CompletableFuture.failedFuture(new IllegalStateException("no media host in this test"));
        }

        @Override
        public CompletableFuture<DownloadedMedia> downloadMedia(String urlOrMediaId) {
            lookups.add(urlOrMediaId);
            return CompletableFuture.failedFuture(new IllegalStateException("no media host in this test"));
        }
    }

    /** Delegates to a real client and records the path of every request sent through it. */
    private static final class CountingHttpClient extends HttpClient {
        final List<String> paths = new CopyOnWriteArrayList<>();
        private final HttpClient delegate;

        CountingHttpClient(HttpClient delegate) {
            this.delegate = delegate;
        }

        @Override
        public Optional<CookieHandler> cookieHandler() {
            return delegate.cookieHandler();
        }

        @Override
        public Optional<Duration> connectTimeout() {
            return delegate.connectTimeout();
        }

        @Override
        public Redirect followRedirects() {
            return delegate.followRedirects();
        }

        @Override
        public Optional<ProxySelector> proxy() {
            return delegate.proxy();
        }

        @Override
        public SSLContext sslContext() {
            return delegate.sslContext();
        }

        @Override
        public SSLParameters sslParameters() {
            return delegate.sslParameters();
        }

        @Override
        public Optional<Authenticator> authenticator() {
            return delegate.authenticator();
        }

        @Override
        public Version version() {
            return delegate.version();
        }

        @Override
        public Optional<Executor> executor() {
            return delegate.executor();
        }

        @Override
        public <T> HttpResponse<T> send(HttpRequest request,
                                                      HttpResponse.BodyHandler<T> handler)
                throws IOException, InterruptedException {
            paths.add(request.uri().getPath());
            return delegate.send(request, handler);
        }

        @Override
        public <T> CompletableFuture<HttpResponse<T>> sendAsync(
                HttpRequest request, HttpResponse.BodyHandler<T> handler) {
            paths.add(request.uri().getPath());
            return delegate.sendAsync(request, handler);
        }

        @Override
        public <T> CompletableFuture<HttpResponse<T>> sendAsync(
                HttpRequest request, HttpResponse.BodyHandler<T> handler,
                HttpResponse.PushPromiseHandler<T> pushPromiseHandler) {
            paths.add(request.uri().getPath());
            return delegate.sendAsync(request, handler, pushPromiseHandler);
        }
    }
}
