package io.github.whatsappai.internal.conversation;

import io.github.whatsappai.ai.AiReply;
import io.github.whatsappai.ai.AiRequest;
import io.github.whatsappai.ai.AiResponderException;
import io.github.whatsappai.ai.ChatTurn;
import io.github.whatsappai.conversation.ConversationSettings;
import io.github.whatsappai.event.Event;
import io.github.whatsappai.spi.ChatLogEntry;
import io.github.whatsappai.spi.ChatLogger;
import io.github.whatsappai.spi.CreditGate;
import io.github.whatsappai.spi.InMemoryChatLogger;
import io.github.whatsappai.spi.InMemoryCreditGate;
import io.github.whatsappai.spi.InMemorySessionStore;
import io.github.whatsappai.spi.InMemoryUserMapper;
import io.github.whatsappai.spi.Session;
import io.github.whatsappai.spi.SessionStore;
import io.github.whatsappai.spi.UserMapper;
import io.github.whatsappai.testing.DirectExecutor;
import io.github.whatsappai.testing.Inbound;
import io.github.whatsappai.testing.ManualClock;
import io.github.whatsappai.testing.RecordingWhatsAppClient;
import io.github.whatsappai.testing.ScriptedAiResponder;
import io.github.whatsappai.testing.VirtualScheduler;
import io.github.whatsappai.webhook.model.ConversationKey;
import io.github.whatsappai.webhook.model.InboundMessage;
import io.github.whatsappai.webhook.model.LocationContent;
import io.github.whatsappai.webhook.model.MediaContent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConversationEngineTest {

    private static final String ALICE = "15550001111";
    private static final String BOB = "15550002222";

    private final ManualClock clock = ManualClock.atDefaultStart();
    private final VirtualScheduler scheduler = new VirtualScheduler(clock);
    private final RecordingWhatsAppClient client = new RecordingWhatsAppClient();
    private final ScriptedAiResponder ai = new ScriptedAiResponder();
    private final InMemoryUserMapper users = new InMemoryUserMapper();
    private final InMemorySessionStore sessions = new InMemorySessionStore();
    private final InMemoryChatLogger chatLog = new InMemoryChatLogger();
    private final List<Event> events = Collections.synchronizedList(new ArrayList<>());
    private final ConversationSettings.Messages texts = ConversationSettings.Messages.defaults();
    private ConversationEngine engine;

    private ConversationSettings.Builder settings() {
        return ConversationSettings.builder().sessionIdleTimeout(Duration.ofHours(1));
    }

    private ConversationEngine engine(Consumer<ConversationEngine.Builder> customise) {
        ConversationEngine.Builder b = ConversationEngine.builder()
                .settings(settings().build())
                .userMapper(users).sessionStore(sessions).chatLogger(chatLog)
                .aiResponder(ai).whatsAppClient(client)
                .eventListener(events::add)
                .clock(clock).scheduler(scheduler).workerExecutor(DirectExecutor.INSTANCE);
        customise.accept(b);
        engine = b.build();
        return engine;
    }

    private ConversationEngine engine() {
        return engine(b -> { });
    }

    @AfterEach
    void noTaskFailed() {
        assertThat(scheduler.failures()).isEmpty();
    }

    private InboundMessage text(String from, String body) {
        return Inbound.text(from, body, clock.instant());
    }

    private <E extends Event> List<E> events(Class<E> type) {
        synchronized (events) {
            return events.stream().filter(type::isInstance).map(type::cast).toList();
        }
    }

    private void quiet() {
        scheduler.advance(Duration.ofSeconds(15));
    }

    @Test
    void aBurstOfThreeIsAnsweredWithOneReply() {
        ai.thenReply(new AiReply("All three answered.", "model-x", 120, 30, new BigDecimal("0.0001")));
        ConversationEngine engine = engine();
        InboundMessage m1 = text(ALICE, "Hi");
        engine.onMessage(m1);
        scheduler.advance(Duration.ofSeconds(5));
        engine.onMessage(text(ALICE, "what are your opening hours?"));
        scheduler.advance(Duration.ofSeconds(5));
        InboundMessage m3 = Inbound.of(ALICE, "image", new MediaContent(MediaContent.MediaKind.IMAGE, "m1", "image/jpeg",
                null, "the shop front", null, null, false, false), clock.instant());
        engine.onMessage(m3);
        scheduler.advance(Duration.ofSeconds(14));
        assertThat(ai.callCount()).isZero();
        scheduler.advance(Duration.ofSeconds(1));

        assertThat(ai.callCount()).isEqualTo(1);
        AiRequest request = ai.lastRequest();
        assertThat(request.userTurn()).isEqualTo("Hi\nwhat are your opening hours?\n[image: the shop front]");
        assertThat(request.messages()).hasSize(3);
        assertThat(request.history()).isEmpty();
        assertThat(request.userId()).isEqualTo(users.findByWaId(ALICE).orElseThrow());

        assertThat(client.texts()).hasSize(1);
        RecordingWhatsAppClient.SentText sent = client.texts().get(0);
        assertThat(sent.text()).isEqualTo("All three answered.");
        assertThat(sent.phoneNumberId()).isEqualTo(Inbound.PHONE_NUMBER_ID);
        assertThat(sent.to().waId()).isEqualTo(ALICE);
        assertThat(client.readReceipts()).containsExactly(
                new RecordingWhatsAppClient.ReadReceipt(Inbound.PHONE_NUMBER_ID, m3.id(), true));

        List<ChatLogEntry> log = chatLog.entries();
        assertThat(log).hasSize(4);
        assertThat(log).extracting(ChatLogEntry::direction).containsExactly(ChatLogEntry.Direction.INBOUND,
                ChatLogEntry.Direction.INBOUND, ChatLogEntry.Direction.INBOUND, ChatLogEntry.Direction.OUTBOUND);
        assertThat(log.get(0).idempotencyKey()).isEqualTo(m1.id());
        assertThat(log.get(2).content()).isEqualTo("[image: the shop front]");
        assertThat(log.get(2).messageType()).isEqualTo("image");
        ChatLogEntry reply = log.get(3);
        assertThat(reply.idempotencyKey()).isEqualTo("reply:" + m3.id());
        assertThat(reply.outboundMessageIds()).hasSize(1);
        assertThat(reply.messageId()).isEqualTo(reply.outboundMessageIds().get(0));
        assertThat(reply.model()).isEqualTo("model-x");
        assertThat(reply.promptTokens()).isEqualTo(120);
        assertThat(reply.sessionId()).isEqualTo(request.sessionId());

        Event.BatchFlushed flushed = events(Event.BatchFlushed.class).get(0);
        assertThat(flushed.size()).isEqualTo(3);
        assertThat(flushed.waited()).isEqualTo(Duration.ofSeconds(25));
        assertThat(flushed.lateness()).isZero();
        Event.AiCompleted completed = events(Event.AiCompleted.class).get(0);
        assertThat(completed.model()).isEqualTo("model-x");
        assertThat(completed.completionTokens()).isEqualTo(30);
        assertThat(events(Event.ReplySent.class)).hasSize(1);
    }

    @Test
    void historyGrowsAcrossBurstsWithinTheWindow() {
        ai.thenReply("a1").thenReply("a2").thenReply("a3");
        ConversationEngine engine = engine(b -> b.settings(settings().historyMaxTurns(3).build()));
        engine.onMessage(text(ALICE, "q1"));
        quiet();
        engine.onMessage(text(ALICE, "q2"));
        quiet();
        assertThat(ai.lastRequest().history()).extracting(ChatTurn::content).containsExactly("q1", "a1");
        assertThat(ai.lastRequest().history()).extracting(ChatTurn::role)
                .containsExactly(ChatTurn.Role.USER, ChatTurn.Role.ASSISTANT);
        engine.onMessage(text(ALICE, "q3"));
        quiet();
        assertThat(ai.lastRequest().history()).as("three turns at most").extracting(ChatTurn::content)
                .containsExactly("a1", "q2", "a2");
        assertThat(ai.requests()).extracting(AiRequest::sessionId).containsOnly(ai.requests().get(0).sessionId());
    }

    @Test
    void historyIsCappedInCharacters() {
        ai.thenReply("x".repeat(30)).thenReply("ok");
        ConversationEngine engine = engine(b -> b.settings(settings().historyMaxChars(40).build()));
        engine.onMessage(text(ALICE, "y".repeat(20)));
        quiet();
        engine.onMessage(text(ALICE, "next"));
        quiet();
        assertThat(ai.lastRequest().history()).extracting(ChatTurn::content).containsExactly("x".repeat(30));
    }

    @Test
    void theMergedTurnIsCappedAtTheBatchLimit() {
        ai.thenReply("ok");
        ConversationEngine engine = engine(b -> b.settings(settings().maxBatchChars(10).build()));
        engine.onMessage(text(ALICE, "12345"));
        engine.onMessage(text(ALICE, "67890abc"));
        quiet();
        assertThat(ai.lastRequest().userTurn()).isEqualTo("12345\n6789");
    }

    @Test
    void aNewSessionStartsAfterTheIdleTimeout() {
        ai.thenReply("a1").thenReply("a2");
        ConversationEngine engine = engine();
        engine.onMessage(text(ALICE, "q1"));
        quiet();
        scheduler.advance(Duration.ofMinutes(61));
        engine.onMessage(text(ALICE, "q2"));
        quiet();
        assertThat(ai.requests().get(1).sessionId()).isNotEqualTo(ai.requests().get(0).sessionId());
        assertThat(ai.lastRequest().history()).isEmpty();
    }

    @Test
    void aResetWordStartsANewSessionWithoutAnAiCall() {
        ai.thenReply("a1").thenReply("a2");
        ConversationEngine engine = engine();
        engine.onMessage(text(ALICE, "q1"));
        quiet();
        String firstSession = ai.lastRequest().sessionId();
        engine.onMessage(text(ALICE, " /RESET "));
        quiet();
        assertThat(ai.callCount()).isEqualTo(1);
        assertThat(client.textBodies()).containsExactly("a1", texts.sessionReset());

        engine.onMessage(text(ALICE, "q2"));
        quiet();
        assertThat(ai.lastRequest().sessionId()).isNotEqualTo(firstSession);
        assertThat(ai.lastRequest().history()).isEmpty();
        List<ChatLogEntry> resetLog = chatLog.entries().subList(2, 4);
        assertThat(resetLog).extracting(ChatLogEntry::content).containsExactly(" /RESET ", texts.sessionReset());
        assertThat(resetLog).extracting(ChatLogEntry::sessionId).containsOnly(ai.lastRequest().sessionId());
    }

    @Test
    void aResetWordWithAQuestionAnswersTheQuestionInANewSession() {
        ai.thenReply("a1").thenReply("a2");
        ConversationEngine engine = engine();
        engine.onMessage(text(ALICE, "q1"));
        quiet();
        engine.onMessage(text(ALICE, "/new"));
        engine.onMessage(text(ALICE, "fresh question"));
        quiet();
        assertThat(ai.lastRequest().userTurn()).isEqualTo("fresh question");
        assertThat(ai.lastRequest().history()).isEmpty();
        assertThat(ai.lastRequest().sessionId()).isNotEqualTo(ai.requests().get(0).sessionId());
    }

    @Test
    void withoutCreditsTheUserIsToldAndTheAiIsNotCalled() {
        InMemoryCreditGate credits = new InMemoryCreditGate(0);
        ConversationEngine engine = engine(b -> b.creditGate(credits));
        engine.onMessage(text(ALICE, "hello?"));
        quiet();
        assertThat(ai.callCount()).isZero();
        assertThat(client.textBodies()).containsExactly(texts.outOfCredits());
        assertThat(events(Event.CreditsExhausted.class)).singleElement()
                .satisfies(e -> assertThat(e.userId()).isEqualTo(users.findByWaId(ALICE).orElseThrow()));
        assertThat(chatLog.entries()).extracting(ChatLogEntry::content).containsExactly("hello?", texts.outOfCredits());
    }

    @Test
    void aSentReplyCostsOneCredit() {
        InMemoryCreditGate credits = new InMemoryCreditGate(1);
        ai.thenReply("paid answer");
        ConversationEngine engine = engine(b -> b.creditGate(credits));
        engine.onMessage(text(ALICE, "q1"));
        quiet();
        String user = users.findByWaId(ALICE).orElseThrow();
        assertThat(credits.balance(user)).isZero();
        engine.onMessage(text(ALICE, "q2"));
        quiet();
        assertThat(client.textBodies()).containsExactly("paid answer", texts.outOfCredits());
        assertThat(ai.callCount()).isEqualTo(1);
    }

    @Test
    void welcomeAndUnsupportedAreAnsweredWithoutAi() {
        ConversationEngine engine = engine();
        engine.onMessage(Inbound.welcome(ALICE, clock.instant()));
        engine.onMessage(Inbound.unsupported(BOB, clock.instant()));
        quiet();
        assertThat(ai.callCount()).isZero();
        assertThat(client.texts()).extracting(t -> t.to().waId() + ":" + t.text())
                .containsExactlyInAnyOrder(ALICE + ":" + texts.greeting(), BOB + ":" + texts.unsupportedFallback());
        assertThat(chatLog.entries()).hasSize(4);
    }

    @Test
    void anUnsupportedMessageInABurstIsLoggedButOnlyTheRealOnesAreAnswered() {
        ai.thenReply("about the location");
        ConversationEngine engine = engine();
        engine.onMessage(Inbound.unsupported(ALICE, clock.instant()));
        engine.onMessage(Inbound.of(ALICE, "location", new LocationContent(-6.2, 106.8, "Monas", null, null),
                clock.instant()));
        quiet();
        assertThat(ai.lastRequest().messages()).hasSize(1);
        assertThat(ai.lastRequest().userTurn()).doesNotContain("unsupported").startsWith("[location");
        assertThat(client.textBodies()).containsExactly("about the location");
        assertThat(chatLog.entries()).hasSize(3);
    }

    @Test
    void aWelcomeTogetherWithAQuestionGetsOneAiReply() {
        ai.thenReply("answer");
        ConversationEngine engine = engine();
        engine.onMessage(Inbound.welcome(ALICE, clock.instant()));
        engine.onMessage(text(ALICE, "what do you sell?"));
        quiet();
        assertThat(ai.lastRequest().userTurn()).isEqualTo("what do you sell?");
        assertThat(client.textBodies()).containsExactly("answer");
    }

    @Test
    void aHistoryThatCannotBeSavedIsReportedButTheReplyStands() {
        SessionStore forgetful = new SessionStore() {
            @Override
            public Session touch(ConversationKey key, String userId, Instant now, Duration idle, boolean forceNew) {
                return sessions.touch(key, userId, now, idle, forceNew);
            }

            @Override
            public List<ChatTurn> history(String sessionId, int maxTurns) {
                return sessions.history(sessionId, maxTurns);
            }

            @Override
            public void append(String sessionId, List<ChatTurn> turns) {
                throw new IllegalStateException("read-only replica");
            }
        };
        ai.thenReply("answer");
        ConversationEngine engine = engine(b -> b.sessionStore(forgetful));
        engine.onMessage(text(ALICE, "q"));
        quiet();
        assertThat(client.textBodies()).containsExactly("answer");
        assertThat(events(Event.SpiFailed.class)).singleElement().satisfies(e -> {
            assertThat(e.spi()).isEqualTo("SessionStore");
            assertThat(e.willRetry()).isFalse();
        });
    }

    @Test
    void anAiFailureSendsTheApologyLogsItAndRefundsTheCredit() {
        InMemoryCreditGate credits = new InMemoryCreditGate(3);
        ai.thenFail(new AiResponderException("provider down", 3, 503, true, null));
        ConversationEngine engine = engine(b -> b.creditGate(credits));
        engine.onMessage(text(ALICE, "q"));
        quiet();
        assertThat(client.textBodies()).containsExactly(texts.aiFailureApology());
        assertThat(chatLog.entries()).extracting(ChatLogEntry::content).containsExactly("q", texts.aiFailureApology());
        assertThat(credits.balance(users.findByWaId(ALICE).orElseThrow())).isEqualTo(3);
        Event.AiFailed failed = events(Event.AiFailed.class).get(0);
        assertThat(failed.fallbackUsed()).isFalse();
        assertThat(failed.error()).isInstanceOf(AiResponderException.class);
        assertThat(events(Event.AiCompleted.class)).isEmpty();
    }

    @Test
    void anyRuntimeExceptionOfTheResponderCountsAsAnAiFailure() {
        ai.thenFail(new IllegalArgumentException("bug in a custom responder"));
        ConversationEngine engine = engine();
        engine.onMessage(text(ALICE, "q"));
        quiet();
        assertThat(client.textBodies()).containsExactly(texts.aiFailureApology());
        assertThat(events(Event.AiFailed.class)).hasSize(1);
    }

    @Test
    void anEmptyReplyCountsAsAnAiFailure() {
        ai.thenReply("   ");
        ConversationEngine engine = engine();
        engine.onMessage(text(ALICE, "q"));
        quiet();
        assertThat(client.textBodies()).containsExactly(texts.aiFailureApology());
    }

    @Test
    void theFallbackResponderAnswersWhenTheAiFails() {
        InMemoryCreditGate credits = new InMemoryCreditGate(3);
        ai.thenFail(new AiResponderException("provider down", 3, 503, true, null));
        ScriptedAiResponder fallback = new ScriptedAiResponder().thenReply(AiReply.of("from the PDF", "knowledge-base"));
        ConversationEngine engine = engine(b -> b.creditGate(credits).fallbackResponder(fallback));
        engine.onMessage(text(ALICE, "q"));
        quiet();
        assertThat(client.textBodies()).containsExactly("from the PDF");
        assertThat(fallback.lastRequest().userTurn()).isEqualTo("q");
        assertThat(events(Event.AiFailed.class)).singleElement().satisfies(e -> assertThat(e.fallbackUsed()).isTrue());
        assertThat(chatLog.entries().get(1).model()).isEqualTo("knowledge-base");
        assertThat(credits.balance(users.findByWaId(ALICE).orElseThrow())).isEqualTo(2);
    }

    @Test
    void aFailingUserMapperIsRetriedWithBackoffAndTheBurstKept() {
        AtomicInteger calls = new AtomicInteger();
        UserMapper flaky = identity -> {
            if (calls.incrementAndGet() <= 2) {
                throw new IllegalStateException("database down");
            }
            return users.findOrCreateUser(identity);
        };
        ai.thenReply("finally");
        ConversationEngine engine = engine(b -> b.userMapper(flaky));
        engine.onMessage(text(ALICE, "q"));
        quiet();
        assertThat(client.texts()).isEmpty();
        scheduler.advance(Duration.ofMillis(999));
        assertThat(calls.get()).isEqualTo(1);
        scheduler.advance(Duration.ofMillis(1));
        assertThat(calls.get()).isEqualTo(2);
        scheduler.advance(Duration.ofSeconds(2));
        assertThat(client.textBodies()).containsExactly("finally");
        assertThat(events(Event.SpiFailed.class)).extracting(Event.SpiFailed::spi, Event.SpiFailed::attempt,
                Event.SpiFailed::willRetry)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("UserMapper", 1, true),
                        org.assertj.core.groups.Tuple.tuple("UserMapper", 2, true));
    }

    @Test
    void storageDownForFiveMinutesTellsTheUserOnceAndAnswersWhenItIsBack() {
        AtomicBoolean down = new AtomicBoolean(true);
        SessionStore flaky = new SessionStore() {
            @Override
            public Session touch(ConversationKey key, String userId, Instant now, Duration idle, boolean forceNew) {
                if (down.get()) {
                    throw new IllegalStateException("connection refused");
                }
                return sessions.touch(key, userId, now, idle, forceNew);
            }

            @Override
            public List<ChatTurn> history(String sessionId, int maxTurns) {
                return sessions.history(sessionId, maxTurns);
            }

            @Override
            public void append(String sessionId, List<ChatTurn> turns) {
                sessions.append(sessionId, turns);
            }
        };
        ai.thenReply("answered after the outage");
        ai.thenReply("and the next burst");
        ConversationEngine engine = engine(b -> b.sessionStore(flaky));
        engine.onMessage(text(ALICE, "q"));
        quiet();
        engine.onMessage(text(ALICE, "still there?"));
        scheduler.advance(Duration.ofMinutes(4));
        assertThat(client.texts()).as("not yet five minutes").isEmpty();
        scheduler.advance(Duration.ofMinutes(2));
        assertThat(client.textBodies()).containsExactly(texts.temporarilyUnavailable());
        scheduler.advance(Duration.ofMinutes(10));
        assertThat(client.textBodies()).as("told once").containsExactly(texts.temporarilyUnavailable());
        assertThat(ai.callCount()).isZero();
        assertThat(events(Event.SpiFailed.class)).allSatisfy(e -> {
            assertThat(e.spi()).isEqualTo("SessionStore");
            assertThat(e.willRetry()).isTrue();
        });

        down.set(false);
        scheduler.advance(Duration.ofMinutes(1));
        assertThat(client.textBodies()).containsExactly(texts.temporarilyUnavailable(), "answered after the outage",
                "and the next burst");
        assertThat(events(Event.BatchFlushed.class)).as("the message sent meanwhile is the next burst").hasSize(2);
    }

    @Test
    void aFailingCreditGateIsRetried() {
        AtomicBoolean down = new AtomicBoolean(true);
        InMemoryCreditGate real = new InMemoryCreditGate(5);
        CreditGate flaky = new CreditGate() {
            @Override
            public java.util.Optional<Reservation> reserve(String userId, String key) {
                if (down.getAndSet(false)) {
                    throw new IllegalStateException("timeout");
                }
                return real.reserve(userId, key);
            }

            @Override
            public void commit(Reservation r) {
                real.commit(r);
            }

            @Override
            public void refund(Reservation r) {
                real.refund(r);
            }
        };
        ai.thenReply("ok");
        ConversationEngine engine = engine(b -> b.creditGate(flaky));
        engine.onMessage(text(ALICE, "q"));
        quiet();
        scheduler.advance(Duration.ofSeconds(1));
        assertThat(client.textBodies()).containsExactly("ok");
        assertThat(events(Event.SpiFailed.class)).extracting(Event.SpiFailed::spi).containsExactly("CreditGate");
        assertThat(real.balance(users.findByWaId(ALICE).orElseThrow())).isEqualTo(4);
    }

    @Test
    void aFailingChatLoggerDoesNotStopTheReplyAndCatchesUpLater() {
        AtomicBoolean down = new AtomicBoolean(true);
        ChatLogger flaky = entries -> {
            if (down.get()) {
                throw new IllegalStateException("supabase unreachable");
            }
            chatLog.log(entries);
        };
        ai.thenReply("answer");
        ConversationEngine engine = engine(b -> b.chatLogger(flaky));
        engine.onMessage(text(ALICE, "q"));
        quiet();
        assertThat(client.textBodies()).containsExactly("answer");
        assertThat(chatLog.entries()).isEmpty();
        assertThat(events(Event.SpiFailed.class)).extracting(Event.SpiFailed::spi).contains("ChatLogger");

        scheduler.advance(Duration.ofSeconds(1));
        assertThat(chatLog.entries()).isEmpty();
        down.set(false);
        scheduler.advance(Duration.ofSeconds(2));
        assertThat(chatLog.entries()).extracting(ChatLogEntry::content).containsExactly("q", "answer");
        assertThat(events(Event.ChatLogDropped.class)).isEmpty();
    }

    @Test
    void chatLogEntriesBeyondTheRetryQueueAreReportedAsDropped() {
        ChatLogger down = entries -> {
            throw new IllegalStateException("down");
        };
        ai.otherwise(r -> AiReply.of("ok", "m"));
        ConversationEngine engine = engine(b -> b.chatLogger(down)
                .chatLogRetry(2, Duration.ofSeconds(1), Duration.ofSeconds(4)));
        engine.onMessage(text(ALICE, "q1"));
        engine.onMessage(text(ALICE, "q2"));
        quiet();
        assertThat(client.textBodies()).containsExactly("ok");
        assertThat(events(Event.ChatLogDropped.class)).as("two user messages and the reply, two places")
                .extracting(Event.ChatLogDropped::entries).containsExactly(1);
        engine.close();
        assertThat(events(Event.ChatLogDropped.class)).extracting(Event.ChatLogDropped::entries).containsExactly(1, 2);
    }

    @Test
    void aFailedSendIsReportedWithTheTextLoggedAndRefunded() {
        InMemoryCreditGate credits = new InMemoryCreditGate(2);
        client.failNextSends(new io.github.whatsappai.client.WhatsAppApiException(400, 131047, -1, "OAuthException",
                "trace", "131047 re-engagement message", null, null));
        ai.thenReply("lost reply");
        ConversationEngine engine = engine(b -> b.creditGate(credits));
        engine.onMessage(text(ALICE, "q"));
        quiet();
        Event.SendFailed failed = events(Event.SendFailed.class).get(0);
        assertThat(failed.text()).isEqualTo("lost reply");
        assertThat(failed.error()).hasMessageContaining("131047");
        ChatLogEntry logged = chatLog.entries().get(1);
        assertThat(logged.error()).contains("131047");
        assertThat(logged.messageId()).isNull();
        assertThat(credits.balance(users.findByWaId(ALICE).orElseThrow())).isEqualTo(2);
        assertThat(sessions.history(ai.lastRequest().sessionId(), 10)).extracting(ChatTurn::role)
                .containsExactly(ChatTurn.Role.USER);
    }

    @Test
    void messagesDuringAnAnswerAreAnsweredNextNeverConcurrently() {
        ai.thenReply("first answer").thenReply("second answer");
        client.holdSends();
        ConversationEngine engine = engine();
        engine.onMessage(text(ALICE, "q1"));
        quiet();
        assertThat(ai.callCount()).isEqualTo(1);
        engine.onMessage(text(ALICE, "q2"));
        scheduler.advance(Duration.ofMinutes(2));
        assertThat(ai.callCount()).as("the first reply is still being sent").isEqualTo(1);

        client.completeHeldSends();
        scheduler.runDueTasks();
        assertThat(ai.callCount()).isEqualTo(2);
        assertThat(ai.lastRequest().userTurn()).isEqualTo("q2");
        assertThat(ai.lastRequest().history()).extracting(ChatTurn::content).containsExactly("q1", "first answer");
        assertThat(client.textBodies()).containsExactly("first answer", "second answer");
    }

    @Test
    void conversationsAreAnsweredIndependently() {
        ai.otherwise(r -> AiReply.of("to " + r.key().userKey(), "m"));
        client.holdSends();
        ConversationEngine engine = engine();
        engine.onMessage(text(ALICE, "a"));
        engine.onMessage(text(BOB, "b"));
        quiet();
        assertThat(ai.callCount()).as("Bob is not waiting for Alice's reply to be sent").isEqualTo(2);
        client.completeHeldSends();
        assertThat(client.texts()).extracting(t -> t.to().waId() + ":" + t.text())
                .containsExactlyInAnyOrder(ALICE + ":to " + ALICE, BOB + ":to " + BOB);
        assertThat(ai.requests().get(0).sessionId()).isNotEqualTo(ai.requests().get(1).sessionId());
    }

    @Test
    void theRateLimitNoticeWaitsForTheReplyInFlight() {
        ai.thenReply("reply");
        client.holdSends();
        ConversationEngine engine = engine();
        InboundMessage m = text(ALICE, "q");
        engine.onMessage(m);
        quiet();
        engine.onRateLimited(text(ALICE, "too fast"));
        assertThat(client.textBodies()).containsExactly("reply");
        client.completeHeldSends();
        assertThat(client.textBodies()).containsExactly("reply", texts.rateLimitNotice());
    }

    @Test
    void theRateLimitNoticeGoesOutAtOnceWhenNothingIsInFlight() {
        ConversationEngine engine = engine();
        engine.onRateLimited(text(ALICE, "too fast"));
        assertThat(client.textBodies()).containsExactly(texts.rateLimitNotice());
        assertThat(ai.callCount()).isZero();
    }

    @Test
    void closeAnswersEverythingPending() {
        ai.otherwise(r -> AiReply.of("bye " + r.userTurn(), "m"));
        ConversationEngine engine = engine();
        engine.onMessage(text(ALICE, "a"));
        engine.onMessage(text(BOB, "b"));
        engine.close();
        assertThat(client.textBodies()).containsExactlyInAnyOrder("bye a", "bye b");
        assertThat(engine.pendingConversations()).isZero();
    }

    private static List<Thread> engineThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("whatsapp-ai-")).toList();
    }

    @Test
    void closeShutsDownOnlyTheThreadsTheEngineCreated() throws InterruptedException {
        ai.otherwise(r -> AiReply.of("done", "m"));
        ConversationEngine own = ConversationEngine.builder().settings(settings().build()).aiResponder(ai)
                .whatsAppClient(client).eventListener(events::add).workerThreads(2).build();
        own.onMessage(text(ALICE, "a"));
        List<Thread> created = engineThreads();
        assertThat(created).extracting(Thread::getName).containsExactly("whatsapp-ai-timer");
        assertThat(created).allMatch(Thread::isDaemon);
        own.close();
        assertThat(client.textBodies()).containsExactly("done");
        for (Thread t : engineThreads()) {
            t.join(5_000);
            assertThat(t.isAlive()).as(t.getName() + " still running").isFalse();
        }

        ConversationEngine given = engine();
        given.close();
        assertThat(scheduler.isShutdown()).isFalse();
    }

    // ---- every way a burst ends sends something and reports it ----------------------------------

    @Test
    void anUnexpectedFailureIsReportedRefundedAndAnsweredWithTheApology() {
        InMemoryCreditGate credits = new InMemoryCreditGate(2);
        ai.thenAnswer(r -> {
            throw new AssertionError("a bug in a responder");
        });
        ConversationEngine engine = engine(b -> b.creditGate(credits));
        engine.onMessage(text(ALICE, "q"));
        quiet();
        assertThat(events(Event.BurstFailed.class)).singleElement()
                .satisfies(e -> assertThat(e.error()).hasMessage("a bug in a responder"));
        assertThat(client.textBodies()).containsExactly(texts.aiFailureApology());
        assertThat(credits.balance(users.findByWaId(ALICE).orElseThrow())).as("refunded").isEqualTo(2);
        assertThat(engine.pendingConversations()).isZero();
    }

    @Test
    void aReplyThatCannotBeSentBeforeTheWindowClosesIsReportedWithItsText() {
        InMemoryCreditGate credits = new InMemoryCreditGate(2);
        ai.thenReply("too late");
        io.github.whatsappai.client.WhatsAppApiException down = new io.github.whatsappai.client.WhatsAppApiException(
                503, io.github.whatsappai.client.WhatsAppApiException.NO_CODE, -1, null, null, "down", null, null);
        client.failNextSends(java.util.stream.Stream.generate(() -> down).limit(2000).toArray(Throwable[]::new));
        ConversationEngine engine = engine(b -> b.creditGate(credits));
        engine.onMessage(text(ALICE, "q"));
        quiet();
        scheduler.advance(Duration.ofHours(25));
        assertThat(events(Event.ReplyExpired.class)).singleElement()
                .satisfies(e -> assertThat(e.text()).isEqualTo("too late"));
        assertThat(events(Event.ReplySent.class)).as("every attempt failed").isEmpty();
        assertThat(credits.balance(users.findByWaId(ALICE).orElseThrow())).as("nothing sent: refunded").isEqualTo(2);
        assertThat(chatLog.entries()).extracting(ChatLogEntry::content).containsExactly("q", "too late");
        assertThat(engine.pendingConversations()).isZero();
    }

    @Test
    void anExpiredReplyIsReplacedByTheConfiguredTemplateOnce() {
        io.github.whatsappai.client.WhatsAppApiException down = new io.github.whatsappai.client.WhatsAppApiException(
                503, io.github.whatsappai.client.WhatsAppApiException.NO_CODE, -1, null, null, "down", null, null);
        // texts never get through; templates do
        io.github.whatsappai.client.WhatsAppClient textsDown = new io.github.whatsappai.client.WhatsAppClient() {
            @Override
            public java.util.concurrent.CompletableFuture<io.github.whatsappai.client.SendResult> sendText(
                    String phoneNumberId, io.github.whatsappai.client.Recipient to, String text, String replyTo) {
                return java.util.concurrent.CompletableFuture.failedFuture(down);
            }

            @Override
            public java.util.concurrent.CompletableFuture<Void> markRead(String phoneNumberId, String messageId,
                                                                         boolean typing) {
                return client.markRead(phoneNumberId, messageId, typing);
            }

            @Override
            public java.util.concurrent.CompletableFuture<io.github.whatsappai.client.SendResult> send(
                    String phoneNumberId, io.github.whatsappai.client.Recipient to,
                    io.github.whatsappai.client.OutboundMessage message) {
                return client.send(phoneNumberId, to, message);
            }
        };
        ai.thenReply("too late");
        ConversationEngine engine = engine(b -> b.whatsAppClient(textsDown).settings(settings()
                .expiredReplyTemplate(new ConversationSettings.ReplyTemplate("reply_expired", "id")).build()));
        engine.onMessage(text(ALICE, "q"));
        quiet();
        assertThat(client.messages()).as("nothing before the window closes").isEmpty();
        scheduler.advance(Duration.ofHours(25));
        assertThat(client.messages()).singleElement().satisfies(m -> {
            assertThat(m.message()).isEqualTo(new io.github.whatsappai.client.TemplateMessage("reply_expired", "id",
                    List.of()));
            assertThat(m.to().waId()).isEqualTo(ALICE);
        });
        assertThat(events(Event.ReplyExpired.class)).singleElement().satisfies(e -> {
            assertThat(e.text()).isEqualTo("too late");
            assertThat(e.templateSent()).isTrue();
        });
        assertThat(engine.pendingConversations()).isZero();
    }

    @Test
    void theTemplateSettingIsReadAsNameAndLanguage() {
        assertThat(ConversationSettings.ReplyTemplate.parse("reply_expired"))
                .isEqualTo(new ConversationSettings.ReplyTemplate("reply_expired", "en_US"));
        assertThat(ConversationSettings.ReplyTemplate.parse(" reply_expired:id "))
                .isEqualTo(new ConversationSettings.ReplyTemplate("reply_expired", "id"));
        assertThatThrownBy(() -> ConversationSettings.ReplyTemplate.parse("reply_expired:Indonesian"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("languageCode must look like");
        assertThatThrownBy(() -> ConversationSettings.ReplyTemplate.parse(":id"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("name must not be blank");
    }
}
