package io.github.whatsappai.internal.ingress;

import java.util.function.LongSupplier;
import io.github.whatsappai.event.Event;
import io.github.whatsappai.event.EventListener;
import io.github.whatsappai.internal.TextSanitizer;
import io.github.whatsappai.webhook.InboundHandler;
import io.github.whatsappai.webhook.MalformedWebhookException;
import io.github.whatsappai.webhook.WebhookParser;
import io.github.whatsappai.webhook.WebhookRequest;
import io.github.whatsappai.webhook.WebhookResponse;
import io.github.whatsappai.webhook.WebhookSettings;
import io.github.whatsappai.webhook.WebhookVerifier;
import io.github.whatsappai.webhook.model.BusinessNumber;
import io.github.whatsappai.webhook.model.ChangeError;
import io.github.whatsappai.webhook.model.ConversationKey;
import io.github.whatsappai.webhook.model.InboundMessage;
import io.github.whatsappai.webhook.model.OtherChange;
import io.github.whatsappai.webhook.model.ReactionContent;
import io.github.whatsappai.webhook.model.StatusUpdate;
import io.github.whatsappai.webhook.model.SystemContent;
import io.github.whatsappai.webhook.model.UnknownContent;
import io.github.whatsappai.webhook.model.WebhookDelivery;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Steps 1–4 of the flow on the request thread: GET handshake, POST signature over the raw bytes,
 * parsing, the guards, and the hand-off of accepted messages to the {@link InboundHandler}.
 *
 * <p>Answers: handshake 200 with the challenge or 403; other methods 405; bodies over
 * {@link WebhookSettings#maxBodyBytes()} 413; a missing, malformed or wrong signature 401 (nothing
 * parsed); after {@link #close()} 503 for POST; every correctly signed POST 200, also when its JSON
 * is broken or it is not for us. The one exception: when the handler throws for a message (for
 * example because the engine is shutting down), that message is forgotten by the de-duplication
 * and the POST is answered 503, so Meta redelivers it; messages of the same POST that were handed
 * off are caught as duplicates then. Nothing is lost.
 *
 * <p>Thread-safe; every event listener exception is caught and logged.
 */
public final class WebhookIngress {

    /**
     * Extra time ids stay in the de-duplication window beyond the maximum message age, covering
     * clock skew between Meta's timestamps and ours. A redelivery arriving within the maximum age of
     * the message's timestamp is caught by the window; a later one by the stale guard.
     */
    static final Duration DEDUP_MARGIN = Duration.ofHours(1);

    private static final Logger LOG = LoggerFactory.getLogger(WebhookIngress.class);
    private static final WebhookResponse OK = WebhookResponse.text(200, "OK");

    private final WebhookSettings webhook;
    private final EventListener listener;
    private final InboundHandler handler;
    private final Clock clock;
    private final WebhookVerifier verifier;
    private final WebhookParser parser;
    private final IdentityValidator identity = new IdentityValidator();
    private final DedupStore messageIds;
    private final DedupStore statusIds;
    private final StaleGuard staleGuard;
    private final MessageSanitizer sanitizer;
    private final SenderRateLimiter rateLimiter;
    private volatile boolean closed;

    /**
     * @param webhook the secrets, the numbers served and the body cap
     * @param guards the limits of the guards
     * @param listener receives every event; its exceptions are caught
     * @param handler receives accepted messages, or {@code null} to report them as events only
     * @param clock the time used by the stale guard, de-duplication window and rate limit
     */
    public WebhookIngress(WebhookSettings webhook, GuardSettings guards, EventListener listener, InboundHandler handler, Clock clock) {
        this.webhook = Objects.requireNonNull(webhook, "webhook");
        Objects.requireNonNull(guards, "guards");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.handler = handler;
        this.clock = Objects.requireNonNull(clock, "clock");
        LongSupplier ticker = () -> TimeUnit.MILLISECONDS.toNanos(clock.millis());
        this.verifier = new WebhookVerifier(webhook.appSecrets(), webhook.verifyToken());
        this.parser = new WebhookParser();
        Duration window = guards.maxMessageAge().plus(DEDUP_MARGIN);
        this.messageIds = new DedupStore(guards.dedupCapacity(), window, ticker);
        this.statusIds = new DedupStore(guards.dedupCapacity(), window, ticker);
        this.staleGuard = new StaleGuard(guards.maxMessageAge());
        this.sanitizer = new MessageSanitizer(new TextSanitizer(guards.maxMessageChars()));
        this.rateLimiter = new SenderRateLimiter(guards.rateLimitPerMinute(), ticker);
    }

    /** Answers one request; never throws for bad input. */
    public WebhookResponse handle(WebhookRequest request) {
        Objects.requireNonNull(request, "request");
        if (request.isMethod("GET")) {
            return handshake(request);
        }
        if (!request.isMethod("POST")) {
            emit(new Event.RequestRejected(405, "method " + request.method() + " not allowed"));
            return WebhookResponse.text(405, "Method Not Allowed");
        }
        if (closed) {
            emit(new Event.RequestRejected(503, "shutting down"));
            return WebhookResponse.text(503, "Service Unavailable");
        }
        byte[] body = request.body();
        if (body.length > webhook.maxBodyBytes()) {
            emit(new Event.RequestRejected(413, "body of " + body.length + " bytes exceeds the cap of "
                    + webhook.maxBodyBytes()));
            return WebhookResponse.text(413, "Payload Too Large");
        }
        WebhookVerifier.SignatureCheck check =
                verifier.verifySignature(request.header(WebhookVerifier.SIGNATURE_HEADER), body);
        if (!check.isValid()) {
            emit(new Event.SignatureRejected(switch (check) {
                case MISSING -> "no " + WebhookVerifier.SIGNATURE_HEADER + " header";
                case MALFORMED -> WebhookVerifier.SIGNATURE_HEADER + " is not sha256= and 64 hex digits";
                default -> "signature does not match any configured app secret";
            }, body.length));
            return WebhookResponse.text(401, "Unauthorized");
        }
        try {
            return process(body);
        } catch (RuntimeException e) {
            LOG.error("unexpected failure while processing a signed webhook of {} bytes", body.length, e);
            emit(new Event.RequestRejected(500, "internal error: " + e));
            return WebhookResponse.text(500, "Internal Server Error");
        }
    }

    /** Stops accepting deliveries: later POSTs are answered 503 so Meta redelivers them. Idempotent. */
    public void close() {
        closed = true;
    }

    private WebhookResponse handshake(WebhookRequest request) {
        String mode = request.queryParameter(WebhookVerifier.MODE_PARAMETER);
        String token = request.queryParameter(WebhookVerifier.TOKEN_PARAMETER);
        String challenge = request.queryParameter(WebhookVerifier.CHALLENGE_PARAMETER);
        boolean valid = verifier.verifyHandshake(mode, token);
        if (valid && challenge != null) {
            emit(new Event.HandshakeAccepted());
            return WebhookResponse.text(200, challenge);
        }
        String reason = !"subscribe".equals(mode) ? "hub.mode is not subscribe"
                : token == null ? "no hub.verify_token"
                : !valid ? "hub.verify_token does not match" : "no hub.challenge";
        emit(new Event.HandshakeRejected(reason));
        return WebhookResponse.text(403, "Forbidden");
    }

    private WebhookResponse process(byte[] body) {
        WebhookDelivery delivery;
        try {
            delivery = parser.parse(body);
        } catch (MalformedWebhookException e) {
            emit(new Event.PayloadRejected(e.getMessage(), body.length));
            return OK;
        }
        if (!delivery.isWhatsApp()) {
            emit(new Event.PayloadRejected("object is '" + delivery.object() + "', not "
                    + WebhookDelivery.WHATSAPP_OBJECT, body.length));
            return OK;
        }
        for (String problem : delivery.problems()) {
            emit(new Event.PayloadProblem(problem));
        }
        // Filled only when a delivery for another number arrives; created then.
        Set<BusinessNumber> foreignReported = null;
        for (OtherChange change : delivery.otherChanges()) {
            if (isOurWaba(change.wabaId())) {
                emit(new Event.OtherChangeReceived(change));
            } else {
                foreignReported = reportForeign(new BusinessNumber(change.wabaId(), null, null), foreignReported);
            }
        }
        for (ChangeError error : delivery.errors()) {
            if (isOurs(error.business())) {
                emit(new Event.WebhookErrorReceived(error));
            } else {
                foreignReported = reportForeign(error.business(), foreignReported);
            }
        }
        for (StatusUpdate status : delivery.statuses()) {
            if (isOurs(status.business())) {
                receiveStatus(status);
            } else {
                foreignReported = reportForeign(status.business(), foreignReported);
            }
        }
        Instant now = clock.instant();
        boolean handOffFailed = false;
        for (InboundMessage message : delivery.messages()) {
            if (isOurs(message.business())) {
                handOffFailed |= !receiveMessage(message, now);
            } else {
                foreignReported = reportForeign(message.business(), foreignReported);
            }
        }
        return handOffFailed ? WebhookResponse.text(503, "Service Unavailable") : OK;
    }

    private void receiveStatus(StatusUpdate status) {
        if (status.messageId() != null
                && !statusIds.firstSighting(status.messageId() + '\u0000' + status.rawStatus())) {
            emit(new Event.DuplicateIgnored(status.messageId(), "status " + status.rawStatus()));
            return;
        }
        emit(new Event.StatusReceived(status));
    }

    /**
     * Runs the guards in order and hands the message off. Dedup comes before the rate limit: a
     * redelivery of a message already seen must never consume one of the sender's tokens (Meta
     * retries would otherwise lock a user out), and before the stale guard so a duplicate is
     * reported as what it is.
     *
     * @return {@code false} only when the handler failed, so the POST must be redelivered
     */
    private boolean receiveMessage(InboundMessage parsed, Instant now) {
        String problem = identity.problem(parsed);
        if (problem != null) {
            emit(new Event.MessageRejected(parsed.id(), parsed.sender().conversationId(), problem));
            return true;
        }
        if (!messageIds.firstSighting(parsed.id())) {
            emit(new Event.DuplicateIgnored(parsed.id(), "message"));
            return true;
        }
        ConversationKey key = ConversationKey.of(parsed);
        // A message without a timestamp counts as sent now: it cannot be judged stale.
        Duration age = parsed.timestamp() == null ? null : staleGuard.staleAge(parsed.timestamp(), now);
        if (age != null) {
            emit(new Event.StaleMessageIgnored(parsed.id(), key, age));
            return true;
        }
        InboundMessage message = sanitizer.sanitize(parsed, now);
        SenderRateLimiter.Decision decision = rateLimiter.acquire(key);
        if (decision != SenderRateLimiter.Decision.ALLOWED) {
            boolean notify = decision == SenderRateLimiter.Decision.REFUSED_NOTIFY;
            emit(new Event.RateLimited(key, message.id(), notify));
            if (notify && handler != null) {
                try {
                    handler.onRateLimited(message);
                } catch (RuntimeException e) {
                    emit(new Event.SpiFailed("InboundHandler", key, e, 1, false));
                }
            }
            return true;
        }
        if (isNonConversational(message)) {
            emit(new Event.NonConversationalMessage(message));
            return true;
        }
        if (handler != null) {
            try {
                handler.onMessage(message);
            } catch (RuntimeException e) {
                messageIds.forget(message.id());
                emit(new Event.SpiFailed("InboundHandler", key, e, 1, true));
                return false;
            }
        }
        emit(new Event.MessageAccepted(key, message.id(), message.type()));
        return true;
    }

    private static boolean isNonConversational(InboundMessage m) {
        return m.content() instanceof ReactionContent || m.content() instanceof SystemContent
                || m.content() instanceof UnknownContent;
    }

    private boolean isOurs(BusinessNumber business) {
        return business.phoneNumberId() != null && webhook.phoneNumberIds().contains(business.phoneNumberId())
                && isOurWaba(business.wabaId());
    }

    private boolean isOurWaba(String wabaId) {
        return webhook.businessAccountIds().isEmpty()
                || wabaId != null && webhook.businessAccountIds().contains(wabaId);
    }

    /**
     * Reports a delivery for a number we do not serve, once per number and POST.
     *
     * @param reported the numbers reported for this POST so far, or {@code null} before the first
     * @return the set of reported numbers, created on first use
     */
    private Set<BusinessNumber> reportForeign(BusinessNumber business, Set<BusinessNumber> reported) {
        Set<BusinessNumber> seen = reported != null ? reported : new HashSet<>();
        if (seen.add(new BusinessNumber(business.wabaId(), business.phoneNumberId(), null))) {
            emit(new Event.ForeignDeliveryIgnored(business.wabaId(), business.phoneNumberId()));
        }
        return seen;
    }

    private void emit(Event event) {
        try {
            listener.onEvent(event);
        } catch (RuntimeException e) {
            LOG.warn("event listener failed on {}", event.getClass().getSimpleName(), e);
        }
    }
}
