package io.github.whatsappai;

import io.github.whatsappai.ai.AiReply;
import io.github.whatsappai.event.Event;
import io.github.whatsappai.store.Arrival;
import io.github.whatsappai.store.BurstProgress;
import io.github.whatsappai.store.Claim;
import io.github.whatsappai.store.InMemoryStateStore;
import io.github.whatsappai.store.OutboxPart;
import io.github.whatsappai.store.SwitchableStateStore;
import io.github.whatsappai.testing.DirectExecutor;
import io.github.whatsappai.testing.ManualClock;
import io.github.whatsappai.testing.RecordingWhatsAppClient;
import io.github.whatsappai.testing.ScriptedAiResponder;
import io.github.whatsappai.testing.SignedWebhooks;
import io.github.whatsappai.testing.VirtualScheduler;
import io.github.whatsappai.testing.WebhookPayloads;
import io.github.whatsappai.webhook.WebhookResponse;
import io.github.whatsappai.webhook.model.ConversationKey;
import io.github.whatsappai.webhook.model.InboundMessage;
import io.github.whatsappai.webhook.model.TextContent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/** The ingress on the state store: one append per delivery, 503 when it cannot commit, confirmations by status. */
class StoreIngressTest {

    private final Fixtures.Recorder events = new Fixtures.Recorder();
    private final ManualClock clock = new ManualClock(Fixtures.NOW);
    private final VirtualScheduler scheduler = new VirtualScheduler(clock);
    private final RecordingWhatsAppClient client = new RecordingWhatsAppClient();
    private final ScriptedAiResponder responder = new ScriptedAiResponder().otherwise(r -> AiReply.of("answer", "m"));
    private final SwitchableStateStore store = new SwitchableStateStore(InMemoryStateStore.builder().build());
    private WhatsAppAi ai;

    private WhatsAppAi ai(Consumer<WhatsAppAiConfig.Builder> config) {
        WhatsAppAiConfig.Builder b = Fixtures.config();
        config.accept(b);
        ai = WhatsAppAi.builder().config(b.build()).eventListener(events).clock(clock).scheduler(scheduler)
                .workerExecutor(DirectExecutor.INSTANCE).whatsAppClient(client).aiResponder(responder)
                .stateStore(store).build();
        return ai;
    }

    @AfterEach
    void close() {
        if (ai != null) {
            ai.close();
        }
        assertThat(scheduler.failures()).isEmpty();
    }

    private WebhookResponse post(byte[] body) {
        return ai.handle(SignedWebhooks.signedPost(body, Fixtures.SECRET));
    }

    private static byte[] text(String wamid, String body) {
        return WebhookPayloads.text(body).wamid(wamid).timestamp(Fixtures.NOW.minusSeconds(5)).toBytes();
    }

    @Test
    void aDeliveryTheStoreCannotRecordIsAnswered503AndItsRateTokenGivenBack() {
        ai(b -> b.rateLimitPerMinute(1));
        store.down.set(true);
        assertThat(post(text("wamid.S1", "first try"))).satisfies(r -> assertThat(r.status()).isEqualTo(503));
        assertThat(events.of(Event.MessageAccepted.class)).isEmpty();
        assertThat(events.of(Event.SpiFailed.class)).singleElement()
                .satisfies(e -> assertThat(e.spi()).isEqualTo("StateStore"));

        store.down.set(false);
        assertThat(post(text("wamid.S1", "first try")).status()).as("Meta's redelivery").isEqualTo(200);
        assertThat(events.of(Event.MessageAccepted.class)).as("the token came back: not rate-limited").hasSize(1);
        assertThat(events.of(Event.RateLimited.class)).isEmpty();
        scheduler.advance(Duration.ofSeconds(15));
        assertThat(client.textBodies()).containsExactly("answer");
    }

