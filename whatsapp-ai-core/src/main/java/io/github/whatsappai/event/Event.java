package io.github.whatsappai.event;

import io.github.whatsappai.internal.Redaction;
import io.github.whatsappai.webhook.model.ChangeError;
import io.github.whatsappai.webhook.model.ConversationKey;
import io.github.whatsappai.webhook.model.InboundMessage;
import io.github.whatsappai.webhook.model.OtherChange;
import io.github.whatsappai.webhook.model.StatusUpdate;

import java.time.Duration;
import java.util.List;

import static io.github.whatsappai.event.EventText.business;
import static io.github.whatsappai.event.EventText.chars;
import static io.github.whatsappai.event.EventText.describe;
import static io.github.whatsappai.event.EventText.maskId;
import static io.github.whatsappai.event.EventText.scrub;
import static io.github.whatsappai.event.EventText.scrubAll;

/**
 * Something that happened inside the SDK. Each kind is a record nested here; switch on the type
 * ({@code if (event instanceof Event.SendFailed f)}) and ignore kinds you do not know: new kinds are
 * added in minor releases.
 *
 * <p>Events carry raw values (a listener may need the text of a {@link SendFailed} to resend it), but
 * every event's {@code toString} is fit for a log: the user's phone number and business-scoped id
 * are masked ({@code 155******23}), profile names, message texts and operator data are left out
 * (a text is shown as its length), and free text such as a reason or an exception's message is
 * scrubbed of anything that looks like a phone number or a business-scoped id. The business's own
 * ids (WABA id, phone number id) and the model slug are printed in full. {@link LoggingEventListener}
 * logs exceptions the same way.
 */
public interface Event {

    /** How much attention an event deserves; {@link LoggingEventListener} maps it to a log level. */
    enum Severity { DEBUG, INFO, WARN, ERROR }

    /** This event's severity. */
    Severity severity();

    // ---- ingress ----------------------------------------------------------------------------

    /** A POST was refused with 401: missing, malformed or wrong {@code X-Hub-Signature-256}. */
    record SignatureRejected(String reason, int bodyBytes) implements Event {
        public Severity severity() {
            return Severity.WARN;
        }

        /** Personal data masked; see {@link Event}. */
        @Override
        public String toString() {
            return "SignatureRejected[reason=" + scrub(reason) + ", bodyBytes=" + bodyBytes + "]";
        }
    }

    /** A GET handshake was refused with 403. */
    record HandshakeRejected(String reason) implements Event {
        public Severity severity() {
            return Severity.WARN;
        }

        /** Personal data masked; see {@link Event}. */
        @Override
        public String toString() {
            return "HandshakeRejected[reason=" + scrub(reason) + "]";
        }
    }

    /** A GET handshake was answered with the challenge. */
    record HandshakeAccepted() implements Event {
        public Severity severity() {
            return Severity.INFO;
        }
    }

    /** A request was refused before verification (body too large, wrong method). */
    record RequestRejected(int status, String reason) implements Event {
        public Severity severity() {
            return Severity.WARN;
        }

        /** Personal data masked; see {@link Event}. */
        @Override
        public String toString() {
            return "RequestRejected[status=" + status + ", reason=" + scrub(reason) + "]";
        }
    }

    /** A correctly signed body could not be read (not JSON, not a WhatsApp delivery, …); answered 200, not processed. */
    record PayloadRejected(String reason, int bodyBytes) implements Event {
        public Severity severity() {
            return Severity.ERROR;
        }

        /** Personal data masked; see {@link Event}. */
        @Override
        public String toString() {
            return "PayloadRejected[reason=" + scrub(reason) + ", bodyBytes=" + bodyBytes + "]";
        }
    }

    /** Part of an otherwise readable delivery could not be read; the rest was processed. */
    record PayloadProblem(String problem) implements Event {
        public Severity severity() {
            return Severity.WARN;
        }

        /** Personal data masked; see {@link Event}. */
        @Override
        public String toString() {
            return "PayloadProblem[problem=" + scrub(problem) + "]";
        }
    }

    /** A delivery for a WABA or phone number id that is not configured as ours: acknowledged, ignored. */
    record ForeignDeliveryIgnored(String wabaId, String phoneNumberId) implements Event {
        public Severity severity() {
            return Severity.WARN;
        }

