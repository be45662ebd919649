package io.github.whatsappai.examples.springboot;

import io.github.whatsappai.WhatsAppAi;
import io.github.whatsappai.WhatsAppAiConfig;
import io.github.whatsappai.event.EventListener;
import io.github.whatsappai.event.LoggingEventListener;
import io.github.whatsappai.examples.health.HealthChecks;
import io.github.whatsappai.examples.health.WhatsAppAiHealth;
import io.github.whatsappai.examples.metrics.MicrometerEventListener;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;

/**
 * The SDK's events as logs, Micrometer meters ({@code whatsapp.ai.*}) and the health signal, as the
 * one {@link EventListener} that {@link WhatsAppConfiguration} passes to the builder.
 */
@Configuration
public class ObservabilityConfiguration {

    /** Readiness stops taking traffic above this many conversations waiting for their reply. */
    static final int MAX_PENDING_CONVERSATIONS = 50_000;
    /** Liveness fails (a restart) only far above anything a working instance reaches. */
    static final int STUCK_PENDING_CONVERSATIONS = 500_000;

    @Bean
    WhatsAppAiHealth whatsAppAiHealth(ObjectProvider<WhatsAppAi> ai) {
        int sources = WhatsAppAiConfig.fromEnvironment(System.getenv()).knowledgeBase().sources().size();
        return WhatsAppAiHealth.builder()
                .knowledgeBaseSources(sources)
                .readiness(HealthChecks.backlog("pendingConversations",
                        () -> ai.getObject().pendingConversations(), MAX_PENDING_CONVERSATIONS))
                .liveness(HealthChecks.backlog("pendingConversations",
                        () -> ai.getObject().pendingConversations(), STUCK_PENDING_CONVERSATIONS))
                .build();
    }

    /** Primary: the health signal is an EventListener bean too, and only this one goes to the builder. */
    @Bean
    @Primary
    EventListener whatsAppEvents(MeterRegistry meters, WhatsAppAiHealth health) {
        return new LoggingEventListener()
                .andThen(new MicrometerEventListener(meters))
                .andThen(health);
    }
}
