package io.github.whatsappai.internal.conversation;

import io.github.whatsappai.ai.AiReply;
import io.github.whatsappai.client.OutboundMessage;
import io.github.whatsappai.client.Recipient;
import io.github.whatsappai.client.SendResult;
import io.github.whatsappai.client.WhatsAppApiException;
import io.github.whatsappai.client.WhatsAppClient;
import io.github.whatsappai.event.Event;
import io.github.whatsappai.spi.InMemoryCreditGate;
import io.github.whatsappai.spi.InMemorySessionStore;
import io.github.whatsappai.spi.InMemoryUserMapper;
import io.github.whatsappai.store.InMemoryStateStore;
import io.github.whatsappai.store.SwitchableStateStore;
import io.github.whatsappai.testing.DirectExecutor;
import io.github.whatsappai.testing.Inbound;
import io.github.whatsappai.testing.ManualClock;
import io.github.whatsappai.testing.RecordingWhatsAppClient;
import io.github.whatsappai.testing.ScriptedAiResponder;
import io.github.whatsappai.testing.VirtualScheduler;
import io.github.whatsappai.webhook.model.InboundMessage;
import io.github.whatsappai.webhook.model.TextContent;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Outages and instances, in virtual time: the Graph API down for ten minutes, an engine abandoned
 * mid-burst and another taking over after the lease, two engines sharing one store. One store object
 * shared by two engines models two instances on one database: its {@code durable} switch makes both
 * engines poll it as they would a shared store.
 */
class DurabilityTest {

    private static final String ALICE = "15550001111";
    private static final String BOB = "15550002222";

    private final ManualClock clock = ManualClock.atDefaultStart();
    private final List<Event> events = Collections.synchronizedList(new ArrayList<>());
    private final InMemoryUserMapper users = new InMemoryUserMapper();
    private final InMemorySessionStore sessions = new InMemorySessionStore();
    private final InMemoryCreditGate credits = new InMemoryCreditGate(5);
    private final SwitchableStateStore store = new SwitchableStateStore(InMemoryStateStore.builder().build());

    private ConversationEngine engine(String owner, VirtualScheduler scheduler, ScriptedAiResponder ai,
                                      WhatsAppClient client) {
        return ConversationEngine.builder()
                .userMapper(users).sessionStore(sessions).creditGate(credits)
                .aiResponder(ai).whatsAppClient(client).eventListener(events::add)
                .clock(clock).scheduler(scheduler).workerExecutor(DirectExecutor.INSTANCE)
                .stateStore(store).owner(owner).lease(Duration.ofSeconds(30))
                .build();
    }

    private InboundMessage text(String from, String body) {
        return Inbound.text(from, body, clock.instant());
    }

    private <E extends Event> List<E> events(Class<E> type) {
        synchronized (events) {
            return events.stream().filter(type::isInstance).map(type::cast).toList();
        }
    }

    /** A Graph API stand-in: read receipts and other messages go to a recording client; sends are the subclass's. */
    private abstract static class GraphStandIn implements WhatsAppClient {
        final RecordingWhatsAppClient sent = new RecordingWhatsAppClient();

        @Override
        public CompletableFuture<Void> markRead(String phoneNumberId, String messageId, boolean typing) {
            return sent.markRead(phoneNumberId, messageId, typing);
        }

        @Override
        public CompletableFuture<SendResult> send(String phoneNumberId, Recipient to, OutboundMessage message) {
            return sent.send(phoneNumberId, to, message);
        }
    }

    /** A Graph API that answers 503 (or refuses connections) while {@code down} is set. */
    private static final class FlakyGraph extends GraphStandIn {
        final AtomicBoolean down = new AtomicBoolean();
        int refused;

        @Override
        public synchronized CompletableFuture<SendResult> sendText(String phoneNumberId, Recipient to, String text,
                                                                   String replyToMessageId) {
            if (down.get()) {
                refused++;
                return CompletableFuture.failedFuture(refused % 2 == 0
                        ? new WhatsAppApiException(503, WhatsAppApiException.NO_CODE, -1, null, null,
                                "Service Unavailable", null, null)
                        : new WhatsAppApiException(0, WhatsAppApiException.NO_CODE, -1, null, null, null, null,
                                new java.net.ConnectException("Connection refused")));
            }
            return sent.sendText(phoneNumberId, to, text, replyToMessageId);
        }
    }

