package io.github.whatsappai.webhook;

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
 * repeated field, a value of an unexpected JSON type, a part the general path would report as a
 * problem, JSON that is not valid &mdash; makes {@link #read} return {@code null}, and the parser
 * reads the body again with the general, tree-based reader, which defines the result. A
 * differential test holds the two paths to equal results on every fixture and on generated
 * variants of them.
 *
 * <p>Strings that are skipped are still decoded, so a body with malformed UTF-8 anywhere is left
 * to the general path, which refuses it.
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

    /** Contacts of one change's value, as the general path's {@code Contacts.find} matches them. */
    private record Contact(String waId, String userId, String parentUserId, String name, String username) {
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
        int seen = 0;
        String name;
        while ((name = p.nextFieldName()) != null) {
            switch (name) {
                case "object" -> {
                    seen = once(seen, 1);
                    object = text();
                }
                case "entry" -> {
                    seen = once(seen, 2);
                    expect(p.nextToken() == JsonToken.START_ARRAY);
                    while (p.nextToken() != JsonToken.END_ARRAY) {
                        expect(p.currentToken() == JsonToken.START_OBJECT);
                        entry();
                    }
                }
                default -> skipValue();
            }
        }
        expect(p.currentToken() == JsonToken.END_OBJECT && (seen & 2) != 0 && p.nextToken() == null);
        return new WebhookDelivery(object, messages, statuses, List.of(), List.of(), List.of());
    }

    private void entry() throws IOException {
        String wabaId = null;
        int seen = 0;
        String name;
        while ((name = p.nextFieldName()) != null) {
            switch (name) {
                case "id" -> {
                    seen = once(seen, 1);
                    expect((seen & 2) == 0);
                    wabaId = text();
                }
                case "changes" -> {
                    seen = once(seen, 2);
                    expect(p.nextToken() == JsonToken.START_ARRAY);
                    while (p.nextToken() != JsonToken.END_ARRAY) {
                        expect(p.currentToken() == JsonToken.START_OBJECT);
                        change(wabaId);
                    }
                }
                default -> skipValue();
            }
        }
        expect((seen & 2) != 0);
    }

    private void change(String wabaId) throws IOException {
        int seen = 0;
        String name;
        while ((name = p.nextFieldName()) != null) {
            switch (name) {
                case "field" -> {
                    seen = once(seen, 1);
                    expect("messages".equals(text()));
                }
                case "value" -> {
                    seen = once(seen, 2);
                    expect(p.nextToken() == JsonToken.START_OBJECT);
                    value(wabaId);
                }
                default -> skipValue();
            }
        }
        // Meta sends the value before the field: what the value added stands because the field said "messages"
        expect(seen == 3);
    }

    private void value(String wabaId) throws IOException {
        String displayNumber = null;
        String phoneNumberId = null;
        List<Contact> contacts = List.of();
        BusinessNumber business = null;
        int seen = 0;
        String name;
        while ((name = p.nextFieldName()) != null) {
            switch (name) {
                case "metadata" -> {
                    seen = once(seen, 1);
                    expect(business == null && p.nextToken() == JsonToken.START_OBJECT);
                    int fields = 0;
                    String field;
                    while ((field = p.nextFieldName()) != null) {
                        switch (field) {
                            case "display_phone_number" -> {
                                fields = once(fields, 1);
                                displayNumber = text();
                            }
                            case "phone_number_id" -> {
                                fields = once(fields, 2);
                                phoneNumberId = text();
                            }
                            default -> skipValue();
                        }
                    }
                }
                case "contacts" -> {
                    seen = once(seen, 2);
                    expect(business == null);
                    contacts = contacts();
                }
                case "messages" -> {
                    seen = once(seen, 4);
                    if (business == null) {
                        business = new BusinessNumber(wabaId, phoneNumberId, displayNumber);
                    }
                    if (nullOrArray()) {
                        while (p.nextToken() != JsonToken.END_ARRAY) {
                            expect(p.currentToken() == JsonToken.START_OBJECT);
                            messages.add(message(business, contacts));
                        }
                    }
                }
                case "statuses" -> {
                    seen = once(seen, 8);
                    if (business == null) {
                        business = new BusinessNumber(wabaId, phoneNumberId, displayNumber);
                    }
                    if (nullOrArray()) {
                        while (p.nextToken() != JsonToken.END_ARRAY) {
                            expect(p.currentToken() == JsonToken.START_OBJECT);
                            statuses.add(status(business));
                        }
                    }
                }
                case "errors" -> {
                    seen = once(seen, 16);
                    expect(p.nextToken() == JsonToken.VALUE_NULL);
                }
                default -> skipValue();
            }
        }
    }

    private List<Contact> contacts() throws IOException {
        expect(p.nextToken() == JsonToken.START_ARRAY);
        List<Contact> contacts = new ArrayList<>(1);
        while (p.nextToken() != JsonToken.END_ARRAY) {
            expect(p.currentToken() == JsonToken.START_OBJECT);
            String waId = null;
            String userId = null;
            String parentUserId = null;
            String profileName = null;
            String username = null;
            int seen = 0;
            String name;
            while ((name = p.nextFieldName()) != null) {
                switch (name) {
                    case "wa_id" -> {
                        seen = once(seen, 1);
                        waId = text();
                    }
                    case "user_id" -> {
                        seen = once(seen, 2);
                        userId = text();
                    }
                    case "parent_user_id" -> {
                        seen = once(seen, 4);
                        parentUserId = text();
                    }
                    case "profile" -> {
                        seen = once(seen, 8);
                        if (p.nextToken() == JsonToken.START_OBJECT) {
                            int fields = 0;
                            String field;
                            while ((field = p.nextFieldName()) != null) {
                                switch (field) {
                                    case "name" -> {
                                        fields = once(fields, 1);
                                        profileName = text();
                                    }
                                    case "username" -> {
                                        fields = once(fields, 2);
                                        username = text();
                                    }
                                    default -> skipValue();
                                }
                            }
                        } else {
                            expect(p.currentToken() == JsonToken.VALUE_NULL);
                        }
                    }
                    default -> skipValue();
                }
            }
            contacts.add(new Contact(waId, userId, parentUserId, profileName, username));
        }
        return contacts;
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
        int seen = 0;
        String name;
        while ((name = p.nextFieldName()) != null) {
            switch (name) {
                case "id" -> {
                    seen = once(seen, 1);
                    id = text();
                }
                case "type" -> {
                    seen = once(seen, 2);
                    type = text();
                }
                case "from" -> {
                    seen = once(seen, 4);
                    from = text();
                }
                case "from_user_id" -> {
                    seen = once(seen, 8);
                    fromUserId = text();
                }
                case "from_parent_user_id" -> {
                    seen = once(seen, 16);
                    fromParentUserId = text();
                }
                case "group_id" -> {
                    seen = once(seen, 32);
                    groupId = text();
                }
                case "timestamp" -> {
                    seen = once(seen, 64);
                    timestamp = instant();
                }
                case "text" -> {
                    seen = once(seen, 128);
                    expect(p.nextToken() == JsonToken.START_OBJECT);
                    int fields = 0;
                    String field;
                    while ((field = p.nextFieldName()) != null) {
                        if ("body".equals(field)) {
                            fields = once(fields, 1);
                            body = text();
                        } else {
                            skipValue();
                        }
                    }
                }
                case "context" -> {
                    seen = once(seen, 256);
                    context = context();
                }
                case "referral", "errors" -> {
                    // the general path reads an object referral and an errors array, and ignores other values
                    seen = once(seen, "referral".equals(name) ? 512 : 1024);
                    scalar();
                }
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
            skipCurrent();
            return null;
        }
        String from = null;
        String id = null;
        boolean forwarded = false;
        boolean frequentlyForwarded = false;
        String catalogId = null;
        String retailerId = null;
        int seen = 0;
        String name;
        while ((name = p.nextFieldName()) != null) {
            switch (name) {
                case "from" -> {
                    seen = once(seen, 1);
                    from = text();
                }
                case "id" -> {
                    seen = once(seen, 2);
                    id = text();
                }
                case "forwarded" -> {
                    seen = once(seen, 4);
                    forwarded = bool();
                }
                case "frequently_forwarded" -> {
                    seen = once(seen, 8);
                    frequentlyForwarded = bool();
                }
                case "referred_product" -> {
                    seen = once(seen, 16);
                    if (p.nextToken() == JsonToken.START_OBJECT) {
                        int fields = 0;
                        String field;
                        while ((field = p.nextFieldName()) != null) {
                            switch (field) {
                                case "catalog_id" -> {
                                    fields = once(fields, 1);
                                    catalogId = text();
                                }
                                case "product_retailer_id" -> {
                                    fields = once(fields, 2);
                                    retailerId = text();
                                }
                                default -> skipValue();
                            }
                        }
                    } else {
                        skipCurrent();
                    }
                }
                default -> skipValue();
            }
        }
        return new MessageContext(from, id, forwarded, frequentlyForwarded, catalogId, retailerId);
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
        int seen = 0;
        String name;
        while ((name = p.nextFieldName()) != null) {
            switch (name) {
                case "id" -> {
                    seen = once(seen, 1);
                    id = text();
                }
                case "status" -> {
                    seen = once(seen, 2);
                    raw = text();
                }
                case "timestamp" -> {
                    seen = once(seen, 4);
                    timestamp = instant();
                }
                case "recipient_id" -> {
                    seen = once(seen, 8);
                    recipientId = text();
                }
                case "recipient_user_id" -> {
                    seen = once(seen, 16);
                    recipientUserId = text();
                }
                case "recipient_type" -> {
                    seen = once(seen, 32);
                    recipientType = text();
                }
                case "biz_opaque_callback_data" -> {
                    seen = once(seen, 64);
                    callbackData = text();
                }
                case "pricing" -> {
                    seen = once(seen, 128);
                    pricingCategory = fieldOfObject("category");
                }
                case "conversation" -> {
                    seen = once(seen, 256);
                    conversationId = fieldOfObject("id");
                }
                case "errors" -> {
                    seen = once(seen, 512);
                    scalar();
                }
                default -> skipValue();
            }
        }
        return new StatusUpdate(business, id, StatusUpdate.Status.fromWire(raw), raw, timestamp, recipientId,
                recipientUserId, recipientType, callbackData, pricingCategory, conversationId, List.of());
    }

    /** One text field of the object that comes next; {@code null} when it is absent or the value is no object. */
    private String fieldOfObject(String wanted) throws IOException {
        if (p.nextToken() != JsonToken.START_OBJECT) {
            skipCurrent();
            return null;
        }
        String value = null;
        boolean seen = false;
        String name;
        while ((name = p.nextFieldName()) != null) {
            if (wanted.equals(name)) {
                expect(!seen);
                seen = true;
                value = text();
            } else {
                skipValue();
            }
        }
        return value;
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
        skipCurrent();
    }

    /** {@code true} after a {@code START_ARRAY}, {@code false} after JSON null; anything else gives up. */
    private boolean nullOrArray() throws IOException {
        JsonToken t = p.nextToken();
        if (t == JsonToken.VALUE_NULL) {
            return false;
        }
        expect(t == JsonToken.START_ARRAY);
        return true;
    }

    /** Skips the value after a field name, decoding every string in it. */
    private void skipValue() throws IOException {
        p.nextToken();
        skipCurrent();
    }

    /**
     * Skips the value at the current token. Strings are decoded rather than skipped over, so that
     * malformed UTF-8 fails here as it does when the general path builds its tree.
     */
    private void skipCurrent() throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_STRING) {
            p.getText();
            return;
        }
        if (t != JsonToken.START_OBJECT && t != JsonToken.START_ARRAY) {
            return;
        }
        int depth = 1;
        while (depth > 0) {
            t = p.nextToken();
            if (t == null) {
                throw GIVE_UP;
            }
            switch (t) {
                case START_OBJECT, START_ARRAY -> depth++;
                case END_OBJECT, END_ARRAY -> depth--;
                case VALUE_STRING -> p.getText();
                default -> {
                }
            }
        }
    }

    /** Marks field {@code bit} as seen; a repeated field gives up (the tree keeps only the last one). */
    private static int once(int seen, int bit) {
        expect((seen & bit) == 0);
        return seen | bit;
    }

    private static void expect(boolean condition) {
        if (!condition) {
            throw GIVE_UP;
        }
    }
}
