package io.github.whatsappai.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Writes the Graph API request bodies (see "Sending" in docs/whatsapp-protocol-notes.md). Thread-safe. */
final class MessageJson {

    private final ObjectMapper mapper;

    MessageJson(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** The body of a send to {@code to}. */
    byte[] message(Recipient to, OutboundMessage message) {
        return message(to, message, null);
    }

    /** The body of a send to {@code to}, tagged with {@code biz_opaque_callback_data} when {@code callbackData} is set. */
    byte[] message(Recipient to, OutboundMessage message, String callbackData) {
        ObjectNode root = mapper.createObjectNode();
        root.put("messaging_product", "whatsapp");
        root.put("recipient_type", "individual");
        if (to.waId() != null && !to.waId().isEmpty()) {
            root.put("to", to.waId().startsWith("+") ? to.waId() : "+" + to.waId());
        } else {
            root.put("recipient", to.userId());
        }
        root.put("type", message.type());
        if (message instanceof TextMessage t) {
            context(root, t.replyToMessageId());
            ObjectNode text = root.putObject("text");
            text.put("preview_url", t.previewUrl());
            text.put("body", t.body());
        } else if (message instanceof ReactionMessage r) {
            ObjectNode reaction = root.putObject("reaction");
            reaction.put("message_id", r.messageId());
            reaction.put("emoji", r.emoji());
        } else if (message instanceof TemplateMessage t) {
            context(root, t.replyToMessageId());
            ObjectNode template = root.putObject("template");
            template.put("name", t.name());
            template.putObject("language").put("code", t.languageCode());
            if (!t.bodyParameters().isEmpty()) {
                ObjectNode body = template.putArray("components").addObject();
                body.put("type", "body");
                ArrayNode params = body.putArray("parameters");
                for (String p : t.bodyParameters()) {
                    params.addObject().put("type", "text").put("text", p);
                }
            }
        } else if (message instanceof ButtonsMessage b) {
            ObjectNode interactive = interactive(root, "button", b.replyToMessageId(), b.headerText(), b.bodyText(),
                    b.footerText());
            ArrayNode buttons = interactive.putObject("action").putArray("buttons");
            for (ButtonsMessage.Button button : b.buttons()) {
                ObjectNode n = buttons.addObject();
                n.put("type", "reply");
                n.putObject("reply").put("id", button.id()).put("title", button.title());
            }
        } else if (message instanceof ListMessage l) {
            ObjectNode interactive = interactive(root, "list", l.replyToMessageId(), l.headerText(), l.bodyText(),
                    l.footerText());
            ObjectNode action = interactive.putObject("action");
            action.put("button", l.buttonLabel());
            ArrayNode sections = action.putArray("sections");
            for (ListMessage.Section s : l.sections()) {
                ObjectNode section = sections.addObject();
                if (s.title() != null) {
                    section.put("title", s.title());
                }
                ArrayNode rows = section.putArray("rows");
                for (ListMessage.Row r : s.rows()) {
                    ObjectNode row = rows.addObject().put("id", r.id()).put("title", r.title());
                    if (r.description() != null) {
                        row.put("description", r.description());
                    }
                }
            }
        } else {
            throw new IllegalArgumentException("unsupported message " + message.getClass().getName()
                    + ": use TextMessage, ReactionMessage, TemplateMessage, ButtonsMessage or ListMessage");
        }
        if (callbackData != null) {
            root.put("biz_opaque_callback_data", callbackData);
        }
        return write(root);
    }

    /** The body of a read receipt, with the typing indicator when asked. */
    byte[] markRead(String messageId, boolean typing) {
        ObjectNode root = mapper.createObjectNode();
        root.put("messaging_product", "whatsapp");
        root.put("status", "read");
        root.put("message_id", messageId);
        if (typing) {
            root.putObject("typing_indicator").put("type", "text");
        }
        return write(root);
    }

    private static void context(ObjectNode root, String replyTo) {
        if (replyTo != null) {
            root.putObject("context").put("message_id", replyTo);
        }
    }

    /** The reply context and the {@code interactive} object's type, header, body and footer; the caller adds the action. */
    private static ObjectNode interactive(ObjectNode root, String type, String replyTo, String header, String body,
                                         String footer) {
        context(root, replyTo);
        ObjectNode interactive = root.putObject("interactive");
        interactive.put("type", type);
        if (header != null) {
            interactive.putObject("header").put("type", "text").put("text", header);
        }
        interactive.putObject("body").put("text", body);
        if (footer != null) {
            interactive.putObject("footer").put("text", footer);
        }
        return interactive;
    }

    private byte[] write(ObjectNode root) {
        try {
            return mapper.writeValueAsBytes(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise a JSON tree", e);
        }
    }
}
