package io.github.whatsappai.examples.springboot;

import io.github.whatsappai.examples.health.HealthCheck;
import io.github.whatsappai.examples.health.WhatsAppAiHealth;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@link WhatsAppAiHealth} as two actuator health indicators: {@code whatsAppAi} (readiness, in the
 * {@code readiness} group and the overall health) and {@code whatsAppAiLiveness} (in the
 * {@code liveness} group); see application.properties.
 */
@Configuration
public class WhatsAppAiHealthIndicators {

    @Bean
    HealthIndicator whatsAppAiHealthIndicator(WhatsAppAiHealth health) {
        return () -> toHealth(health.readiness());
    }

    @Bean
    HealthIndicator whatsAppAiLivenessHealthIndicator(WhatsAppAiHealth health) {
        return () -> toHealth(health.liveness());
    }

    private static Health toHealth(WhatsAppAiHealth.Report report) {
        Health.Builder builder = report.up() ? Health.up() : Health.outOfService();
        for (HealthCheck.Result result : report.results()) {
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("status", result.up() ? "UP" : "DOWN");
            details.put("detail", result.detail());
            details.putAll(result.figures());
            builder.withDetail(result.name(), details);
        }
        return builder.build();
    }
}
