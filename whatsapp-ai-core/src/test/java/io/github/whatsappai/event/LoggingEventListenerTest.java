package io.github.whatsappai.event;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.whatsappai.webhook.model.BusinessNumber;
import io.github.whatsappai.webhook.model.ConversationKey;
import io.github.whatsappai.webhook.model.InboundMessage;
import io.github.whatsappai.webhook.model.OtherChange;
import io.github.whatsappai.webhook.model.ReactionContent;
import io.github.whatsappai.webhook.model.Sender;
import io.github.whatsappai.webhook.model.StatusUpdate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The default listener logs ingress events with phone numbers and user ids masked. */
class LoggingEventListenerTest {

    private static final String PHONE = "15555550123";
    private static final String BSUID = "US.13491208655300000123";

    private final Logger logger = (Logger) LoggerFactory.getLogger("io.github.whatsappai.events");
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private Level previous;
    private boolean previousAdditive;

    @BeforeEach
    void attach() {
        previous = logger.getLevel();
        previousAdditive = logger.isAdditive();
        logger.setLevel(Level.DEBUG);
        logger.setAdditive(false); // keep the build output quiet
        appender.start();
        logger.addAppender(appender);
    }

    @AfterEach
    void detach() {
        logger.detachAppender(appender);
        logger.setLevel(previous);
        logger.setAdditive(previousAdditive);
    }

    @Test
    void ingressEventsNeverPrintPhoneNumbersOrUserIds() throws Exception {
        BusinessNumber business = new BusinessNumber("200000000000002", "100000000000001", "15555550100");
        ConversationKey key = new ConversationKey("100000000000001", BSUID);
        InboundMessage reaction = new InboundMessage("wamid.R", business, new Sender(PHONE, BSUID, null, "Alex", null),
                Instant.EPOCH, "reaction", new ReactionContent("wamid.X", "x"), null, null, null, null);
        StatusUpdate status = new StatusUpdate(business, "wamid.S", StatusUpdate.Status.READ, "read", Instant.EPOCH,
                PHONE, BSUID, "individual", null, null, null, List.of());
        OtherChange change = new OtherChange("200000000000002", "account_update",
                new ObjectMapper().readTree("{\"phone_number\":\"" + PHONE + "\"}"));
        LoggingEventListener listener = new LoggingEventListener();
        List<Event> events = List.of(
                new Event.MessageRejected("wamid.1", PHONE, "wa_id is not 7-15 digits"),
                new Event.StaleMessageIgnored("wamid.2", key, Duration.ofHours(30)),
                new Event.RateLimited(key, "wamid.3", true),
                new Event.RateLimited(new ConversationKey("100000000000001", PHONE), "wamid.4", false),
                new Event.MessageAccepted(key, "wamid.5", "text"),
                new Event.NonConversationalMessage(reaction),
                new Event.StatusReceived(status),
                new Event.OtherChangeReceived(change),
                new Event.SignatureRejected("signature does not match any configured app secret", 100));
        events.forEach(listener::onEvent);
        assertThat(appender.list).hasSize(events.size());
        assertThat(appender.list).extracting(ILoggingEvent::getFormattedMessage)
                .allSatisfy(line -> assertThat(line).doesNotContain(PHONE, BSUID, "Alex"));
        assertThat(appender.list.get(2).getLevel()).isEqualTo(Level.WARN);
        assertThat(appender.list.get(3).getLevel()).isEqualTo(Level.DEBUG);
        assertThat(appender.list.get(0).getFormattedMessage()).contains("155******23", "wa_id is not 7-15 digits");
    }

    @Test
    void aRepeatedFailureHasItsStackTraceLoggedOnceAMinute() {
        io.github.whatsappai.testing.ManualClock clock = io.github.whatsappai.testing.ManualClock.atDefaultStart();
        LoggingEventListener listener = new LoggingEventListener(clock);
        ConversationKey key = new ConversationKey("100000000000001", BSUID);
        for (int i = 0; i < 3; i++) {
            listener.onEvent(new Event.SpiFailed("StateStore", key, new IllegalStateException("database down"), 1, true));
        }
        listener.onEvent(new Event.SpiFailed("StateStore", key, new java.io.UncheckedIOException(
                new java.io.IOException("another failure")), 1, true));
        clock.advance(Duration.ofMinutes(1));
        listener.onEvent(new Event.SpiFailed("StateStore", key, new IllegalStateException("database down"), 1, true));

        assertThat(appender.list).hasSize(5);
        assertThat(appender.list).extracting(e -> e.getThrowableProxy() != null)
                .as("first of its kind, repeats, another kind, a minute later")
                .containsExactly(true, false, false, true, true);
        assertThat(appender.list.get(1).getFormattedMessage())
                .contains("database down").contains("stack trace logged at most once a minute");
        assertThat(appender.list.get(0).getFormattedMessage()).doesNotContain("at most once a minute");
    }
}