        /** Personal data masked; see {@link Event}. */
        @Override
        public String toString() {
            return "ForeignDeliveryIgnored[wabaId=" + wabaId + ", phoneNumberId=" + phoneNumberId + "]";
        }
    }

    /** A message was refused: invalid sender identity or similar. Not processed. */
    record MessageRejected(String messageId, String senderId, String reason) implements Event {
        public Severity severity() {
            return Severity.WARN;
        }

        /** Personal data masked; see {@link Event}. */
        @Override
        public String toString() {
            return "MessageRejected[messageId=" + scrub(messageId) + ", senderId=" + maskId(senderId)
                    + ", reason=" + scrub(reason) + "]";
        }
    }

    /** A message or status seen before (Meta redelivers): ignored. */
    record DuplicateIgnored(String id, String kind) implements Event {
        public Severity severity() {
            return Severity.DEBUG;
        }

        /** Personal data masked; see {@link Event}. */
        @Override
        public String toString() {
            return "DuplicateIgnored[id=" + scrub(id) + ", kind=" + scrub(kind) + "]";
        }
    }

    /** A message older than the configured maximum age: ignored instead of answered. */
    record StaleMessageIgnored(String messageId, ConversationKey key, Duration age) implements Event {
        public Severity severity() {
            return Severity.INFO;
        }

        /** Personal data masked; see {@link Event}. */
        @Override
        public String toString() {
            return "StaleMessageIgnored[messageId=" + scrub(messageId) + ", key=" + key + ", age=" + age + "]";
        }
    }

    /** A sender went over the rate limit; {@code noticeRequested} for the first refusal in a minute. */
    record RateLimited(ConversationKey key, String messageId, boolean noticeRequested) implements Event {
        public Severity severity() {
            return noticeRequested ? Severity.WARN : Severity.DEBUG;
        }

        /** Personal data masked; see {@link Event}. */
        @Override
        public String toString() {
            return "RateLimited[key=" + key + ", messageId=" + scrub(messageId) + ", noticeRequested="
                    + noticeRequested + "]";
        }
    }

    /** A message passed every guard and was handed to the conversation engine. */
    record MessageAccepted(ConversationKey key, String messageId, String type) implements Event {
        public Severity severity() {
            return Severity.DEBUG;
        }

        /** Personal data masked; see {@link Event}. */
        @Override
        public String toString() {
            return "MessageAccepted[key=" + key + ", messageId=" + scrub(messageId) + ", type=" + scrub(type) + "]";
        }
    }

    /** A status update for a message we sent. */
    record StatusReceived(StatusUpdate status) implements Event {
        public Severity severity() {
            return status.status() == StatusUpdate.Status.FAILED ? Severity.WARN : Severity.DEBUG;
        }

        /** Personal data masked; see {@link Event}. */
        @Override
        public String toString() {
            return "StatusReceived[status=" + describe(status) + "]";
        }
    }

    /** A reaction, system message or unknown message type: reported, never answered by the AI. */
    record NonConversationalMessage(InboundMessage message) implements Event {
        public Severity severity() {
            return Severity.INFO;
        }

        /** Personal data masked; see {@link Event}. */
        @Override
        public String toString() {
            return "NonConversationalMessage[message=" + describe(message) + "]";
        }
    }

    /** A {@code value.errors} item: a system, app or account problem Meta reports. */
    record WebhookErrorReceived(ChangeError error) implements Event {
        public Severity severity() {
            return Severity.ERROR;
        }

        /** Personal data masked; see {@link Event}. */
        @Override
        public String toString() {
            return "WebhookErrorReceived[error=" + (error == null ? "-"
                    : business(error.business()) + " " + describe(error.error())) + "]";
        }
    }

    /** A change for a field other than {@code messages}. */
    record OtherChangeReceived(OtherChange change) implements Event {
        public Severity severity() {
            return Severity.INFO;
        }

        /** Personal data masked; see {@link Event}. */
        @Override
        public String toString() {
            return "OtherChangeReceived[change=" + describe(change) + "]";
        }
    }

    // ---- conversation engine ----------------------------------------------------------------

    /**
     * A burst was handed to a worker.
     *
     * @param size messages in the batch
     * @param waited from the batch's first message to the hand-off
     * @param lateness from the batch's deadline to the hand-off
     */
    record BatchFlushed(ConversationKey key, int size, Duration waited, Duration lateness) implements Event {
        public Severity severity() {
            return Severity.DEBUG;
        }

