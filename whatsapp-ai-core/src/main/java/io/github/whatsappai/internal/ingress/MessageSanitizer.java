package io.github.whatsappai.internal.ingress;

import io.github.whatsappai.internal.TextSanitizer;
import io.github.whatsappai.webhook.model.ButtonContent;
import io.github.whatsappai.webhook.model.ContactsContent;
import io.github.whatsappai.webhook.model.InboundMessage;
import io.github.whatsappai.webhook.model.InteractiveContent;
import io.github.whatsappai.webhook.model.LocationContent;
import io.github.whatsappai.webhook.model.MediaContent;
import io.github.whatsappai.webhook.model.MessageContent;
import io.github.whatsappai.webhook.model.OrderContent;
import io.github.whatsappai.webhook.model.Sender;
import io.github.whatsappai.webhook.model.TextContent;

import java.time.Instant;
import java.util.List;

/**
 * Applies {@link TextSanitizer} to every user-written text of a message: text bodies, captions,
 * file names, interactive titles and descriptions, button labels, location names and addresses,
 * order notes, shared contact names, and the sender's profile name and username. Ids, payloads we
 * defined and Flow JSON are left as sent. Thread-safe.
 */
final class MessageSanitizer {

    private final TextSanitizer text;

    MessageSanitizer(TextSanitizer text) {
        this.text = text;
    }

    /** The message with its texts sanitised and {@code receivedAt} as timestamp when it had none. */
    InboundMessage sanitize(InboundMessage m, Instant receivedAt) {
        Sender s = m.sender();
        String name = text.sanitize(s.profileName());
        String username = text.sanitize(s.username());
        Sender sender = name == s.profileName() && username == s.username()
                ? s : new Sender(s.waId(), s.userId(), s.parentUserId(), name, username);
        MessageContent content = content(m.content());
        Instant timestamp = m.timestamp() != null ? m.timestamp() : receivedAt;
        if (sender == s && content == m.content() && timestamp == m.timestamp()) {
            return m;
        }
        return new InboundMessage(m.id(), m.business(), sender, timestamp, m.type(), content, m.context(),
                m.referral(), m.errors(), m.groupId());
    }

    private MessageContent content(MessageContent c) {
        if (c instanceof TextContent t) {
            String body = text.sanitize(t.body());
            return body == t.body() ? t : new TextContent(body);
        }
        if (c instanceof MediaContent md) {
            String caption = text.sanitize(md.caption());
            String filename = text.sanitize(md.filename());
            return caption == md.caption() && filename == md.filename() ? md
                    : new MediaContent(md.kind(), md.mediaId(), md.mimeType(), md.sha256(), caption, filename,
                    md.url(), md.voice(), md.animated());
        }
        if (c instanceof InteractiveContent i) {
            return new InteractiveContent(i.interactiveType(), i.id(), text.sanitize(i.title()),
                    text.sanitize(i.description()), i.flowName(), text.sanitize(i.flowBody()), i.flowResponseJson());
        }
        if (c instanceof ButtonContent b) {
            return new ButtonContent(b.payload(), text.sanitize(b.text()));
        }
        if (c instanceof LocationContent l) {
            return new LocationContent(l.latitude(), l.longitude(), text.sanitize(l.name()),
                    text.sanitize(l.address()), l.url());
        }
        if (c instanceof OrderContent o) {
            return new OrderContent(o.catalogId(), text.sanitize(o.text()), o.items());
        }
        if (c instanceof ContactsContent cc) {
            List<ContactsContent.SharedContact> cards = cc.contacts().stream()
                    .map(card -> new ContactsContent.SharedContact(text.sanitize(card.formattedName()),
                            card.phones(), card.waIds(), card.emails(), text.sanitize(card.organization())))
                    .toList();
            return new ContactsContent(cards);
        }
        return c;
    }
}
