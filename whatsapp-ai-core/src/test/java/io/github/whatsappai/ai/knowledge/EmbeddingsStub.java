package io.github.whatsappai.ai.knowledge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;

import java.io.IOException;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder.responseDefinition;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

/**
 * An OpenAI-compatible {@code POST /v1/embeddings} stand-in on WireMock: each input text gets the
 * vector a test's function computes, and the texts are counted, those of passage batches apart
 * from search queries (a request of one text shorter than {@value #QUERY_CHARS} characters). Used by
 * the tests of core and, through core's test-jar, of the examples.
 */
public final class EmbeddingsStub implements ResponseDefinitionTransformerV2 {

    /** Below this length, a request of one text counts as a search query. */
    public static final int QUERY_CHARS = 100;
    private static final String NAME = "embeddings-stub";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Function<String, float[]> vectors;
    /** Texts embedded as passages. */
    public final AtomicInteger passageTexts = new AtomicInteger();
    /** Texts embedded as search queries. */
    public final AtomicInteger queryTexts = new AtomicInteger();

    /** A stub answering {@code vectors.apply(text)} for each text. */
    public EmbeddingsStub(Function<String, float[]> vectors) {
        this.vectors = Objects.requireNonNull(vectors, "vectors");
    }

    /** A WireMock server on 127.0.0.1, started, with {@code POST /v1/embeddings} answered by this stub. */
    public WireMockServer startServer() {
        WireMockServer server = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort().extensions(this));
        server.start();
        server.stubFor(post("/v1/embeddings").willReturn(aResponse().withTransformers(NAME)));
        return server;
    }

    @Override
    public ResponseDefinition transform(ServeEvent serveEvent) {
        try {
            JsonNode input = JSON.readTree(serveEvent.getRequest().getBodyAsString()).get("input");
            boolean query = input.size() == 1 && input.get(0).asText().length() < QUERY_CHARS;
            (query ? queryTexts : passageTexts).addAndGet(input.size());
            ObjectNode body = JSON.createObjectNode();
            ArrayNode data = body.putArray("data");
            for (int i = 0; i < input.size(); i++) {
                ArrayNode embedding = data.addObject().put("index", i).put("object", "embedding").putArray("embedding");
                for (float f : vectors.apply(input.get(i).asText())) {
                    embedding.add(f);
                }
            }
            body.put("model", "embeddings-stub");
            return responseDefinition().withStatus(200).withHeader("Content-Type", "application/json")
                    .withBody(JSON.writeValueAsString(body)).build();
        } catch (IOException | RuntimeException e) {
            return responseDefinition().withStatus(400).withBody(String.valueOf(e.getMessage())).build();
        }
    }

    @Override
    public boolean applyGlobally() {
        return false;
    }

    @Override
    public String getName() {
        return NAME;
    }
}
