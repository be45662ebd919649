package io.github.whatsappai.event;

import io.github.whatsappai.internal.Redaction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The default listener: logs each event through SLF4J (logger {@code io.github.whatsappai.events})
 * at the level of its {@link Event#severity()}, with phone numbers and user ids masked and message
 * texts left out. An event's exception is logged with its stack trace, but every message in its
 * chain (causes included) is scrubbed of phone numbers and business-scoped ids first, so a driver's
 * message such as {@code Key (wa_id)=(…)} never reaches the log verbatim. A failure that repeats
 * (the same event type and exception class, as on every request while the database is down) has its
 * stack trace logged once a minute; the other lines say so and keep the one-line description.
 * Thread-safe.
 */
public final class LoggingEventListener implements EventListener {

    private static final Logger LOG = LoggerFactory.getLogger("io.github.whatsappai.events");
    /** How often one kind of failure gets its stack trace. */
    static final Duration STACK_TRACE_INTERVAL = Duration.ofMinutes(1);

    private final Clock clock;
    /** Per event type and exception class: when its stack trace was last logged. */
    private final ConcurrentHashMap<String, Long> stackTraceLoggedAt = new ConcurrentHashMap<>();

    /** A listener on the system clock. */
    public LoggingEventListener() {
        this(Clock.systemUTC());
    }

    /** A listener that times its once-a-minute stack traces with {@code clock}. */
    public LoggingEventListener(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public void onEvent(Event event) {
        switch (event.severity()) {
            case ERROR -> {
                if (LOG.isErrorEnabled()) {
                    Throwable cause = cause(event);
                    boolean trace = withStackTrace(event, cause);
                    LOG.error(describe(event) + (cause != null && !trace ? REPEATED : ""), trace ? cause : null);
                }
            }
            case WARN -> {
                if (LOG.isWarnEnabled()) {
                    Throwable cause = cause(event);
                    boolean trace = withStackTrace(event, cause);
                    LOG.warn(describe(event) + (cause != null && !trace ? REPEATED : ""), trace ? cause : null);
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

    private static final String REPEATED = " (stack trace logged at most once a minute for this failure)";

    /** Whether {@code cause}'s stack trace goes with this line: the first of its kind in a minute. */
    private boolean withStackTrace(Event event, Throwable cause) {
        if (cause == null) {
            return false;
        }
        // keyed by the exception as raised: its masked copy has a class of its own
        String kind = event.getClass().getName() + '/' + error(event).getClass().getName();
        long now = clock.millis();
        boolean[] log = new boolean[1];
        stackTraceLoggedAt.compute(kind, (k, at) -> {
            if (at == null || now - at >= STACK_TRACE_INTERVAL.toMillis()) {
                log[0] = true;
                return now;
            }
            return at;
        });
        return log[0];
    }

    /** The exception an event carries as raised, or {@code null}. */
    private static Throwable error(Event event) {
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

    /** The event's exception, masked for the log, or {@code null}. */
    private static Throwable cause(Event event) {
        Throwable error = error(event);
        return error == null ? null : Redaction.masked(error);
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
