package io.github.whatsappai.ai.knowledge;

import com.github.tomakehurst.wiremock.WireMockServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KnowledgeBaseSettingsTest {

    @Test
    void withoutAnEmbeddingsEndpointRetrievalIsLexical() {
        KnowledgeBaseSettings settings = KnowledgeBaseSettings.builder().sources(List.of("faq.pdf")).build();
        assertThat(settings.hybrid()).isFalse();
        assertThat(settings).isEqualTo(new KnowledgeBaseSettings(List.of("faq.pdf"), Duration.ofHours(1)));
        assertThatThrownBy(settings::embedderBuilder).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("EMBEDDINGS_BASE_URL");
    }

    @Test
    void anEndpointNeedsItsModelAndAnHttpUrlAndTheKeyIsNeverPrinted() {
        assertThatThrownBy(() -> KnowledgeBaseSettings.builder().embeddingsBaseUrl("http://localhost:11434/v1").build())
                .hasMessageContaining("embeddingsModel is required with an embeddings base URL");
        assertThatThrownBy(() -> KnowledgeBaseSettings.builder().embeddingsModel("nomic-embed-text").build())
                .hasMessageContaining("embeddingsBaseUrl is required with an embeddings model");
        assertThatThrownBy(() -> KnowledgeBaseSettings.builder().embeddingsBaseUrl("ftp://host/v1")
                .embeddingsModel("m").build()).hasMessageContaining("embeddingsBaseUrl must be an http(s) URL");
        assertThatThrownBy(() -> KnowledgeBaseSettings.builder().embeddingsBaseUrl("http://bad host/")
                .embeddingsModel("m").build()).hasMessageContaining("embeddingsBaseUrl must be an http(s) URL");

        KnowledgeBaseSettings settings = KnowledgeBaseSettings.builder().embeddingsBaseUrl("http://localhost:11434/v1/")
                .embeddingsModel(" nomic-embed-text ").embeddingsApiKey("sk-embeddings-secret").build();
        assertThat(settings.hybrid()).isTrue();
        assertThat(settings.embeddingsBaseUrl()).hasToString("http://localhost:11434/v1");
        assertThat(settings.embeddingsModel()).isEqualTo("nomic-embed-text");
        assertThat(settings.toString()).doesNotContain("sk-embeddings-secret").contains("embeddingsApiKey=****");
        assertThat(settings.embedderBuilder().build().toString()).doesNotContain("sk-embeddings-secret");
        assertThat(settings.toBuilder().build()).isEqualTo(settings);
    }

    @Test
    void theSettingsEndpointEmbedsThePassagesAndTheQueries(@TempDir Path dir) throws Exception {
        WireMockServer server = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"));
        server.start();
        try {
            server.stubFor(post("/v1/embeddings").withRequestBody(matchingJsonPath("$.input.length()", equalTo("1")))
                    .willReturn(aResponse().withStatus(200)
                            .withBody("{\"data\":[{\"index\":0,\"embedding\":[0.6,0.8]}]}")));
            Path pdf = dir.resolve("delivery.pdf");
            Files.write(pdf, TestPdfs.paragraphs("Delivery", List.of(
                    List.of("Sunday deliveries run from 9:00 to 13:00 in Lisbon."))));
            KnowledgeBaseSettings settings = KnowledgeBaseSettings.builder()
                    .sources(List.of(pdf.toString()))
                    .embeddingsBaseUrl(server.baseUrl() + "/v1")
                    .embeddingsModel("nomic-embed-text")
                    .embeddingsApiKey("sk-embeddings-key")
                    .build();
            try (PdfKnowledgeBase kb = PdfKnowledgeBase.create(settings, e -> { })) {
                kb.refreshNow();
                server.verify(1, postRequestedFor(urlEqualTo("/v1/embeddings"))
                        .withHeader("Authorization", equalTo("Bearer sk-embeddings-key"))
                        .withRequestBody(matchingJsonPath("$.model", equalTo("nomic-embed-text")))
                        .withRequestBody(matchingJsonPath("$.input[0]",
                                equalTo("Sunday deliveries run from 9:00 to 13:00 in Lisbon."))));
                assertThat(kb.searchWithinBudget("when do you deliver on sundays", 1000))
                        .singleElement().satisfies(p -> assertThat(p.text()).contains("Sunday deliveries"));
                server.verify(1, postRequestedFor(urlEqualTo("/v1/embeddings"))
                        .withRequestBody(matchingJsonPath("$.input[0]", equalTo("when do you deliver on sundays"))));
            }
        } finally {
            server.stop();
        }
    }
}