    @Test
    void aRedeliveryIsADuplicateAndGivesItsRateTokenBack() {
        ai(b -> b.rateLimitPerMinute(2));
        assertThat(post(text("wamid.D1", "one")).status()).isEqualTo(200);
        assertThat(post(text("wamid.D1", "one")).status()).isEqualTo(200);
        assertThat(post(text("wamid.D2", "two")).status()).isEqualTo(200);
        assertThat(events.of(Event.DuplicateIgnored.class)).extracting(Event.DuplicateIgnored::id)
                .containsExactly("wamid.D1");
        assertThat(events.of(Event.MessageAccepted.class)).extracting(Event.MessageAccepted::messageId)
                .containsExactly("wamid.D1", "wamid.D2");
        assertThat(events.of(Event.RateLimited.class)).isEmpty();
        scheduler.advance(Duration.ofSeconds(15));
        assertThat(client.textBodies()).as("one burst, one reply").containsExactly("answer");
    }

    @Test
    void aDeliveryOfSeveralMessagesIsOneAppend() {
        ai(b -> { });
        byte[] body = WebhookPayloads.batch()
                .add(WebhookPayloads.text("a").wamid("wamid.B1").timestamp(Fixtures.NOW.minusSeconds(5)))
                .add(WebhookPayloads.text("b").wamid("wamid.B2").timestamp(Fixtures.NOW.minusSeconds(4)))
                .toBytes();
        assertThat(post(body).status()).isEqualTo(200);
        assertThat(store.stats(clock.millis()).pendingMessages()).isEqualTo(2);
        scheduler.advance(Duration.ofSeconds(15));
        assertThat(responder.lastRequest().messages()).extracting(m -> ((TextContent) m.content()).body())
                .containsExactly("a", "b");
    }

    @Test
    void aStaleMessageIsRecordedSoItsRedeliveryIsADuplicate() {
        ai(b -> b.maxMessageAge(Duration.ofMinutes(5)));
        byte[] old = WebhookPayloads.text("old").wamid("wamid.OLD").timestamp(Fixtures.NOW.minusSeconds(3600)).toBytes();
        assertThat(post(old).status()).isEqualTo(200);
        assertThat(post(old).status()).isEqualTo(200);
        assertThat(events.of(Event.StaleMessageIgnored.class)).hasSize(1);
        assertThat(events.of(Event.DuplicateIgnored.class)).hasSize(1);
    }

    @Test
    void aStatusEchoingAPartIdConfirmsThatPart() {
        ai(b -> { });
        InboundMessage m = new InboundMessage("wamid.OTHER", new io.github.whatsappai.webhook.model.BusinessNumber(
                Fixtures.WABA_ID, Fixtures.PHONE_NUMBER_ID, null),
                new io.github.whatsappai.webhook.model.Sender("15550009999", null, null, null, null),
                Fixtures.NOW, "text", new TextContent("x"), null, null, null, null);
        store.append(List.of(new Arrival(ConversationKey.of(m), m, clock.millis())));
        Claim claim = store.claimAll(clock.millis(), 10, "another-instance", clock.millis() + 60_000).get(0);
        String partId = store.saveReply(claim, BurstProgress.start(), List.of("reply"), clock.millis() + 86_400_000)
                .get(0).id();
        byte[] status = WebhookPayloads.status("wamid.SENT-BY-OTHER", "delivered").bizOpaqueCallbackData(partId)
                .toBytes();
        assertThat(post(status).status()).isEqualTo(200);
        OutboxPart confirmed = store.outbox(claim).get(0);
        assertThat(confirmed.state()).isEqualTo(OutboxPart.State.SENT);
        assertThat(confirmed.wamid()).isEqualTo("wamid.SENT-BY-OTHER");
        store.complete(claim, clock.millis());
    }

    @Test
    void aConfirmationTheStoreCannotRecordIsAnswered503AndAcceptedWhenRedelivered() {
        ai(b -> { });
        byte[] status = WebhookPayloads.status("wamid.X", "sent").bizOpaqueCallbackData("part-1").toBytes();
        store.down.set(true);
        assertThat(post(status).status()).isEqualTo(503);
        store.down.set(false);
        assertThat(post(status).status()).isEqualTo(200);
        assertThat(events.of(Event.StatusReceived.class)).hasSize(1);
        assertThat(events.of(Event.DuplicateIgnored.class)).isEmpty();
    }
}
