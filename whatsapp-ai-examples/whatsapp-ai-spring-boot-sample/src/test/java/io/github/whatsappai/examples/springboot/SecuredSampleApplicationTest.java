package io.github.whatsappai.examples.springboot;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The same sample with spring-boot-starter-security on the class path: the documented chain lets
 * Meta's handshake and signed POST through (no CSRF token, no login), while the rest of the
 * application stays behind authentication and a forged signature is still refused by the SDK.
 */
class SecuredSampleApplicationTest {

    private static SampleHarness sample;

    @BeforeAll
    static void start() {
        sample = new SampleHarness("spring.security.user.name=admin", "spring.security.user.password=sample-only");
    }

    @AfterAll
    static void stop() {
        if (sample != null) {
            sample.close();
        }
    }

    @Test
    void theWebhookPassesSpringSecurity() throws Exception {
        assertThat(sample.handshake("87311").statusCode()).isEqualTo(200);

        HttpResponse<String> response = sample.signedPost(SampleHarness.textMessage("Is the shop open today?"));
        assertThat(response.statusCode()).isEqualTo(200);

        SampleHarness.await("the reply at the Graph API stand-in", () -> !sample.sentTexts().isEmpty());
        assertThat(sample.sentTexts()).hasSize(1);
    }

    @Test
    void theSdkStillRefusesAForgedSignature() throws Exception {
        HttpResponse<String> response = sample.post(SampleHarness.textMessage("forged"), "sha256=" + "0".repeat(64));

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("WWW-Authenticate")).as("the SDK's 401, not Spring Security's")
                .isEmpty();
    }

    @Test
    void everythingElseStillNeedsAuthentication() throws Exception {
        assertThat(sample.get("/actuator/metrics").statusCode()).isEqualTo(401);
        assertThat(sample.get("/actuator/health/readiness").statusCode()).isEqualTo(200);
    }
}
