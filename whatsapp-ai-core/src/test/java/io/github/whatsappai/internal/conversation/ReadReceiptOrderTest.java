package io.github.whatsappai.internal.conversation;

import io.github.whatsappai.client.OutboundMessage;
import io.github.whatsappai.client.Recipient;
import io.github.whatsappai.client.SendResult;
import io.github.whatsappai.client.WhatsAppClient;
import io.github.whatsappai.testing.DirectExecutor;
import io.github.whatsappai.testing.Inbound;
import io.github.whatsappai.testing.ManualClock;
import io.github.whatsappai.testing.RecordingWhatsAppClient;
import io.github.whatsappai.testing.ScriptedAiResponder;
import io.github.whatsappai.testing.VirtualScheduler;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/** The read receipt with typing indicator reaches the Graph API before the reply, every time. */
class ReadReceiptOrderTest {

    private final ManualClock clock = ManualClock.atDefaultStart();
    private final VirtualScheduler scheduler = new VirtualScheduler(clock);
    private final List<String> calls = new ArrayList<>();

    /** A Graph API whose read receipts stay unanswered until the test answers them. */
    private class SlowReceipts implements WhatsAppClient {
        final RecordingWhatsAppClient sent = new RecordingWhatsAppClient();
        final List<CompletableFuture<Void>> receipts = new ArrayList<>();

        @Override
        public CompletableFuture<SendResult> sendText(String phoneNumberId, Recipient to, String text,
                                                      String replyToMessageId) {
            calls.add("text");
            return sent.sendText(phoneNumberId, to, text, replyToMessageId);
        }

        @Override
        public CompletableFuture<Void> markRead(String phoneNumberId, String messageId, boolean typing) {
            calls.add("read");
            CompletableFuture<Void> receipt = new CompletableFuture<>();
            receipts.add(receipt);
            return receipt;
        }

        @Override
        public CompletableFuture<SendResult> send(String phoneNumberId, Recipient to, OutboundMessage message) {
            return sent.send(phoneNumberId, to, message);
        }
    }

    private ConversationEngine engine(WhatsAppClient client) {
        return ConversationEngine.builder()
                .aiResponder(new ScriptedAiResponder().otherwise(r -> io.github.whatsappai.ai.AiReply.of("hello", "m")))
                .whatsAppClient(client)
                .clock(clock).scheduler(scheduler).workerExecutor(DirectExecutor.INSTANCE)
                .build();
    }

    @Test
    void theReplyWaitsForTheReadReceiptsAnswer() {
        SlowReceipts graph = new SlowReceipts();
        ConversationEngine engine = engine(graph);
        for (int burst = 0; burst < 100; burst++) {
            engine.onMessage(Inbound.text("1555" + String.format("%07d", burst), "hi", clock.instant()));
        }
        scheduler.advance(Duration.ofSeconds(16));
        assertThat(calls).as("every receipt is out, no reply yet").hasSize(100).containsOnly("read");
        graph.receipts.forEach(r -> r.complete(null));
        assertThat(graph.sent.textBodies()).hasSize(100).containsOnly("hello");
        engine.close();
    }

    @Test
    void anUnansweredReadReceiptHoldsTheReplyAtMostTwoSeconds() {
        SlowReceipts graph = new SlowReceipts();
        ConversationEngine engine = engine(graph);
        engine.onMessage(Inbound.text("15550001111", "hi", clock.instant()));
        scheduler.advance(Duration.ofSeconds(15));
        assertThat(calls).as("the burst is due after the 15 s window").containsExactly("read");
        scheduler.advance(Duration.ofMillis(1_999));
        assertThat(graph.sent.texts()).isEmpty();
        scheduler.advance(Duration.ofMillis(1));
        assertThat(graph.sent.textBodies()).containsExactly("hello");
        assertThat(calls).containsExactly("read", "text");
        engine.close();
    }

    /** Read receipts wait {@code queuedFor} for their turn in the client's pace, then stay unanswered. */
    private final class QueuedReceipts extends SlowReceipts {
        final Duration queuedFor;

        QueuedReceipts(Duration queuedFor) {
            this.queuedFor = queuedFor;
        }

        @Override
        public CompletableFuture<Void> markRead(String phoneNumberId, String messageId, boolean typing,
                                                Runnable onDispatch) {
            scheduler.schedule(() -> {
                calls.add("read dispatched");
                onDispatch.run();
            }, queuedFor.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            return markRead(phoneNumberId, messageId, typing);
        }
    }

    @Test
    void theTwoSecondsCountFromWhenTheReceiptLeavesTheClientsPace() {
        QueuedReceipts graph = new QueuedReceipts(Duration.ofSeconds(5));
        ConversationEngine engine = engine(graph);
        engine.onMessage(Inbound.text("15550001111", "hi", clock.instant()));
        scheduler.advance(Duration.ofSeconds(15));
        scheduler.advance(Duration.ofSeconds(6));
        assertThat(graph.sent.texts()).as("the receipt still waits for its turn, or left less than 2 s ago").isEmpty();
        scheduler.advance(Duration.ofMillis(999));
        assertThat(graph.sent.texts()).isEmpty();
        scheduler.advance(Duration.ofMillis(1));
        assertThat(calls).containsExactly("read", "read dispatched", "text");
        engine.close();
    }

    @Test
    void aReceiptThatNeverLeavesThePaceHoldsTheReplyThirtySecondsAtMost() {
        QueuedReceipts graph = new QueuedReceipts(Duration.ofHours(1));
        ConversationEngine engine = engine(graph);
        engine.onMessage(Inbound.text("15550001111", "hi", clock.instant()));
        scheduler.advance(Duration.ofSeconds(15));
        scheduler.advance(Duration.ofMillis(29_999));
        assertThat(graph.sent.texts()).isEmpty();
        scheduler.advance(Duration.ofMillis(1));
        assertThat(graph.sent.textBodies()).containsExactly("hello");
        engine.close();
    }
}
