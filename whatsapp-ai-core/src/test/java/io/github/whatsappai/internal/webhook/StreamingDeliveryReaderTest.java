package io.github.whatsappai.internal.webhook;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.whatsappai.Fixtures;
import io.github.whatsappai.testing.WebhookPayloads;
import io.github.whatsappai.webhook.MalformedWebhookException;
import io.github.whatsappai.webhook.model.TextContent;
import io.github.whatsappai.webhook.model.WebhookDelivery;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The streaming fast path against the general, tree-based path: wherever the fast path returns a
 * delivery it must equal the general path's, and it must take the deliveries Meta sends most.
 */
class StreamingDeliveryReaderTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> FIXTURES = List.of("wa_webhook_audio_voice.json", "wa_webhook_batch_multi.json",
            "wa_webhook_button_quick_reply.json", "wa_webhook_contacts.json", "wa_webhook_image.json",
            "wa_webhook_interactive_button_reply.json", "wa_webhook_interactive_nfm_reply.json",
            "wa_webhook_location.json", "wa_webhook_order.json", "wa_webhook_statuses_failed.json",
            "wa_webhook_system_changed_number.json", "wa_webhook_text.json", "wa_webhook_text_ctwa_referral.json",
            "wa_webhook_text_reply_context.json", "wa_webhook_unsupported.json");

    private final WebhookParser parser = new WebhookParser();

    /** The fast path's answer, checked against the general path's; {@code null} when it left the body to it. */
    private WebhookDelivery fastChecked(byte[] body) {
        WebhookDelivery fast = StreamingDeliveryReader.read(parser.jsonFactory(), body);
        WebhookDelivery general;
        try {
            general = parser.parseGeneral(body);
        } catch (MalformedWebhookException e) {
            assertThat(fast).as("the fast path took a body the general path refuses: %s", utf8(body)).isNull();
            return null;
        }
        if (fast != null) {
            assertThat(fast).as("fast path differs on %s", utf8(body)).isEqualTo(general);
            assertThat(general.problems()).isEmpty();
        }
        return fast;
    }

    @ParameterizedTest
    @ValueSource(strings = {"wa_webhook_text.json", "wa_webhook_text_reply_context.json"})
    void takesTextMessagesWithAndWithoutReplyContext(String fixture) {
        WebhookDelivery d = fastChecked(Fixtures.payload(fixture));
        assertThat(d).isNotNull();
        assertThat(d.messages()).hasSize(1);
        assertThat(d.messages().get(0).content()).isInstanceOf(TextContent.class);
    }

    @Test
    void everyFixtureGivesTheGeneralPathsResultOrIsLeftToIt() {
        for (String fixture : FIXTURES) {
            fastChecked(Fixtures.payload(fixture));
        }
        assertThat(fastChecked(Fixtures.payload("wa_webhook_image.json"))).isNull();
        assertThat(fastChecked(Fixtures.payload("wa_webhook_statuses_failed.json"))).isNull();
        assertThat(fastChecked(Fixtures.payload("wa_webhook_text_ctwa_referral.json"))).isNull();
    }

    @Test
    void takesTheTestKitsTextAndStatusDeliveriesAndBatchesOfThem() {
        byte[] text = WebhookPayloads.text("hello").userId("US.1").profileName("Zoë").replyTo("wamid.prev").toBytes();
        byte[] read = WebhookPayloads.status("wamid.out", "read").toBytes();
        byte[] played = WebhookPayloads.status("wamid.out", "played").recipientUserId("US.2").toBytes();
        byte[] batch = WebhookPayloads.batch()
                .add(WebhookPayloads.text("one"))
                .add(WebhookPayloads.text("two").from("15555550999").phoneNumberId("100000000000009"))
                .add(WebhookPayloads.status("wamid.x", "delivered"))
                .toBytes();
        for (byte[] body : List.of(text, read, played, batch)) {
            assertThat(fastChecked(body)).as(utf8(body)).isNotNull();
        }
        assertThat(fastChecked(WebhookPayloads.status("wamid.out", "failed").error(131047, "Re-engagement").toBytes()))
                .isNull();
        assertThat(fastChecked(WebhookPayloads.image("media-1", "caption").toBytes())).isNull();
    }

    @Test
    void leavesUnusualShapesToTheGeneralPath() {
        String tail = "\"messages\":[{\"from\":\"1\",\"id\":\"w\",\"timestamp\":\"1786000000\",\"type\":\"text\","
                + "\"text\":{\"body\":\"hi\"}}]}}]}]}";
        String head = "{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"2\",\"changes\":[{\"field\":\"messages\","
                + "\"value\":{\"metadata\":{\"phone_number_id\":\"3\"},";
        assertThat(fastChecked(bytes(head + tail))).isNotNull();
        for (String odd : List.of(
                // contacts after the messages they describe
                head + tail.replace("]}}]}]}", "],\"contacts\":[{\"wa_id\":\"1\",\"profile\":{\"name\":\"N\"}}]}}]}]}"),
                // a repeated array: the tree keeps only the last one
                head + tail.replace("]}}]}]}", "],\"messages\":[]}}]}]}"),
                // the waba id after the changes
                head.replace("{\"id\":\"2\",", "{") + tail.replace("}]}]}", "}],\"id\":\"2\"}]}"),
                // a number where Meta sends a string
                head + tail.replace("\"from\":\"1\"", "\"from\":1"),
                // another change field
                head.replace("\"field\":\"messages\"", "\"field\":\"account_update\"") + tail,
                // errors on the value
                head + "\"errors\":[{\"code\":131000}]," + tail,
                // a text message without its body
                head + tail.replace("{\"body\":\"hi\"}", "{}"),
                // a timestamp that is not a number
                head + tail.replace("\"1786000000\"", "\"soon\""),
                // trailing content
                head + tail + " {}")) {
            assertThat(fastChecked(bytes(odd))).as(odd).isNull();
        }
        assertThatThrownBy(() -> parser.parse(bytes(head + tail + " {}"))).isInstanceOf(MalformedWebhookException.class);
    }

    @Test
    void aRepeatedFieldCountsWithItsLastValueAsInTheTree() {
        String body = "{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"2\",\"changes\":[{"
                + "\"field\":\"statuses\",\"field\":\"messages\",\"value\":{\"metadata\":{\"phone_number_id\":\"3\"},"
                + "\"contacts\":[{\"wa_id\":\"1\",\"profile\":{\"name\":\"Old\"},\"profile\":null}],"
                + "\"messages\":[{\"from\":\"1\",\"id\":\"earlier\",\"id\":\"w\",\"type\":\"text\","
                + "\"text\":{\"body\":\"first\"},\"text\":{\"body\":\"second\",\"body\":\"last\"}}]}}]}]}";
        WebhookDelivery d = fastChecked(bytes(body));
        assertThat(d).isNotNull();
        assertThat(d.messages().get(0).id()).isEqualTo("w");
        assertThat(d.messages().get(0).content()).isEqualTo(new TextContent("last"));
        assertThat(d.messages().get(0).sender().profileName()).isNull();
    }

    @Test
    void metaSendsTheValueBeforeTheFieldAndBothOrdersGiveTheSameResult() {
        byte[] valueFirst = Fixtures.payload("wa_webhook_text.json");
        assertThat(utf8(valueFirst)).contains("},\"field\":\"messages\"}");
        ObjectNode root = (ObjectNode) tree(valueFirst);
        ObjectNode change = (ObjectNode) root.get("entry").get(0).get("changes").get(0);
        JsonNode value = change.remove("value");
        change.set("value", value);
        byte[] fieldFirst = write(root, null);
        assertThat(fastChecked(fieldFirst)).isEqualTo(fastChecked(valueFirst)).isNotNull();
    }

    /**
     * Malformed UTF-8 in a field the fast path skips, and in one it reads: whatever the general path
     * refuses, the fast path must not take (lone continuation byte, truncated and overlong sequences,
     * an encoded surrogate, bytes that never occur in UTF-8).
     */
    @ParameterizedTest
    @ValueSource(strings = {"80", "c3", "e2 82", "c0 af", "e0 80 af", "ed a0 80", "f5 80 80 80", "ff", "fe"})
    void malformedUtf8IsLeftToTheGeneralPathWhereverItStands(String hex) {
        byte[] bad = java.util.HexFormat.ofDelimiter(" ").parseHex(hex);
        for (String field : List.of("skipped", "object")) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.writeBytes(bytes("{\"" + field + "\":\"x"));
            out.writeBytes(bad);
            out.writeBytes(bytes("y\",\"entry\":[]}"));
            byte[] body = out.toByteArray();
            fastChecked(body);
        }
        byte[] ff = {'{', '"', 's', '"', ':', '"', (byte) 0xff, '"', ',', '"', 'e', 'n', 't', 'r', 'y', '"', ':', '[', ']', '}'};
        assertThatThrownBy(() -> parser.parse(ff)).isInstanceOf(MalformedWebhookException.class);
        assertThat(StreamingDeliveryReader.read(parser.jsonFactory(), ff)).isNull();
    }

    /**
     * Thousands of variants of the fixtures (fields reordered, repeated, removed or retyped; unknown
     * fields added; bytes cut or changed): the fast path either equals the general path or leaves the
     * body to it, and it refuses nothing the general path would take.
     */
    @Test
    void generatedVariantsAgreeWithTheGeneralPath() {
        Random random = new Random(20261125L);
        List<byte[]> seeds = new ArrayList<>();
        for (String fixture : FIXTURES) {
            seeds.add(Fixtures.payload(fixture));
        }
        seeds.add(WebhookPayloads.batch().add(WebhookPayloads.text("a")).add(WebhookPayloads.status("w", "sent"))
                .add(WebhookPayloads.text("b").replyTo("wamid.1")).toBytes());
        int taken = 0;
        int total = 0;
        for (int round = 0; round < 400; round++) {
            for (byte[] seed : seeds) {
                byte[] variant = mutate(seed, random);
                total++;
                if (fastChecked(variant) != null) {
                    taken++;
                }
            }
        }
        // the generator must exercise the fast path, not only its refusals
        assertThat(taken).as("variants read on the fast path, of %d", total).isGreaterThan(total / 20);
    }

    // ---- the variant generator --------------------------------------------------------------------

    private static byte[] mutate(byte[] seed, Random random) {
        int kind = random.nextInt(10);
        if (kind == 0) {
            return java.util.Arrays.copyOf(seed, random.nextInt(seed.length));
        }
        if (kind == 1) {
            byte[] copy = seed.clone();
            copy[random.nextInt(copy.length)] = (byte) random.nextInt(256);
            return copy;
        }
        JsonNode root = tree(seed);
        String duplicate = null;
        for (int i = 1 + random.nextInt(3); i > 0; i--) {
            List<ObjectNode> objects = new ArrayList<>();
            collect(root, objects);
            ObjectNode target = objects.get(random.nextInt(objects.size()));
            List<String> names = new ArrayList<>();
            target.fieldNames().forEachRemaining(names::add);
            if (names.isEmpty()) {
                continue;
            }
            String name = names.get(random.nextInt(names.size()));
            switch (random.nextInt(6)) {
                case 0 -> reorder(target, random);
                case 1 -> target.remove(name);
                case 2 -> target.set(name, replacement(target.get(name), random));
                case 3 -> target.set("unknown_" + random.nextInt(3), JSON.createObjectNode().put("x", "y"));
                case 4 -> duplicate = name;
                default -> target.put("type", List.of("text", "image", "reaction", "statuses", "x").get(random.nextInt(5)));
            }
        }
        return write(root, duplicate);
    }

    private static JsonNode replacement(JsonNode old, Random random) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        return switch (random.nextInt(8)) {
            case 0 -> f.nullNode();
            case 1 -> f.numberNode(17_860_000L);
            case 2 -> f.booleanNode(random.nextBoolean());
            case 3 -> f.textNode("1786000000");
            case 4 -> f.objectNode();
            case 5 -> f.arrayNode();
            case 6 -> old != null && old.isTextual() ? f.textNode(old.asText() + " ünïcode 🙂") : f.textNode("x");
            default -> f.numberNode(1.5);
        };
    }

    private static void reorder(ObjectNode node, Random random) {
        List<Map.Entry<String, JsonNode>> fields = new ArrayList<>(node.properties());
        java.util.Collections.shuffle(fields, random);
        node.removeAll();
        for (Map.Entry<String, JsonNode> e : fields) {
            node.set(e.getKey(), e.getValue());
        }
    }

    private static void collect(JsonNode node, List<ObjectNode> out) {
        if (node instanceof ObjectNode o) {
            out.add(o);
        }
        for (Iterator<JsonNode> it = node.elements(); it.hasNext(); ) {
            collect(it.next(), out);
        }
    }

    /** Serialises {@code node}, writing every field named {@code duplicate} twice (the tree keeps the last). */
    private static byte[] write(JsonNode node, String duplicate) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = JSON.getFactory().createGenerator(out)) {
            write(g, node, duplicate);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static void write(JsonGenerator g, JsonNode node, String duplicate) throws IOException {
        if (node instanceof ObjectNode o) {
            g.writeStartObject();
            for (Map.Entry<String, JsonNode> e : o.properties()) {
                if (e.getKey().equals(duplicate)) {
                    g.writeFieldName(e.getKey());
                    g.writeString("an earlier value");
                }
                g.writeFieldName(e.getKey());
                write(g, e.getValue(), duplicate);
            }
            g.writeEndObject();
        } else if (node instanceof ArrayNode a) {
            g.writeStartArray();
            for (JsonNode item : a) {
                write(g, item, duplicate);
            }
            g.writeEndArray();
        } else {
            JSON.writeTree(g, node);
        }
    }

    private static JsonNode tree(byte[] body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String utf8(byte[] body) {
        return new String(body, StandardCharsets.UTF_8);
    }
}