        /** Personal data masked; see {@link Event}. */
        @Override
        public String toString() {
            return "BatchFlushed[key=" + key + ", size=" + size + ", waited=" + waited + ", lateness=" + lateness + "]";
        }
    }

    /** The AI answered. Tokens are -1 when the provider did not report them. */
    record AiCompleted(ConversationKey key, String model, Duration latency, int promptTokens,
                       int completionTokens) implements Event {
        public Severity severity() {
            return Severity.INFO;
        }

        /** Personal data masked; see {@link Event}. */
        @Override
        public String toString() {
            return "AiCompleted[key=" + key + ", model=" + model + ", latency=" + latency + ", promptTokens="
                    + promptTokens + ", completionTokens=" + completionTokens + "]";
        }
    }

    /** The AI failed after its retries; the apology (or the fallback responder) answered instead. */
    record AiFailed(ConversationKey key, Throwable error, boolean fallbackUsed) implements Event {
        public Severity severity() {
            return Severity.ERROR;
        }

        /** Personal data masked; see {@link Event}. */
        @Override
        public String toString() {
            return "AiFailed[key=" + key + ", error=" + Redaction.describe(error) + ", fallbackUsed=" + fallbackUsed + "]";
        }
    }

    /** A reply went out; {@code messageIds} are the wamids of its parts. */
    record ReplySent(ConversationKey key, List<String> messageIds, int characters) implements Event {
        public Severity severity() {
            return Severity.DEBUG;
        }

        /** Personal data masked; see {@link Event}. */
        @Override
        public String toString() {
            return "ReplySent[key=" + key + ", messageIds=" + scrubAll(messageIds) + ", characters=" + characters + "]";
        }
    }

    /** A reply could not be sent after the client's retries. The text is included so nothing is lost. */
    record SendFailed(ConversationKey key, String text, Throwable error) implements Event {
        public Severity severity() {
            return Severity.ERROR;
        }

        /** Personal data masked; see {@link Event}. */
        @Override
        public String toString() {
            return "SendFailed[key=" + key + ", text=" + chars(text) + ", error=" + Redaction.describe(error) + "]";
        }
    }

    /**
     * A reply part could not be sent yet (the Graph API is down or asked to wait); it is tried again
     * after {@code retryIn}, until it is sent or WhatsApp's customer-service window closes.
     *
     * @param attempt failed attempts so far
     */
    record SendDelayed(ConversationKey key, int attempt, Duration retryIn, Throwable error) implements Event {
        public Severity severity() {
            return attempt == 1 ? Severity.WARN : Severity.DEBUG;
        }

        /** Personal data masked; see {@link Event}. */
        @Override
        public String toString() {
            return "SendDelayed[key=" + key + ", attempt=" + attempt + ", retryIn=" + retryIn + ", error="
                    + Redaction.describe(error) + "]";
        }
    }

    /**
     * A reply was given up because the user's 24-hour customer-service window closed before it could
     * be sent; {@code templateSent} when the configured template went out instead. The text is
     * included so nothing is lost.
     */
    record ReplyExpired(ConversationKey key, String text, boolean templateSent) implements Event {
        public Severity severity() {
            return Severity.ERROR;
        }

        /** Personal data masked; see {@link Event}. */
        @Override
        public String toString() {
            return "ReplyExpired[key=" + key + ", text=" + chars(text) + ", templateSent=" + templateSent + "]";
        }
    }

    /**
     * Answering a burst failed in a way no step expected (a bug or a broken SPI); the apology was
     * sent and the credit refunded.
     */
    record BurstFailed(ConversationKey key, Throwable error) implements Event {
        public Severity severity() {
            return Severity.ERROR;
        }

        /** Personal data masked; see {@link Event}. */
        @Override
        public String toString() {
            return "BurstFailed[key=" + key + ", error=" + Redaction.describe(error) + "]";
        }
    }

    /**
     * The engine closed with bursts still claimed by it: they were released, their progress kept, for
     * another instance or a restart to answer.
     */
    record BurstsReleased(int bursts) implements Event {
        public Severity severity() {
            return Severity.WARN;
        }
    }

