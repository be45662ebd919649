package io.github.whatsappai.internal.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.whatsappai.internal.webhook.WebhookParser.Contacts;
import io.github.whatsappai.internal.webhook.WebhookParser.Json;
import io.github.whatsappai.webhook.model.BusinessNumber;
import io.github.whatsappai.webhook.model.ButtonContent;
import io.github.whatsappai.webhook.model.ContactsContent;
import io.github.whatsappai.webhook.model.InboundMessage;
import io.github.whatsappai.webhook.model.InteractiveContent;
import io.github.whatsappai.webhook.model.LocationContent;
import io.github.whatsappai.webhook.model.MediaContent;
import io.github.whatsappai.webhook.model.MediaContent.MediaKind;
import io.github.whatsappai.webhook.model.MessageContent;
import io.github.whatsappai.webhook.model.MessageContext;
import io.github.whatsappai.webhook.model.OrderContent;
import io.github.whatsappai.webhook.model.ReactionContent;
import io.github.whatsappai.webhook.model.Referral;
import io.github.whatsappai.webhook.model.RequestWelcomeContent;
import io.github.whatsappai.webhook.model.Sender;
import io.github.whatsappai.webhook.model.SystemContent;
import io.github.whatsappai.webhook.model.TextContent;
import io.github.whatsappai.webhook.model.UnknownContent;
import io.github.whatsappai.webhook.model.UnsupportedContent;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/** Reads one {@code messages[]} item into an {@link InboundMessage}; throws to report a problem. */
final class MessageReader {

    private MessageReader() {
    }

    static InboundMessage read(JsonNode m, BusinessNumber business, Contacts contacts) {
        String type = Json.text(m, "type");
        String from = Json.text(m, "from");
        String fromUserId = Json.text(m, "from_user_id");
        JsonNode contact = contacts.find(from, fromUserId);
        JsonNode profile = contact == null ? null : contact.path("profile");
        Sender sender = new Sender(
                from != null ? from : Json.text(contact, "wa_id"),
                fromUserId != null ? fromUserId : Json.text(contact, "user_id"),
                firstNonNull(Json.text(m, "from_parent_user_id"), Json.text(contact, "parent_user_id")),
                Json.text(profile, "name"),
                Json.text(profile, "username"));
        return new InboundMessage(Json.text(m, "id"), business, sender, Json.instant(m, "timestamp"),
                type == null ? "" : type, content(type, m), context(m.get("context")), referral(m.get("referral")),
                Json.errors(m.get("errors")), Json.text(m, "group_id"));
    }

    private static MessageContent content(String type, JsonNode m) {
        if (type == null) {
            return new UnknownContent("", m);
        }
        return switch (type) {
            case "text" -> new TextContent(require(Json.text(part(m, type), "body"), "text.body"));
            case "image" -> media(MediaKind.IMAGE, part(m, type));
            case "audio" -> media(MediaKind.AUDIO, part(m, type));
            case "video" -> media(MediaKind.VIDEO, part(m, type));
            case "document" -> media(MediaKind.DOCUMENT, part(m, type));
            case "sticker" -> media(MediaKind.STICKER, part(m, type));
            case "location" -> location(part(m, type));
            case "contacts" -> contacts(m.get("contacts"));
            case "interactive" -> interactive(part(m, type));
            case "button" -> {
                JsonNode b = part(m, type);
                yield new ButtonContent(Json.text(b, "payload"), Json.text(b, "text"));
            }
            case "reaction" -> {
                JsonNode r = part(m, type);
                yield new ReactionContent(Json.text(r, "message_id"), Json.text(r, "emoji"));
            }
            case "order" -> order(part(m, type));
            case "system" -> {
                JsonNode s = part(m, type);
                yield new SystemContent(Json.text(s, "type"), Json.text(s, "body"),
                        firstNonNull(Json.text(s, "wa_id"), Json.text(s, "new_wa_id")), Json.text(s, "user_id"));
            }
            case "request_welcome" -> new RequestWelcomeContent();
            case "unsupported", "unknown" -> new UnsupportedContent(Json.text(m.path(type), "type"));
            default -> new UnknownContent(type, m);
        };
    }

    /** The type-specific object, e.g. {@code image} for an image; required. */
    private static JsonNode part(JsonNode m, String type) {
        JsonNode p = m.get(type);
        if (p == null || !p.isObject()) {
            throw new IllegalArgumentException(type + " message without its " + type + " object");
        }
        return p;
    }

