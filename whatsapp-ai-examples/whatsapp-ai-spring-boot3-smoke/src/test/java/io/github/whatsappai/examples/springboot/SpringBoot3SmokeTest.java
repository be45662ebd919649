package io.github.whatsappai.examples.springboot;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootVersion;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Spring Boot sample, unchanged, on Spring Boot 3.5 (Tomcat 10.1): it starts, answers Meta's
 * handshake and a signed POST with 200, sends the reply to the Graph API stand-in and counts it.
 */
class SpringBoot3SmokeTest {

    @Test
    void theSampleRunsOnSpringBoot35() throws Exception {
        // the health indicators use Spring Boot 4's API and stay out of this build
        try (SampleHarness sample = new SampleHarness("management.endpoint.health.validate-group-membership=false")) {
            assertThat(SpringBootVersion.getVersion()).startsWith("3.5.");
            assertThat(sample.handshake("4411").body()).isEqualTo("4411");

            assertThat(sample.signedPost(SampleHarness.textMessage("Do you deliver on Sundays?")).statusCode())
                    .isEqualTo(200);

            SampleHarness.await("the reply at the Graph API stand-in", () -> !sample.sentTexts().isEmpty());
            assertThat(sample.sentTexts()).singleElement().asString().contains("\"to\":\"+15555550123\"");
            MeterRegistry meters = sample.app.getBean(MeterRegistry.class);
            assertThat(meters.get("whatsapp.ai.deliveries").tag("outcome", "accepted").counter().count())
                    .isEqualTo(1);
        }
    }
}