    @Test
    void theGraphApiDownForTenMinutesDelaysEveryReplyAndSendsEachExactlyOnce() {
        VirtualScheduler scheduler = new VirtualScheduler(clock);
        ScriptedAiResponder ai = new ScriptedAiResponder().otherwise(r -> AiReply.of(
                "reply to " + ((TextContent) r.messages().get(0).content()).body(), "m"));
        FlakyGraph graph = new FlakyGraph();
        ConversationEngine engine = engine("a", scheduler, ai, graph);
        graph.down.set(true);
        engine.onMessage(text(ALICE, "alice"));
        engine.onMessage(text(BOB, "bob"));
        scheduler.advance(Duration.ofMinutes(10));
        assertThat(graph.sent.texts()).isEmpty();
        assertThat(graph.refused).as("tried again and again").isGreaterThan(10);
        assertThat(events(Event.SendDelayed.class)).isNotEmpty();
        assertThat(events(Event.SendFailed.class)).isEmpty();

        graph.down.set(false);
        scheduler.advance(Duration.ofMinutes(2));
        assertThat(graph.sent.textBodies()).containsExactlyInAnyOrder("reply to alice", "reply to bob");
        assertThat(ai.callCount()).isEqualTo(2);
        scheduler.advance(Duration.ofMinutes(30));
        assertThat(graph.sent.textBodies()).as("each sent exactly once").hasSize(2);
        assertThat(credits.balance(users.findByWaId(ALICE).orElseThrow())).isEqualTo(4);
        engine.close();
    }

    /** A Graph API whose sends time out after the request was written: Meta may have the message. */
    private static final class UnansweredGraph extends GraphStandIn {
        final List<String> callbackData = Collections.synchronizedList(new ArrayList<>());

        @Override
        public CompletableFuture<SendResult> sendText(String phoneNumberId, Recipient to, String text,
                                                      String replyToMessageId) {
            return sendText(phoneNumberId, to, text, replyToMessageId, null);
        }

        @Override
        public CompletableFuture<SendResult> sendText(String phoneNumberId, Recipient to, String text,
                                                      String replyToMessageId, String data) {
            callbackData.add(String.valueOf(data));
            return CompletableFuture.failedFuture(new WhatsAppApiException(502, WhatsAppApiException.NO_CODE, -1,
                    null, null, "Bad Gateway", null, null));
        }
    }

    @Test
    void aSendWhoseOutcomeIsUnknownIsNeverRepeatedAndCarriesItsPartIdForTheStatusToConfirm() {
        VirtualScheduler scheduler = new VirtualScheduler(clock);
        ScriptedAiResponder ai = new ScriptedAiResponder().thenReply("the one reply");
        UnansweredGraph graph = new UnansweredGraph();
        ConversationEngine engine = engine("a", scheduler, ai, graph);

        engine.onMessage(text(ALICE, "question"));
        scheduler.advance(Duration.ofSeconds(16));
        assertThat(graph.callbackData).as("sent once, tagged with its outbox part id").singleElement()
                .satisfies(id -> assertThat(id).isNotEqualTo("null").hasSizeLessThanOrEqualTo(512));
        scheduler.advance(Duration.ofHours(2));
        assertThat(graph.callbackData).as("a copy could reach the user twice: never sent again").hasSize(1);
        assertThat(events(Event.SendDelayed.class)).isEmpty();
        assertThat(store.stats(clock.millis()).inFlight()).as("the burst is done").isZero();
        assertThat(credits.balance(users.findByWaId(ALICE).orElseThrow()))
                .as("most likely delivered: the credit is spent").isEqualTo(4);
        engine.close();
    }

    /** Splits replies at blank lines; the second part's answer is lost after the request was written. */
    private static final class SecondPartLost extends GraphStandIn {
        final List<String> attempts = Collections.synchronizedList(new ArrayList<>());

        @Override
        public List<String> textParts(String text) {
            return List.of(text.split("\n\n"));
        }

        @Override
        public CompletableFuture<SendResult> sendTextPart(String phoneNumberId, Recipient to, String part,
                                                          String callbackData) {
            attempts.add(part + " @" + callbackData);
            if (part.startsWith("two")) {
                return CompletableFuture.failedFuture(new WhatsAppApiException(0, WhatsAppApiException.NO_CODE, -1,
                        null, null, null, null, new java.net.http.HttpTimeoutException("request timed out")));
            }
            return sent.sendText(phoneNumberId, to, part, null);
        }

        @Override
        public CompletableFuture<SendResult> sendText(String phoneNumberId, Recipient to, String text,
                                                      String replyToMessageId) {
            throw new AssertionError("a stored reply is sent part by part");
        }
    }

    @Test
    void aLongReplyIsStoredAsOnePartPerMessageSoALostAnswerHoldsBackOnlyItsOwnPart() {
        VirtualScheduler scheduler = new VirtualScheduler(clock);
        ScriptedAiResponder ai = new ScriptedAiResponder().thenReply("one\n\ntwo\n\nthree");
        SecondPartLost graph = new SecondPartLost();
        ConversationEngine engine = engine("a", scheduler, ai, graph);

        engine.onMessage(text(ALICE, "question"));
        scheduler.advance(Duration.ofSeconds(16));
        scheduler.advance(Duration.ofHours(2));
        assertThat(graph.attempts).as("each part tried once, each with its own tag").hasSize(3);
        assertThat(graph.attempts.stream().map(a -> a.substring(a.indexOf('@') + 1)).distinct()).hasSize(3);
        assertThat(graph.sent.textBodies()).as("the parts around the lost answer went out")
                .containsExactly("one", "three");
        assertThat(store.stats(clock.millis()).inFlight()).as("the burst is done").isZero();
        engine.close();
    }

