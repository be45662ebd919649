package io.github.whatsappai;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.github.whatsappai.testing.RecordingWhatsAppClient;
import io.github.whatsappai.testing.ScriptedAiResponder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The facade says once, at INFO, what it runs with, and warns when nothing can answer a question. */
class WhatsAppAiStartupLogTest {

    private static final String NUMBER_ID = "106540352242922";

    private final Logger logger = (Logger) LoggerFactory.getLogger(WhatsAppAi.class);
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private Level previous;
    private boolean additive;

    @BeforeEach
    void attach() {
        previous = logger.getLevel();
        additive = logger.isAdditive();
        logger.setLevel(Level.INFO);
        logger.setAdditive(false);   // captured here, kept off the console
        appender.start();
        logger.addAppender(appender);
    }

    @AfterEach
    void detach() {
        logger.detachAppender(appender);
        logger.setLevel(previous);
        logger.setAdditive(additive);
    }

    private static WhatsAppAiConfig.Builder config() {
        return WhatsAppAiConfig.builder().appSecrets("startup-secret-value").verifyToken("startup-verify-token")
                .phoneNumberIds(NUMBER_ID).accessToken("startup-access-token");
    }

    @Test
    void oneInfoLineWithMaskedNumbersAndNoSecretsThenAWarningWithoutKeyOrKnowledgeBase() {
        try (WhatsAppAi ai = WhatsAppAi.builder().config(config().build()).build()) {
            assertThat(ai.config()).isNotNull();
        }

        List<ILoggingEvent> events = appender.list;
        assertThat(events).hasSize(2);
        String info = events.get(0).getFormattedMessage();
        assertThat(events.get(0).getLevel()).isEqualTo(Level.INFO);
        assertThat(info).startsWith("whatsapp-ai started:")
                .contains("106**********22", "knowledge base only (no OPENROUTER_API_KEY)", "graph.facebook.com",
                        "storage in memory")
                .doesNotContain(NUMBER_ID, "startup-secret-value", "startup-verify-token", "startup-access-token");
        assertThat(events.get(1).getLevel()).isEqualTo(Level.WARN);
        assertThat(events.get(1).getFormattedMessage()).contains("OPENROUTER_API_KEY", "KNOWLEDGE_BASE_URLS");
    }

    @Test
    void noWarningWhenAnAiKeyIsConfiguredAndTheKeyIsNeverPrinted() {
        try (WhatsAppAi ai = WhatsAppAi.builder().config(config().openRouterApiKey("sk-or-startup-key").build())
                .whatsAppClient(new RecordingWhatsAppClient()).build()) {
            assertThat(ai.config()).isNotNull();
        }

        assertThat(appender.list).singleElement().satisfies(e -> {
            assertThat(e.getLevel()).isEqualTo(Level.INFO);
            assertThat(e.getFormattedMessage()).contains("replies from OpenRouter", "RecordingWhatsAppClient")
                    .doesNotContain("sk-or-startup-key");
        });
    }

    @Test
    void noWarningWithAResponderOfOnesOwn() {
        try (WhatsAppAi ai = WhatsAppAi.builder().config(config().build())
                .aiResponder(new ScriptedAiResponder()).build()) {
            assertThat(ai.config()).isNotNull();
        }

        assertThat(appender.list).singleElement().extracting(ILoggingEvent::getLevel).isEqualTo(Level.INFO);
    }
}
