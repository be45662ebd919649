package io.github.whatsappai.examples.springboot;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's Spring Boot registration starts as written (Spring Boot 4, no Spring Security on the
 * class path), answers Meta's handshake and a signed POST, sends the reply to the Graph API
 * stand-in, counts it in Micrometer and reports its health through the actuator.
 */
class SampleApplicationTest {

    private static SampleHarness sample;

    @BeforeAll
    static void start() {
        sample = new SampleHarness();
    }

    @AfterAll
    static void stop() {
        if (sample != null) {
            sample.close();
        }
    }

    @Test
    void answersASignedPostAndSendsTheReply() throws Exception {
        assertThat(sample.handshake("1158201444").body()).isEqualTo("1158201444");

        HttpResponse<String> response = sample.signedPost(SampleHarness.textMessage("Do you deliver on Sundays?"));
        assertThat(response.statusCode()).isEqualTo(200);

        SampleHarness.await("the reply at the Graph API stand-in", () -> !sample.sentTexts().isEmpty());
        assertThat(sample.sentTexts()).singleElement().asString().contains("\"to\":\"+15555550123\"");

        MeterRegistry meters = sample.app.getBean(MeterRegistry.class);
        SampleHarness.await("the reply-latency timer",
                () -> meters.get("whatsapp.ai.reply.latency").timer().count() == 1);
        assertThat(meters.get("whatsapp.ai.deliveries").tag("outcome", "accepted").counter().count()).isEqualTo(1);
    }

    @Test
    void refusesAForgedSignatureAndCountsIt() throws Exception {
        byte[] body = SampleHarness.textMessage("forged");
        HttpResponse<String> response = sample.post(body, "sha256=" + "0".repeat(64));

        assertThat(response.statusCode()).isEqualTo(401);
        MeterRegistry meters = sample.app.getBean(MeterRegistry.class);
        assertThat(meters.get("whatsapp.ai.deliveries").tag("outcome", "rejected").counter().count()).isEqualTo(1);
    }

    @Test
    void reportsReadinessAndLivenessThroughTheActuator() throws Exception {
        HttpResponse<String> readiness = sample.get("/actuator/health/readiness");
        HttpResponse<String> liveness = sample.get("/actuator/health/liveness");

        assertThat(readiness.statusCode()).isEqualTo(200);
        assertThat(readiness.body()).contains("\"status\":\"UP\"", "whatsAppAi", "knowledgeBase", "pendingConversations");
        assertThat(liveness.statusCode()).isEqualTo(200);
        assertThat(liveness.body()).contains("\"status\":\"UP\"", "whatsAppAiLiveness");
    }
}