    @Test
    void anEngineAbandonedMidBurstIsTakenOverAfterTheLeaseAndTheReplySentOnce() {
        store.durable.set(true);
        VirtualScheduler schedulerA = new VirtualScheduler(clock);
        VirtualScheduler schedulerB = new VirtualScheduler(clock);
        ScriptedAiResponder aiA = new ScriptedAiResponder().thenReply("the one reply");
        ScriptedAiResponder aiB = new ScriptedAiResponder();
        RecordingWhatsAppClient clientA = new RecordingWhatsAppClient().holdSends();
        RecordingWhatsAppClient clientB = new RecordingWhatsAppClient();
        ConversationEngine a = engine("instance-a", schedulerA, aiA, clientA);
        ConversationEngine b = engine("instance-b", schedulerB, aiB, clientB);

        a.onMessage(text(ALICE, "question"));
        schedulerA.advance(Duration.ofSeconds(16));
        assertThat(aiA.callCount()).isEqualTo(1);
        assertThat(clientA.heldSends()).as("A stored its reply and is sending it").isEqualTo(1);
        // A crashes: its send never completes and its scheduler (timer, lease renewal) never runs again

        schedulerB.advance(Duration.ofSeconds(28));
        assertThat(clientB.texts()).as("A's lease has not run out").isEmpty();
        schedulerB.advance(Duration.ofSeconds(2));
        assertThat(clientB.textBodies()).containsExactly("the one reply");
        assertThat(aiB.callCount()).as("B continued from the stored reply").isZero();
        assertThat(credits.balance(users.findByWaId(ALICE).orElseThrow())).as("one credit, settled by B")
                .isEqualTo(4);
        schedulerB.advance(Duration.ofMinutes(5));
        assertThat(clientB.texts()).hasSize(1);
        assertThat(store.stats(clock.millis()).inFlight()).isZero();
        b.close();
    }

    @Test
    void aReplyTheStoreCouldNotTakeIsStoredOnTheRetryAndSentOnceWithoutAskingAgain() {
        VirtualScheduler scheduler = new VirtualScheduler(clock);
        // the store goes down while the AI writes the reply: storing it fails, after the AI call
        ScriptedAiResponder ai = new ScriptedAiResponder().otherwise(r -> {
            store.down.set(true);
            return AiReply.of("the one reply", "m");
        });
        RecordingWhatsAppClient client = new RecordingWhatsAppClient();
        ConversationEngine engine = engine("a", scheduler, ai, client);

        engine.onMessage(text(ALICE, "question"));
        scheduler.advance(Duration.ofSeconds(16));
        assertThat(client.texts()).isEmpty();
        assertThat(events(Event.SpiFailed.class)).extracting(Event.SpiFailed::spi).contains("StateStore");
        store.down.set(false);
        scheduler.advance(Duration.ofMinutes(2));

        assertThat(ai.callCount()).as("the reply was kept, not written again").isEqualTo(1);
        assertThat(client.textBodies()).containsExactly("the one reply");
        String user = users.findByWaId(ALICE).orElseThrow();
        assertThat(credits.balance(user)).as("the credit was spent on the reply").isEqualTo(4);
        assertThat(store.stats(clock.millis()).inFlight()).isZero();
        engine.close();
    }

    @Test
    void twoEnginesOnOneStoreAnswerASplitBurstOnce() {
        store.durable.set(true);
        VirtualScheduler schedulerA = new VirtualScheduler(clock);
        VirtualScheduler schedulerB = new VirtualScheduler(clock);
        ScriptedAiResponder ai = new ScriptedAiResponder().otherwise(r -> AiReply.of(
                "answer to " + r.messages().size() + " messages", "m"));
        RecordingWhatsAppClient clientA = new RecordingWhatsAppClient();
        RecordingWhatsAppClient clientB = new RecordingWhatsAppClient();
        ConversationEngine a = engine("instance-a", schedulerA, ai, clientA);
        ConversationEngine b = engine("instance-b", schedulerB, ai, clientB);

        InboundMessage first = text(ALICE, "first half");
        a.onMessage(first);
        schedulerA.advance(Duration.ofSeconds(5));
        b.onMessage(text(ALICE, "second half"));
        b.onMessage(first); // Meta redelivers the first message to the other instance
        for (int i = 0; i < 200; i++) {
            schedulerA.advance(Duration.ofMillis(125));
            schedulerB.advance(Duration.ZERO);
        }
        assertThat(ai.requests()).as(events.toString()).hasSize(1);
        assertThat(ai.lastRequest().messages()).extracting(m -> ((TextContent) m.content()).body())
                .containsExactly("first half", "second half");
        List<String> replies = new ArrayList<>(clientA.textBodies());
        replies.addAll(clientB.textBodies());
        assertThat(replies).containsExactly("answer to 2 messages");
        a.close();
        b.close();
    }
}