    private static MediaContent media(MediaKind kind, JsonNode p) {
        return new MediaContent(kind, Json.text(p, "id"), Json.text(p, "mime_type"), Json.text(p, "sha256"),
                Json.text(p, "caption"), Json.text(p, "filename"), Json.text(p, "url"), Json.bool(p, "voice"),
                Json.bool(p, "animated"));
    }

    private static LocationContent location(JsonNode p) {
        return new LocationContent(Json.number(p, "latitude"), Json.number(p, "longitude"), Json.text(p, "name"),
                Json.text(p, "address"), Json.text(p, "url"));
    }

    private static ContactsContent contacts(JsonNode cards) {
        if (cards == null || !cards.isArray()) {
            throw new IllegalArgumentException("contacts message without its contacts array");
        }
        List<ContactsContent.SharedContact> out = new ArrayList<>(cards.size());
        for (JsonNode c : cards) {
            JsonNode name = c.path("name");
            String formatted = Json.text(name, "formatted_name");
            if (formatted == null) {
                String first = Json.text(name, "first_name");
                String last = Json.text(name, "last_name");
                formatted = first == null ? last : last == null ? first : first + " " + last;
            }
            out.add(new ContactsContent.SharedContact(formatted, Json.texts(c.get("phones"), "phone"),
                    Json.texts(c.get("phones"), "wa_id"), Json.texts(c.get("emails"), "email"),
                    Json.text(c.path("org"), "company")));
        }
        return new ContactsContent(out);
    }

    private static InteractiveContent interactive(JsonNode p) {
        String kind = Json.text(p, "type");
        JsonNode reply = kind == null ? null : p.get(kind);
        if (reply == null || !reply.isObject()) {
            return new InteractiveContent(kind == null ? "" : kind, null, null, null, null, null, null);
        }
        if ("nfm_reply".equals(kind)) {
            return new InteractiveContent(kind, null, null, null, Json.text(reply, "name"), Json.text(reply, "body"),
                    Json.text(reply, "response_json"));
        }
        return new InteractiveContent(kind, Json.text(reply, "id"), Json.text(reply, "title"),
                Json.text(reply, "description"), null, null, null);
    }

    private static OrderContent order(JsonNode p) {
        JsonNode items = p.get("product_items");
        List<OrderContent.Item> out = new ArrayList<>();
        if (items != null && items.isArray()) {
            for (JsonNode i : items) {
                out.add(new OrderContent.Item(Json.text(i, "product_retailer_id"),
                        (int) Json.number(i, "quantity"), decimal(i.get("item_price")), Json.text(i, "currency")));
            }
        }
        return new OrderContent(Json.text(p, "catalog_id"), Json.text(p, "text"), out);
    }

    private static BigDecimal decimal(JsonNode v) {
        if (v == null || v.isNull()) {
            return null;
        }
        if (v.isNumber()) {
            return v.decimalValue();
        }
        try {
            return new BigDecimal(v.asText().strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("item_price is not a number: '" + v.asText() + "'");
        }
    }

    private static MessageContext context(JsonNode c) {
        if (c == null || !c.isObject()) {
            return null;
        }
        JsonNode product = c.path("referred_product");
        return new MessageContext(Json.text(c, "from"), Json.text(c, "id"), Json.bool(c, "forwarded"),
                Json.bool(c, "frequently_forwarded"), Json.text(product, "catalog_id"),
                Json.text(product, "product_retailer_id"));
    }

    private static Referral referral(JsonNode r) {
        if (r == null || !r.isObject()) {
            return null;
        }
        return new Referral(Json.text(r, "source_url"), Json.text(r, "source_id"), Json.text(r, "source_type"),
                Json.text(r, "body"), Json.text(r, "headline"), Json.text(r, "media_type"),
                Json.text(r, "image_url"), Json.text(r, "video_url"), Json.text(r, "thumbnail_url"),
                Json.text(r, "ctwa_clid"), Json.text(r.path("welcome_message"), "text"));
    }

    private static String require(String value, String name) {
        if (value == null) {
            throw new IllegalArgumentException(name + " is missing");
        }
        return value;
    }

    private static String firstNonNull(String a, String b) {
        return a != null ? a : b;
    }
}
