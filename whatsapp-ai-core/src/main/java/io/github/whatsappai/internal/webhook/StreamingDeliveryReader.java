package io.github.whatsappai.internal.webhook;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.github.whatsappai.webhook.model.BusinessNumber;
import io.github.whatsappai.webhook.model.InboundMessage;
import io.github.whatsappai.webhook.model.MessageContext;
import io.github.whatsappai.webhook.model.Sender;
import io.github.whatsappai.webhook.model.StatusUpdate;
import io.github.whatsappai.webhook.model.TextContent;
import io.github.whatsappai.webhook.model.WebhookDelivery;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The fast path of {@link WebhookParser}: reads the deliveries Meta sends most often in one pass
 * over the token stream, building the model directly instead of a JSON tree first. That halves the
 * cost of parsing a typical delivery, the largest part of what a webhook request costs the server.
 *
 * <p>It reads text messages (with or without a reply context) and statuses without errors, in
 * Meta's field order ({@code id} before {@code changes} in an entry; {@code metadata} and
 * {@code contacts} before {@code messages} and {@code statuses} in a change's value). Anything else
 * &mdash; another message type, a referral, errors, another change field, another field order, a
 * repeated array, a value of an unexpected JSON type, a part the general path would report as a
 * problem, JSON that is not valid &mdash; makes {@link #read} return {@code null}, and the parser
 * reads the body again with the general, tree-based reader, which defines the result. A
 * differential test holds the two paths to equal results on every fixture and on generated
 * variants of them.
 *
 * <p>A repeated field counts once, with its last value, as in the tree: scalars and objects are
 * simply read again over the earlier value; a repeated array (entries, changes, messages, statuses)
 * gives up. Jackson checks the UTF-8 of the strings it skips as well as of those it reads, so a body
 * with malformed UTF-8 anywhere fails here too and is left to the general path, which refuses it (a
 * test holds both paths to that, sequence by sequence).
 */
final class StreamingDeliveryReader {

    /** Unwinds to {@link #read} when the delivery is not one this reader takes; carries no stack. */
    private static final class NotOnFastPath extends RuntimeException {
        private static final long serialVersionUID = 1L;

        NotOnFastPath() {
            super(null, null, false, false);
        }
    }

    private static final NotOnFastPath GIVE_UP = new NotOnFastPath();

    private static final String[] METADATA = {"display_phone_number", "phone_number_id"};
    private static final String[] PROFILE = {"name", "username"};
    private static final String[] TEXT = {"body"};
    private static final String[] PRODUCT = {"catalog_id", "product_retailer_id"};
    private static final String[] PRICING = {"category"};
    private static final String[] CONVERSATION = {"id"};

    /** Contacts of one change's value, as the general path's {@code Contacts.find} matches them. */
    private record Contact(String waId, String userId, String parentUserId, String name, String username) {
    }

    /** Reads one object of an array; its {@code START_OBJECT} has been read. */
    @FunctionalInterface
    private interface ItemReader {
        void read() throws IOException;
    }

    private final JsonParser p;
    private final List<InboundMessage> messages = new ArrayList<>(1);
    private final List<StatusUpdate> statuses = new ArrayList<>(0);

    private StreamingDeliveryReader(JsonParser p) {
        this.p = p;
    }

    /**
     * Reads {@code body} on the fast path.
     *
     * @return the delivery, or {@code null} when the general path must read it
     */
    static WebhookDelivery read(JsonFactory factory, byte[] body) {
        try (JsonParser parser = factory.createParser(body)) {
            return new StreamingDeliveryReader(parser).delivery();
        } catch (IOException | RuntimeException e) {
            // NotOnFastPath, malformed JSON, or a value the model refuses: the general path decides
            return null;
        }
    }

    private WebhookDelivery delivery() throws IOException {
        expect(p.nextToken() == JsonToken.START_OBJECT);
        String object = null;
        boolean entries = false;
        String name;
        while ((name = p.nextFieldName()) != null) {
            switch (name) {
                case "object" -> object = text();
                case "entry" -> {
                    entries = once(entries);
                    items(false, this::entry);
                }
                default -> skipValue();
            }
        }
        expect(entries && p.nextToken() == null);
        return new WebhookDelivery(object, messages, statuses, List.of(), List.of(), List.of());
    }

    private void entry() throws IOException {
        String wabaId = null;
        boolean changes = false;
        String name;
        while ((name = p.nextFieldName()) != null) {
            switch (name) {
                case "id" -> {
                    expect(!changes);
                    wabaId = text();
                }
                case "changes" -> {
                    changes = once(changes);
                    String id = wabaId;
                    items(false, () -> change(id));
                }
                default -> skipValue();
            }
        }
        expect(changes);
    }

    private void change(String wabaId) throws IOException {
        String field = null;
        boolean value = false;
        String name;
        while ((name = p.nextFieldName()) != null) {
            switch (name) {
                case "field" -> field = text();
                case "value" -> {
                    value = once(value);
                    expect(p.nextToken() == JsonToken.START_OBJECT);
                    value(wabaId);
                }
                default -> skipValue();
            }
        }
        // Meta sends the value before the field: what the value added stands because the field says "messages"
        expect(value && "messages".equals(field));
    }

    private void value(String wabaId) throws IOException {
        String[] metadata = new String[METADATA.length];
        List<Contact> contacts = new ArrayList<>(1);
        BusinessNumber business = null;
        boolean messagesRead = false;
        boolean statusesRead = false;
        String name;
        while ((name = p.nextFieldName()) != null) {
            switch (name) {
                case "metadata" -> {
                    expect(business == null && p.nextToken() == JsonToken.START_OBJECT);
                    metadata = texts(METADATA);
                }
                case "contacts" -> {
                    expect(business == null);
                    contacts.clear();
                    items(false, () -> contacts.add(contact()));
                }
                case "messages", "statuses" -> {
                    boolean isMessages = "messages".equals(name);
                    if (isMessages) {
                        messagesRead = once(messagesRead);
                    } else {
                        statusesRead = once(statusesRead);
                    }
                    if (business == null) {
                        business = new BusinessNumber(wabaId, metadata[1], metadata[0]);
                    }
                    BusinessNumber number = business;
                    items(true, isMessages ? () -> messages.add(message(number, contacts))
                            : () -> statuses.add(status(number)));
                }
                case "errors" -> expect(p.nextToken() == JsonToken.VALUE_NULL);
                default -> skipValue();
            }
        }
    }

    private Contact contact() throws IOException {
        String waId = null;
        String userId = null;
        String parentUserId = null;
        String[] profile = new String[PROFILE.length];
        String name;
        while ((name = p.nextFieldName()) != null) {
            switch (name) {
                case "wa_id" -> waId = text();
                case "user_id" -> userId = text();
                case "parent_user_id" -> parentUserId = text();
                case "profile" -> {
                    JsonToken t = p.nextToken();
                    expect(t == JsonToken.START_OBJECT || t == JsonToken.VALUE_NULL);
                    profile = t == JsonToken.START_OBJECT ? texts(PROFILE) : new String[PROFILE.length];
                }
                default -> skipValue();
            }
        }
        return new Contact(waId, userId, parentUserId, profile[0], profile[1]);
    }

    /** The general path's contact match: by business-scoped id first, then by wa_id; the first match wins. */
    private static Contact find(List<Contact> contacts, String waId, String userId) {
        if (userId != null) {
            for (Contact c : contacts) {
                if (userId.equals(c.userId())) {
                    return c;
                }
            }
        }
        if (waId != null) {
            for (Contact c : contacts) {
                if (waId.equals(c.waId())) {
                    return c;
                }
            }
        }
        return null;
    }

    private InboundMessage message(BusinessNumber business, List<Contact> contacts) throws IOException {
        String id = null;
        String type = null;
        String from = null;
        String fromUserId = null;
        String fromParentUserId = null;
        String groupId = null;
        Instant timestamp = null;
        String body = null;
        MessageContext context = null;
        String name;
        while ((name = p.nextFieldName()) != null) {
            switch (name) {
                case "id" -> id = text();
                case "type" -> {
                    // Meta sends the type before its object: any other type gives up here, not after the whole message
                    type = text();
                    expect("text".equals(type));
                }
                case "from" -> from = text();
                case "from_user_id" -> fromUserId = text();
                case "from_parent_user_id" -> fromParentUserId = text();
                case "group_id" -> groupId = text();
                case "timestamp" -> timestamp = instant();
                case "text" -> {
                    expect(p.nextToken() == JsonToken.START_OBJECT);
                    body = texts(TEXT)[0];
                }
                case "context" -> context = context();
                // the general path reads an object referral and an errors array, and ignores other values
                case "referral", "errors" -> scalar();
                default -> skipValue();
            }
        }
        expect("text".equals(type) && body != null);
        Contact contact = find(contacts, from, fromUserId);
        Sender sender = new Sender(
                from != null ? from : contact == null ? null : contact.waId(),
                fromUserId != null ? fromUserId : contact == null ? null : contact.userId(),
                fromParentUserId != null ? fromParentUserId : contact == null ? null : contact.parentUserId(),
                contact == null ? null : contact.name(),
                contact == null ? null : contact.username());
        return new InboundMessage(id, business, sender, timestamp, type, new TextContent(body), context, null,
                List.of(), groupId);
    }

    /** A reply context; {@code null} for anything but an object, as on the general path. */
    private MessageContext context() throws IOException {
        if (p.nextToken() != JsonToken.START_OBJECT) {
            p.skipChildren();
            return null;
        }
        String from = null;
        String id = null;
        boolean forwarded = false;
        boolean frequentlyForwarded = false;
        String[] product = new String[PRODUCT.length];
        String name;
        while ((name = p.nextFieldName()) != null) {
            switch (name) {
                case "from" -> from = text();
                case "id" -> id = text();
                case "forwarded" -> forwarded = bool();
                case "frequently_forwarded" -> frequentlyForwarded = bool();
                case "referred_product" -> product = textsOfObjectOrNone(PRODUCT);
                default -> skipValue();
            }
        }
        return new MessageContext(from, id, forwarded, frequentlyForwarded, product[0], product[1]);
    }

    private StatusUpdate status(BusinessNumber business) throws IOException {
        String id = null;
        String raw = null;
        Instant timestamp = null;
        String recipientId = null;
        String recipientUserId = null;
        String recipientType = null;
        String callbackData = null;
        String pricingCategory = null;
        String conversationId = null;
        String name;
        while ((name = p.nextFieldName()) != null) {
            switch (name) {
                case "id" -> id = text();
                case "status" -> raw = text();
                case "timestamp" -> timestamp = instant();
                case "recipient_id" -> recipientId = text();
                case "recipient_user_id" -> recipientUserId = text();
                case "recipient_type" -> recipientType = text();
                case "biz_opaque_callback_data" -> callbackData = text();
                case "pricing" -> pricingCategory = textsOfObjectOrNone(PRICING)[0];
                case "conversation" -> conversationId = textsOfObjectOrNone(CONVERSATION)[0];
                case "errors" -> scalar();
                default -> skipValue();
            }
        }
        return new StatusUpdate(business, id, StatusUpdate.Status.fromWire(raw), raw, timestamp, recipientId,
                recipientUserId, recipientType, callbackData, pricingCategory, conversationId, List.of());
    }

    // ---- structure ---------------------------------------------------------------------------------

    /** An array of objects, each read by {@code item}; with {@code nullable}, JSON null reads as no items. */
    private void items(boolean nullable, ItemReader item) throws IOException {
        JsonToken t = p.nextToken();
        if (nullable && t == JsonToken.VALUE_NULL) {
            return;
        }
        expect(t == JsonToken.START_ARRAY);
        while (p.nextToken() != JsonToken.END_ARRAY) {
            expect(p.currentToken() == JsonToken.START_OBJECT);
            item.read();
        }
    }

    /**
     * The string fields {@code names} of the object whose {@code START_OBJECT} was just read, by
     * position ({@code null} when absent, the last value when repeated); other fields are skipped.
     */
    private String[] texts(String[] names) throws IOException {
        String[] values = new String[names.length];
        String name;
        while ((name = p.nextFieldName()) != null) {
            int i = indexOf(names, name);
            if (i < 0) {
                skipValue();
            } else {
                values[i] = text();
            }
        }
        return values;
    }

    /** As {@link #texts} for the value that comes next; all {@code null} when it is no object, as on the general path. */
    private String[] textsOfObjectOrNone(String[] names) throws IOException {
        if (p.nextToken() == JsonToken.START_OBJECT) {
            return texts(names);
        }
        p.skipChildren();
        return new String[names.length];
    }

    private static int indexOf(String[] names, String name) {
        for (int i = 0; i < names.length; i++) {
            if (names[i].equals(name)) {
                return i;
            }
        }
        return -1;
    }

    // ---- values ----------------------------------------------------------------------------------

    /** A string or {@code null}; other JSON types are left to the general path. */
    private String text() throws IOException {
        JsonToken t = p.nextToken();
        if (t == JsonToken.VALUE_STRING) {
            return p.getText();
        }
        expect(t == JsonToken.VALUE_NULL);
        return null;
    }

    /** Unix seconds as a string or a whole number; {@code null} for JSON null. */
    private Instant instant() throws IOException {
        JsonToken t = p.nextToken();
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        long seconds;
        if (t == JsonToken.VALUE_STRING) {
            seconds = Long.parseLong(p.getText().strip());
        } else {
            expect(t == JsonToken.VALUE_NUMBER_INT && p.getNumberType() != JsonParser.NumberType.BIG_INTEGER);
            seconds = p.getLongValue();
        }
        return Instant.ofEpochSecond(seconds);
    }

    /** As the general path reads a flag: a boolean, or a string equal to "true" ignoring case. */
    private boolean bool() throws IOException {
        JsonToken t = p.nextToken();
        if (t == JsonToken.VALUE_TRUE || t == JsonToken.VALUE_FALSE) {
            return t == JsonToken.VALUE_TRUE;
        }
        if (t == JsonToken.VALUE_STRING) {
            return "true".equalsIgnoreCase(p.getText());
        }
        expect(t == JsonToken.VALUE_NULL);
        return false;
    }

    /** Skips a value that must not be an object or an array. */
    private void scalar() throws IOException {
        JsonToken t = p.nextToken();
        expect(t != JsonToken.START_OBJECT && t != JsonToken.START_ARRAY);
    }

    /** Skips the value after a field name. */
    private void skipValue() throws IOException {
        p.nextToken();
        p.skipChildren();
    }

    /** Marks an array field as read; a repeated one gives up (the tree keeps only the last one). */
    private static boolean once(boolean alreadyRead) {
        expect(!alreadyRead);
        return true;
    }

    private static void expect(boolean condition) {
        if (!condition) {
            throw GIVE_UP;
        }
    }
}
