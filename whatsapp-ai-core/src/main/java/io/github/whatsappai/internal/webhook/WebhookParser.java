package io.github.whatsappai.internal.webhook;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.github.whatsappai.webhook.MalformedWebhookException;
import io.github.whatsappai.webhook.model.BusinessNumber;
import io.github.whatsappai.webhook.model.ChangeError;
import io.github.whatsappai.webhook.model.InboundMessage;
import io.github.whatsappai.webhook.model.OtherChange;
import io.github.whatsappai.webhook.model.StatusUpdate;
import io.github.whatsappai.webhook.model.WebhookDelivery;
import io.github.whatsappai.webhook.model.WebhookError;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Reads a webhook body into a {@link WebhookDelivery}: every {@code entry[] × changes[] ×
 * messages[] / statuses[] / errors[]}, in order.
 *
 * <p>Lenient: unknown fields are ignored, unknown message types become
 * {@link io.github.whatsappai.webhook.model.UnknownContent}, timestamps and numbers are read from
 * strings or numbers, and a part that cannot be read (a message without its type object, a
 * location without coordinates, …) becomes one of {@link WebhookDelivery#problems()} while the
 * rest is still returned. Only a body that is not a JSON object at all is refused with
 * {@link MalformedWebhookException}. Nesting is capped at {@value #MAX_NESTING_DEPTH} levels
 * (real deliveries use about ten). The parser does not check signatures or who a delivery is for,
 * and does not sanitise text: {@link io.github.whatsappai.WhatsAppAi#handle} does all of that.
 *
 * <p>The deliveries Meta sends most (text messages, plain statuses) are read in one streaming pass
 * without building a tree; every other body is read from a tree, with the same result the
 * streaming pass would give where both apply.
 *
 * <p>Thread-safe and cheap to share; one instance serves any number of threads.
 */
public final class WebhookParser {

    /** Deepest JSON nesting accepted; deeper bodies are refused before any tree is built. */
    public static final int MAX_NESTING_DEPTH = 64;

    private final ObjectMapper mapper;

    /** Creates a parser. */
    public WebhookParser() {
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(MAX_NESTING_DEPTH)
                        .build())
                .build();
        this.mapper = JsonMapper.builder(factory)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .build();
    }

    /**
     * Parses one delivery from the exact bytes whose signature was verified.
     *
     * @param body the raw body, UTF-8 JSON
     * @return every message, status, error and other change; unreadable parts in {@code problems}
     * @throws MalformedWebhookException when the body is not a JSON object
     */
    public WebhookDelivery parse(byte[] body) {
        Objects.requireNonNull(body, "body");
        WebhookDelivery common = StreamingDeliveryReader.read(jsonFactory(), body);
        return common != null ? common : parseGeneral(body);
    }

    /** The factory both paths read with (its limits: nesting depth). */
    JsonFactory jsonFactory() {
        return mapper.getFactory();
    }

    /** The general path: the whole body as a tree, every part read from it. Defines what {@link #parse} returns. */
    WebhookDelivery parseGeneral(byte[] body) {
        JsonNode root;
        try {
            root = mapper.readTree(body);
        } catch (IOException | RuntimeException e) {
            throw new MalformedWebhookException("body is not valid JSON: " + firstLine(e.getMessage()), e);
        }
        if (root == null || !root.isObject()) {
            throw new MalformedWebhookException("body is not a JSON object", null);
        }
        return new DeliveryReader(root).read();
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "(no detail)";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }

    /** Walks one parsed body; collects results and problems. Not thread-safe; one per call. */
    private static final class DeliveryReader {
        private final JsonNode root;
        private final List<InboundMessage> messages = new ArrayList<>();
        private final List<StatusUpdate> statuses = new ArrayList<>();
        private final List<ChangeError> errors = new ArrayList<>();
        private final List<OtherChange> otherChanges = new ArrayList<>();
        private final List<String> problems = new ArrayList<>();

        DeliveryReader(JsonNode root) {
            this.root = root;
        }

        WebhookDelivery read() {
            String object = Json.text(root, "object");
            JsonNode entries = root.get("entry");
            if (entries == null || entries.isNull()) {
                problems.add("delivery has no entry array");
            } else if (!entries.isArray()) {
                problems.add("entry is not an array");
            } else {
                for (int i = 0; i < entries.size(); i++) {
                    readEntry(entries.get(i), i);
                }
            }
            return new WebhookDelivery(object, messages, statuses, errors, otherChanges, problems);
        }

        private void readEntry(JsonNode entry, int i) {
            if (!entry.isObject()) {
                problems.add(entryPath(i) + " is not an object");
                return;
            }
            String wabaId = Json.text(entry, "id");
            JsonNode changes = entry.get("changes");
            if (changes == null || !changes.isArray()) {
                problems.add(entryPath(i) + ".changes is missing or not an array");
                return;
            }
            for (int j = 0; j < changes.size(); j++) {
                readChange(wabaId, changes.get(j), i, j);
            }
        }

        /** {@code entry[i]}, built only when a problem is reported. */
        private static String entryPath(int i) {
            return "entry[" + i + "]";
        }

        /** {@code entry[i].changes[j]}, built only when a problem is reported. */
        private static String changePath(int i, int j) {
            return entryPath(i) + ".changes[" + j + "]";
        }

        private void readChange(String wabaId, JsonNode change, int i, int j) {
            if (!change.isObject()) {
                problems.add(changePath(i, j) + " is not an object");
                return;
            }
            String field = Json.text(change, "field");
            JsonNode value = change.get("value");
            if (field == null) {
                problems.add(changePath(i, j) + " has no field");
                return;
            }
            if (!"messages".equals(field)) {
                otherChanges.add(new OtherChange(wabaId, field, value));
                return;
            }
            if (value == null || !value.isObject()) {
                problems.add(changePath(i, j) + ".value is missing or not an object");
                return;
            }
            JsonNode metadata = value.path("metadata");
            BusinessNumber business = new BusinessNumber(wabaId, Json.text(metadata, "phone_number_id"),
                    Json.text(metadata, "display_phone_number"));
            Contacts contacts = Contacts.of(value.get("contacts"));
            forEach(value, "messages", i, j, node -> messages.add(MessageReader.read(node, business, contacts)));
            forEach(value, "statuses", i, j, node -> statuses.add(readStatus(node, business)));
            forEach(value, "errors", i, j, node -> errors.add(new ChangeError(business, Json.error(node))));
        }

        private void forEach(JsonNode value, String name, int i, int j, ItemReader reader) {
            JsonNode items = value.get(name);
            if (items == null || items.isNull()) {
                return;
            }
            if (!items.isArray()) {
                problems.add(changePath(i, j) + ".value." + name + " is not an array");
                return;
            }
            for (int k = 0; k < items.size(); k++) {
                JsonNode item = items.get(k);
                try {
                    if (!item.isObject()) {
                        throw new IllegalArgumentException("not an object");
                    }
                    reader.read(item);
                } catch (RuntimeException e) {
                    String id = item.isObject() ? Json.text(item, "id") : null;
                    problems.add(changePath(i, j) + ".value." + name + "[" + k + "]" + (id != null ? " (id " + id + ")" : "") + ": " + e.getMessage());
                }
            }
        }

        private static StatusUpdate readStatus(JsonNode s, BusinessNumber business) {
            String raw = Json.text(s, "status");
            return new StatusUpdate(business, Json.text(s, "id"), StatusUpdate.Status.fromWire(raw), raw,
                    Json.instant(s, "timestamp"), Json.text(s, "recipient_id"), Json.text(s, "recipient_user_id"),
                    Json.text(s, "recipient_type"), Json.text(s, "biz_opaque_callback_data"),
                    Json.text(s.path("pricing"), "category"), Json.text(s.path("conversation"), "id"),
                    Json.errors(s.get("errors")));
        }
    }

    /** Reads one item of an array; throws to report it as a problem. */
    @FunctionalInterface
    private interface ItemReader {
        void read(JsonNode item);
    }

    /**
     * {@code value.contacts[]} by wa_id and by business-scoped user id. A delivery usually carries one
     * contact, so up to {@value #SCAN_LIMIT} are searched in place; larger arrays are indexed in hash
     * maps (a body with thousands of contacts and messages must not cost their product).
     */
    static final class Contacts {
        static final int SCAN_LIMIT = 8;
        private static final Contacts NONE = new Contacts(null, Map.of(), Map.of());

        /** The contacts array when it is searched in place, else {@code null}. */
        private final JsonNode small;
        private final Map<String, JsonNode> byWaId;
        private final Map<String, JsonNode> byUserId;

        private Contacts(JsonNode small, Map<String, JsonNode> byWaId, Map<String, JsonNode> byUserId) {
            this.small = small;
            this.byWaId = byWaId;
            this.byUserId = byUserId;
        }

        static Contacts of(JsonNode contacts) {
            if (contacts == null || !contacts.isArray() || contacts.isEmpty()) {
                return NONE;
            }
            if (contacts.size() <= SCAN_LIMIT) {
                return new Contacts(contacts, null, null);
            }
            Map<String, JsonNode> byWaId = new HashMap<>();
            Map<String, JsonNode> byUserId = new HashMap<>();
            for (JsonNode c : contacts) {
                String waId = Json.text(c, "wa_id");
                String userId = Json.text(c, "user_id");
                if (waId != null) {
                    byWaId.putIfAbsent(waId, c);
                }
                if (userId != null) {
                    byUserId.putIfAbsent(userId, c);
                }
            }
            return new Contacts(null, byWaId, byUserId);
        }

        /**
         * The contact of a sender, matched by business-scoped id first, then wa_id (the first contact
         * with that id in either case); or {@code null}.
         */
        JsonNode find(String waId, String userId) {
            if (small != null) {
                JsonNode c = userId == null ? null : first(small, "user_id", userId);
                return c == null && waId != null ? first(small, "wa_id", waId) : c;
            }
            JsonNode c = userId == null ? null : byUserId.get(userId);
            if (c == null && waId != null) {
                c = byWaId.get(waId);
            }
            return c;
        }

        private static JsonNode first(JsonNode contacts, String field, String id) {
            for (int i = 0, n = contacts.size(); i < n; i++) {
                JsonNode c = contacts.get(i);
                if (id.equals(Json.text(c, field))) {
                    return c;
                }
            }
            return null;
        }
    }

    /** Static helpers over Jackson nodes, shared by the readers. */
    static final class Json {
        private Json() {
        }

        /** The field as text when it is a string, number or boolean; {@code null} otherwise. */
        static String text(JsonNode node, String field) {
            JsonNode v = node == null ? null : node.get(field);
            return v != null && v.isValueNode() && !v.isNull() ? v.asText() : null;
        }

        static boolean bool(JsonNode node, String field) {
            JsonNode v = node.get(field);
            if (v == null) {
                return false;
            }
            return v.isBoolean() ? v.booleanValue() : "true".equalsIgnoreCase(v.asText());
        }

        /** Unix seconds given as a string or a number (a fraction is dropped); {@code null} when absent. */
        static java.time.Instant instant(JsonNode node, String field) {
            JsonNode v = node.get(field);
            if (v == null || v.isNull()) {
                return null;
            }
            if (v.isNumber()) {
                return java.time.Instant.ofEpochSecond(v.longValue());
            }
            if (v.isTextual()) {
                try {
                    return java.time.Instant.ofEpochSecond(Long.parseLong(v.textValue().strip()));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(field + " is not a number of seconds: '" + v.textValue() + "'");
                }
            }
            throw new IllegalArgumentException(field + " is not a number of seconds");
        }

        /** A number given as a number or a numeric string. */
        static double number(JsonNode node, String field) {
            JsonNode v = node.get(field);
            if (v != null && v.isNumber()) {
                return v.doubleValue();
            }
            if (v != null && v.isTextual()) {
                try {
                    double d = Double.parseDouble(v.textValue().strip());
                    if (Double.isFinite(d)) {
                        return d;
                    }
                } catch (NumberFormatException e) {
                    // reported below
                }
            }
            throw new IllegalArgumentException(field + " is missing or not a number");
        }

        static List<String> texts(JsonNode array, String field) {
            if (array == null || !array.isArray()) {
                return List.of();
            }
            List<String> out = new ArrayList<>();
            for (JsonNode item : array) {
                String v = text(item, field);
                if (v != null) {
                    out.add(v);
                }
            }
            return out;
        }

        static WebhookError error(JsonNode e) {
            JsonNode code = e.get("code");
            int c = 0;
            if (code != null && code.canConvertToInt()) {
                c = code.intValue();
            } else if (code != null && code.isTextual()) {
                try {
                    c = Integer.parseInt(code.textValue().strip());
                } catch (NumberFormatException ignored) {
                    c = 0;
                }
            }
            return new WebhookError(c, text(e, "title"), text(e, "message"), text(e.path("error_data"), "details"),
                    text(e, "href"));
        }

        static List<WebhookError> errors(JsonNode array) {
            if (array == null || !array.isArray()) {
                return List.of();
            }
            List<WebhookError> out = new ArrayList<>(array.size());
            for (JsonNode e : array) {
                if (e.isObject()) {
                    out.add(error(e));
                }
            }
            return out;
        }
    }
}