    /**
     * A storage SPI call failed.
     *
     * @param spi which SPI ({@code UserMapper}, {@code SessionStore}, {@code ChatLogger}, {@code CreditGate},
     *            {@code StateStore})
     * @param attempt 1 for the first failure
     * @param willRetry whether the work is kept and retried
     */
    record SpiFailed(String spi, ConversationKey key, Throwable error, int attempt, boolean willRetry)
            implements Event {
        public Severity severity() {
            return willRetry ? Severity.WARN : Severity.ERROR;
        }

        /** Personal data masked; see {@link Event}. */
        @Override
        public String toString() {
            return "SpiFailed[spi=" + scrub(spi) + ", key=" + (key == null ? "-" : key) + ", error="
                    + Redaction.describe(error) + ", attempt=" + attempt + ", willRetry=" + willRetry + "]";
        }
    }

    /**
     * A voice note, image, sticker, video or document of a burst was not given to the AI; the user is
     * told which item could not be read.
     *
     * @param messageId the wamid of the message that carried it
     * @param kind {@code audio}, {@code image}, {@code sticker}, {@code video} or {@code document}
     * @param reason why, e.g. larger than the cap, a refused type, the download failed, no media model
     */
    record MediaNotRead(ConversationKey key, String messageId, String kind, String reason) implements Event {
        public Severity severity() {
            return Severity.INFO;
        }

        /** Personal data masked; see {@link Event}. */
        @Override
        public String toString() {
            return "MediaNotRead[key=" + (key == null ? "-" : key) + ", messageId=" + scrub(messageId) + ", kind="
                    + scrub(kind) + ", reason=" + scrub(reason) + "]";
        }
    }

    /** Chat-log entries had to be dropped because the retry queue was full or they kept failing. */
    record ChatLogDropped(int entries, String reason) implements Event {
        public Severity severity() {
            return Severity.ERROR;
        }

        /** Personal data masked; see {@link Event}. */
        @Override
        public String toString() {
            return "ChatLogDropped[entries=" + entries + ", reason=" + scrub(reason) + "]";
        }
    }

    /**
     * A bounded part of the state store is full.
     *
     * @param kind what is full ({@code outbox}, ...)
     * @param capacity its capacity
     * @param reason what happens now and what to do
     */
    record StoreOverflow(String kind, int capacity, String reason) implements Event {
        public Severity severity() {
            return Severity.ERROR;
        }

        /** Personal data masked; see {@link Event}. */
        @Override
        public String toString() {
            return "StoreOverflow[kind=" + scrub(kind) + ", capacity=" + capacity + ", reason="
                    + scrub(reason) + "]";
        }
    }

    /** The credit gate refused; the out-of-credits message was sent instead of an AI reply. */
    record CreditsExhausted(ConversationKey key, String userId) implements Event {
        public Severity severity() {
            return Severity.INFO;
        }

        /** Personal data masked; see {@link Event}. */
        @Override
        public String toString() {
            return "CreditsExhausted[key=" + key + ", userId=" + maskId(userId) + "]";
        }
    }

    // ---- Graph API --------------------------------------------------------------------------

    /**
     * The Graph API said something an operator must act on: 190 (token expired or invalid), 368
     * (blocked for policy violations) and similar.
     */
    record GraphAlert(int code, String message, String fbtraceId) implements Event {
        public Severity severity() {
            return Severity.ERROR;
        }

        /** Personal data masked; see {@link Event}. */
        @Override
        public String toString() {
            return "GraphAlert[code=" + code + ", message=" + scrub(message) + ", fbtraceId=" + scrub(fbtraceId) + "]";
        }
    }

    /**
     * A message could not be sent because the user's 24-hour window is closed (131047): only a
     * template can reach them now.
     */
    record ReEngagementRequired(String phoneNumberId, String recipient, String text) implements Event {
        public Severity severity() {
            return Severity.WARN;
        }

        /** Personal data masked; see {@link Event}. */
        @Override
        public String toString() {
            return "ReEngagementRequired[phoneNumberId=" + phoneNumberId + ", recipient=" + maskId(recipient)
                    + ", text=" + chars(text) + "]";
        }
    }

