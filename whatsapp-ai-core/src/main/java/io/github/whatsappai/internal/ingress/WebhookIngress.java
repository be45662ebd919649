package io.github.whatsappai.internal.ingress;

import io.github.whatsappai.internal.SeenIds;
import io.github.whatsappai.webhook.GuardSettings;
import java.util.function.LongSupplier;
import io.github.whatsappai.event.Event;
import io.github.whatsappai.event.EventListener;
import io.github.whatsappai.internal.TextSanitizer;
import io.github.whatsappai.store.Appended;
import io.github.whatsappai.store.Arrival;
import io.github.whatsappai.store.StateStore;
import io.github.whatsappai.store.StoreUnavailableException;
import io.github.whatsappai.webhook.InboundHandler;
import io.github.whatsappai.webhook.MalformedWebhookException;
import io.github.whatsappai.internal.webhook.WebhookParser;
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
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Steps 1–4 of the flow on the request thread: GET handshake, POST signature over the raw bytes,
 * parsing, the guards, and the hand-off of accepted messages to the {@link InboundHandler}.
 *
 * <p>Answers: handshake 200 with the challenge or 403; other methods 405; bodies over
 * {@link WebhookSettings#maxBodyBytes()} 413; a missing, malformed or wrong signature 401 (nothing
 * parsed); after {@link #close()} 503 for POST; every correctly signed POST 200, also when its JSON
 * is broken or it is not for us. The one exception: when a message could not be handed off, the
 * POST is answered 503 so that Meta redelivers it, and nothing of it is remembered. Nothing is lost.
 *
 * <p>Two modes. With a {@link StateStore} (the conversation engine), the accepted messages of one
 * delivery are recorded with ONE {@code append} (the store's ledger de-duplicates them, across
 * instances for a shared store) and the POST is answered once that returned; a store that cannot
 * commit makes it 503, with the rate tokens of its messages given back. Stale, rate-limited and
 * non-conversational messages are recorded with {@code markSeen}, so redeliveries are recognised.
 * Statuses echoing a reply part's {@code biz_opaque_callback_data} confirm that part in the store.
 * With an {@link InboundHandler} instead, an in-memory de-duplication window serves, and each
 * accepted message goes to the handler.
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
    /** Message ids seen, without a store only ({@code null} with one: the store's ledger decides). */
    private final SeenIds<Void> messageIds;
    private final SeenIds<Void> statusIds;
    private final StaleGuard staleGuard;
    private final MessageSanitizer sanitizer;
    private final SenderRateLimiter rateLimiter;
    /** The state store, or {@code null} when accepted messages go to the handler. */
    private final StateStore store;
    private final Function<List<Arrival>, List<Appended>> appender;
    private volatile boolean closed;

    /**
     * @param webhook the secrets, the numbers served and the body cap
     * @param guards the limits of the guards
     * @param listener receives every event; its exceptions are caught
     * @param handler receives accepted messages, or {@code null} to report them as events only
     * @param clock the time used by the stale guard, de-duplication window and rate limit
     */
    public WebhookIngress(WebhookSettings webhook, GuardSettings guards, EventListener listener, InboundHandler handler,
                          Clock clock) {
        this(webhook, guards, listener, handler, clock, null, null);
    }

    /**
     * @param webhook the secrets, the numbers served and the body cap
     * @param guards the limits of the guards
     * @param listener receives every event; its exceptions are caught
     * @param handler receives rate-limit notices, or {@code null}
     * @param clock the time used by the stale guard and rate limit, and the arrival times
     * @param store the ledger and the outbox's callback confirmations
     * @param appender records one delivery's accepted messages ({@code ConversationEngine::append}): may
     *                 throw {@link StoreUnavailableException} or {@link IllegalStateException} (closing)
     */
    public WebhookIngress(WebhookSettings webhook, GuardSettings guards, EventListener listener, InboundHandler handler,
                          Clock clock, StateStore store, Function<List<Arrival>, List<Appended>> appender) {
        if ((store == null) != (appender == null)) {
            throw new IllegalArgumentException("the store and the appender go together");
        }
        this.store = store;
        this.appender = appender;
        this.webhook = Objects.requireNonNull(webhook, "webhook");
        Objects.requireNonNull(guards, "guards");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.handler = handler;
        this.clock = Objects.requireNonNull(clock, "clock");
        LongSupplier ticker = () -> TimeUnit.MILLISECONDS.toNanos(clock.millis());
        this.verifier = new WebhookVerifier(webhook.appSecrets(), webhook.verifyToken());
        this.parser = new WebhookParser();
        Duration window = guards.maxMessageAge().plus(DEDUP_MARGIN);
        // with a store, its ledger de-duplicates messages; this one serves the handler-only mode
        this.messageIds = store == null ? new SeenIds<>(guards.dedupCapacity(), window.toMillis()) : null;
        this.statusIds = new SeenIds<>(guards.dedupCapacity(), window.toMillis());
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
        boolean statusFailed = false;
        for (StatusUpdate status : delivery.statuses()) {
            if (isOurs(status.business())) {
                statusFailed |= !receiveStatus(status);
            } else {
                foreignReported = reportForeign(status.business(), foreignReported);
            }
        }
        Instant now = clock.instant();
        boolean handOffFailed = statusFailed;
        List<Arrival> arrivals = null;
        for (InboundMessage message : delivery.messages()) {
            if (isOurs(message.business())) {
                if (arrivals == null && appender != null) {
                    arrivals = new ArrayList<>(delivery.messages().size());
                }
                try {
                    handOffFailed |= !receiveMessage(message, now, arrivals);
                } catch (StoreUnavailableException e) {
                    handOffFailed = true;
                    emit(new Event.SpiFailed("StateStore", ConversationKey.of(message), e, 1, true));
                }
            } else {
                foreignReported = reportForeign(message.business(), foreignReported);
            }
        }
        if (arrivals != null && !arrivals.isEmpty()) {
            handOffFailed |= !appendAll(arrivals);
        }
        return handOffFailed ? WebhookResponse.text(503, "Service Unavailable") : OK;
    }

    /**
     * Records the delivery's accepted messages in one store call; returns {@code false} when that
     * failed (the POST is answered 503 and their rate tokens are given back).
     */
    private boolean appendAll(List<Arrival> arrivals) {
        List<Appended> results;
        try {
            results = appender.apply(arrivals);
        } catch (StoreUnavailableException | IllegalStateException e) {
            for (Arrival a : arrivals) {
                rateLimiter.refund(a.key());
            }
            emit(new Event.SpiFailed("StateStore", arrivals.get(0).key(), e, 1, true));
            return false;
        }
        for (int i = 0; i < results.size(); i++) {
            Arrival arrival = arrivals.get(i);
            Appended result = results.get(i);
            if (result.accepted()) {
                emit(new Event.MessageAccepted(result.key(), arrival.message().id(), arrival.message().type()));
            } else {
                rateLimiter.refund(arrival.key());
                emit(new Event.DuplicateIgnored(arrival.message().id(), "message"));
            }
        }
        return true;
    }

    /** Records an id that is not buffered; {@code false} (and reported) when it was seen before. */
    private boolean firstSighting(String messageId, Instant now) {
        boolean first = store == null ? messageIds.firstSighting(messageId, now.toEpochMilli()) : store.markSeen(messageId, now.toEpochMilli());
        if (!first) {
            emit(new Event.DuplicateIgnored(messageId, "message"));
        }
        return first;
    }

    /** Returns {@code false} when a confirmation could not be stored (the POST is answered 503). */
    private boolean receiveStatus(StatusUpdate status) {
        String statusId = status.messageId() + '\u0000' + status.rawStatus();
        if (status.messageId() != null && !statusIds.firstSighting(statusId, clock.millis())) {
            emit(new Event.DuplicateIgnored(status.messageId(), "status " + status.rawStatus()));
            return true;
        }
        if (store != null && status.bizOpaqueCallbackData() != null && status.messageId() != null
                && status.status() != StatusUpdate.Status.FAILED && status.status() != StatusUpdate.Status.UNKNOWN) {
            try {
                store.confirmByCallback(status.bizOpaqueCallbackData(), status.messageId(), clock.millis());
            } catch (StoreUnavailableException e) {
                statusIds.forget(statusId);
                emit(new Event.SpiFailed("StateStore", null, e, 1, true));
                return false;
            }
        }
        emit(new Event.StatusReceived(status));
        return true;
    }

    /**
     * Runs the guards in order and hands the message off. Dedup comes before the rate limit: a
     * redelivery of a message already seen must never consume one of the sender's tokens (Meta
     * retries would otherwise lock a user out), and before the stale guard so a duplicate is
     * reported as what it is.
     *
     * <p>With a store, the ledger is asked last (by the delivery's one {@code append}); a duplicate
     * then gives its rate token back.
     *
     * @param toAppend where an accepted message goes when there is a store, else {@code null}
     * @return {@code false} only when the handler failed, so the POST must be redelivered
     * @throws StoreUnavailableException when the store could not record a message that is not buffered
     */
    private boolean receiveMessage(InboundMessage parsed, Instant now, List<Arrival> toAppend) {
        String problem = identity.problem(parsed);
        if (problem != null) {
            emit(new Event.MessageRejected(parsed.id(), parsed.sender().conversationId(), problem));
            return true;
        }
        if (store == null && !firstSighting(parsed.id(), now)) {
            return true;
        }
        ConversationKey key = ConversationKey.of(parsed);
        // A message without a timestamp counts as sent now: it cannot be judged stale.
        Duration age = parsed.timestamp() == null ? null : staleGuard.staleAge(parsed.timestamp(), now);
        if (age != null) {
            if (store == null || firstSighting(parsed.id(), now)) {
                emit(new Event.StaleMessageIgnored(parsed.id(), key, age));
            }
            return true;
        }
        InboundMessage message = sanitizer.sanitize(parsed, now);
        SenderRateLimiter.Decision decision = rateLimiter.acquire(key);
        if (decision != SenderRateLimiter.Decision.ALLOWED) {
            if (store != null && !firstSighting(message.id(), now)) {
                return true;
            }
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
            if (store != null && !firstSighting(message.id(), now)) {
                rateLimiter.refund(key);
                return true;
            }
            emit(new Event.NonConversationalMessage(message));
            return true;
        }
        if (toAppend != null) {
            toAppend.add(new Arrival(key, message, now.toEpochMilli()));
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
