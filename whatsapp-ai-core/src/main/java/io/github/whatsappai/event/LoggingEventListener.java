package io.github.whatsappai.event;

import io.github.whatsappai.internal.Redaction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The default listener: logs each event through SLF4J (logger {@code io.github.whatsappai.events})
 * at the level of its {@link Event#severity()}, with phone numbers and user ids masked and message
 * texts left out. An event's exception is logged with its stack trace, but every message in its
 * chain (causes included) is scrubbed of phone numbers and business-scoped ids first, so a driver's
 * message such as {@code Key (wa_id)=(…)} never reaches the log verbatim. Thread-safe.
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

    /** The event's exception, masked for the log, or {@code null}. */
    private static Throwable cause(Event event) {
        if (event instanceof Event.AiFailed e) {
            return Redaction.masked(e.error());
        }
        if (event instanceof Event.SendFailed e) {
            return Redaction.masked(e.error());
        }
        if (event instanceof Event.SpiFailed e) {
            return Redaction.masked(e.error());
        }
        return null;
    }

    /** One log line for {@code event}; personal data masked, message texts omitted. */
    static String describe(Event event) {
        if (event instanceof Event.MessageRejected e) {
            return "message rejected: " + Redaction.scrub(e.reason()) + " (id " + Redaction.scrub(e.messageId())
                    + ", sender " + Redaction.maskId(e.senderId()) + ")";
        }
        if (event instanceof Event.SendFailed e) {
            return "reply to " + e.key() + " not sent (" + Redaction.chars(e.text()) + "): "
                    + Redaction.describe(e.error());
        }
        if (event instanceof Event.ReEngagementRequired e) {
            return "24-hour window closed for " + e.phoneNumberId() + "/" + Redaction.maskId(e.recipient())
                    + ": send a template to reach this user";
        }
        if (event instanceof Event.StatusReceived e) {
            return "status " + EventText.describe(e.status());
        }
        if (event instanceof Event.NonConversationalMessage e) {
            return EventText.describe(e.message()) + " (not answered)";
        }
        if (event instanceof Event.OtherChangeReceived e) {
            return "change for " + EventText.describe(e.change()) + " received (not processed by the SDK)";
        }
        if (event instanceof Event.CreditsExhausted e) {
            return "credits exhausted for " + e.key();
        }
        return event.toString();
    }
}