    /**
     * A {@code POST /messages} timed out after the request was written: Meta may or may not have
     * accepted it, so the user may get the message twice if it is sent again. {@code retried} says
     * whether the client sent it once more (at most once, in memory); {@code delivered} whether that
     * (or the original) send was finally confirmed with a message id. {@code callbackData} is the
     * {@code biz_opaque_callback_data} the send carried, if any: the status webhooks for the
     * message echo it, which is how a durable outbox settles the outcome. The recipient is masked in
     * {@link #toString()}.
     */
    record SendAmbiguous(String phoneNumberId, String recipient, boolean retried, boolean delivered,
                         String callbackData) implements Event {
        public Severity severity() {
            return delivered ? Severity.WARN : Severity.ERROR;
        }

        /** Personal data masked; see {@link Event}. The callback data is only said to be there. */
        @Override
        public String toString() {
            return "SendAmbiguous[phoneNumberId=" + phoneNumberId + ", recipient=" + maskId(recipient)
                    + ", retried=" + retried + ", delivered=" + delivered
                    + ", callbackData=" + (callbackData == null ? "-" : "(set)") + "]";
        }
    }

    // ---- circuit breakers -------------------------------------------------------------------

    /**
     * A circuit opened: {@code failures} calls to {@code circuit} (e.g. {@code openrouter}) failed in
     * a row, or a probe failed (1). For {@code openFor} no call is made; the callers get their
     * fallback at once.
     */
    record CircuitOpened(String circuit, int failures, Duration openFor) implements Event {
        public Severity severity() {
            return Severity.ERROR;
        }

        /** The circuit name scrubbed like any free text; see {@link Event}. */
        @Override
        public String toString() {
            return "CircuitOpened[circuit=" + scrub(circuit) + ", failures=" + failures + ", openFor=" + openFor + "]";
        }
    }

    /** An open circuit's period is over: one probe call goes through to see whether the remote side recovered. */
    record CircuitHalfOpened(String circuit) implements Event {
        public Severity severity() {
            return Severity.INFO;
        }

        /** The circuit name scrubbed like any free text; see {@link Event}. */
        @Override
        public String toString() {
            return "CircuitHalfOpened[circuit=" + scrub(circuit) + "]";
        }
    }

    /** A probe succeeded: calls to {@code circuit} go through again. */
    record CircuitClosed(String circuit) implements Event {
        public Severity severity() {
            return Severity.WARN;
        }

        /** The circuit name scrubbed like any free text; see {@link Event}. */
        @Override
        public String toString() {
            return "CircuitClosed[circuit=" + scrub(circuit) + "]";
        }
    }

    // ---- knowledge base ---------------------------------------------------------------------

    /** A knowledge-base source was (re)loaded. */
    record KnowledgeBaseLoaded(String source, int pages, int passages) implements Event {
        public Severity severity() {
            return Severity.INFO;
        }

        /** Personal data masked; see {@link Event}. */
        @Override
        public String toString() {
            return "KnowledgeBaseLoaded[source=" + scrub(source) + ", pages=" + pages + ", passages=" + passages + "]";
        }
    }

    /** A knowledge-base source could not be loaded; the last good copy stays in use. */
    record KnowledgeBaseLoadFailed(String source, String reason) implements Event {
        public Severity severity() {
            return Severity.WARN;
        }

        /** Personal data masked; see {@link Event}. */
        @Override
        public String toString() {
            return "KnowledgeBaseLoadFailed[source=" + scrub(source) + ", reason=" + scrub(reason) + "]";
        }
    }

    /**
     * Passages of a knowledge-base version were turned into vectors: {@code embedded} of
     * {@code total} so far ({@code reused} came from the vector cache and cost nothing). Sent after
     * each batch of a long document and once at the end.
     */
    record KnowledgeBaseEmbeddingProgress(int embedded, int reused, int total) implements Event {
        public Severity severity() {
            return embedded == total ? Severity.INFO : Severity.DEBUG;
        }
    }

    /**
     * The embedder failed. While indexing: passages embedded before keep their last good vectors
     * and the rest are searched lexically only. While searching ({@code duringSearch}): that
     * query is answered by lexical retrieval alone. Sent when the embedder stops working, not for
     * each failed call.
     */
    record KnowledgeBaseEmbeddingFailed(String reason, boolean duringSearch) implements Event {
        public Severity severity() {
            return Severity.WARN;
        }

        /** Personal data masked; see {@link Event}. */
        @Override
        public String toString() {
            return "KnowledgeBaseEmbeddingFailed[reason=" + scrub(reason) + ", duringSearch=" + duringSearch + "]";
        }
    }

    /** The embedder works again after a {@link KnowledgeBaseEmbeddingFailed}: hybrid retrieval is back. */
    record KnowledgeBaseEmbeddingRecovered() implements Event {
        public Severity severity() {
            return Severity.INFO;
        }
    }
}
