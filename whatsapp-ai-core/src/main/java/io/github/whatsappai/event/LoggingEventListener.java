package io.github.whatsappai.event;

import io.github.whatsappai.internal.Redaction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The default listener: logs each event through SLF4J (logger {@code io.github.whatsappai.events})
 * at the level of its {@link Event#severity()}, with phone numbers and user ids masked and message
 * texts left out. Thread-safe.
 */
public final class LoggingEventListener implements EventListener {

    private static final Logger LOG = LoggerFactory.getLogger("io.github.whatsappai.events");

    @Override
    public void onEvent(Event event) {
        switch (event.severity()) {
            case ERROR -> {
                if (LOG.isErrorEnabled()) {
                    LOG.error(describe(event), cause(event));
                }
            }
            case WARN -> {
                if (LOG.isWarnEnabled()) {
                    LOG.warn(describe(event), cause(event));
                }
            }
            case INFO -> {
                if (LOG.isInfoEnabled()) {
                    LOG.info(describe(event));
                }
            }
            default -> {
                if (LOG.isDebugEnabled()) {
                    LOG.debug(describe(event));
                }
            }
        }
    }

    private static Throwable cause(Event event) {
        if (event instanceof Event.AiFailed e) {
            return e.error();
        }
        if (event instanceof Event.SendFailed e) {
            return e.error();
        }
        if (event instanceof Event.SpiFailed e) {
            return e.error();
        }
        return null;
    }

    /** One log line for {@code event}; personal data masked, message texts omitted. */
    static String describe(Event event) {
        if (event instanceof Event.MessageRejected e) {
            return "message rejected: " + e.reason() + " (id " + e.messageId() + ", sender "
                    + Redaction.maskId(e.senderId()) + ")";
        }
        if (event instanceof Event.SendFailed e) {
            return "reply to " + e.key() + " not sent (" + e.text().length() + " chars): " + e.error();
        }
        if (event instanceof Event.ReEngagementRequired e) {
            return "24-hour window closed for " + e.phoneNumberId() + "/" + Redaction.maskId(e.recipient())
                    + ": send a template to reach this user";
        }
        if (event instanceof Event.StatusReceived e) {
            var s = e.status();
            return "status " + s.rawStatus() + " for " + s.messageId() + " to "
                    + Redaction.maskId(s.recipientId() != null ? s.recipientId() : s.recipientUserId())
                    + (s.errors().isEmpty() ? "" : " errors=" + s.errors());
        }
        if (event instanceof Event.NonConversationalMessage e) {
            var m = e.message();
            return m.type() + " message " + m.id() + " from " + Redaction.maskId(m.sender().conversationId())
                    + " (not answered)";
        }
        if (event instanceof Event.OtherChangeReceived e) {
            return "change for field " + e.change().field() + " of WABA " + e.change().wabaId()
                    + " received (not processed by the SDK)";
        }
        if (event instanceof Event.CreditsExhausted e) {
            return "credits exhausted for " + e.key();
        }
        return event.toString();
    }
}
