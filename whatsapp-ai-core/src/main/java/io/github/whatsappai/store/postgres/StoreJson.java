package io.github.whatsappai.store.postgres;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import io.github.whatsappai.spi.ChatLogEntry;
import io.github.whatsappai.webhook.model.ButtonContent;
import io.github.whatsappai.webhook.model.ContactsContent;
import io.github.whatsappai.webhook.model.InboundMessage;
import io.github.whatsappai.webhook.model.InteractiveContent;
import io.github.whatsappai.webhook.model.LocationContent;
import io.github.whatsappai.webhook.model.MediaContent;
import io.github.whatsappai.webhook.model.MessageContent;
import io.github.whatsappai.webhook.model.OrderContent;
import io.github.whatsappai.webhook.model.ReactionContent;
import io.github.whatsappai.webhook.model.RequestWelcomeContent;
import io.github.whatsappai.webhook.model.SystemContent;
import io.github.whatsappai.webhook.model.TextContent;
import io.github.whatsappai.webhook.model.UnknownContent;
import io.github.whatsappai.webhook.model.UnsupportedContent;

import java.io.IOException;
import java.time.Instant;

/**
 * The JSON the store keeps messages and deferred chat-log entries in. The webhook model's records
 * map by their components; {@link MessageContent} (an open interface) carries a {@code kind} tag
 * naming one of the known content records, and {@link Instant}s are ISO-8601 strings (core has no
 * Java-time module). Unknown properties are ignored, so an older instance reads what a newer one
 * wrote during a rolling deploy. Thread-safe.
 */
final class StoreJson {

    private final ObjectMapper mapper;

    StoreJson() {
        SimpleModule time = new SimpleModule("whatsapp-ai-store-time");
        time.addSerializer(Instant.class, new StdSerializer<>(Instant.class) {
            @Override
            public void serialize(Instant value, JsonGenerator gen, SerializerProvider provider) throws IOException {
                gen.writeString(value.toString());
            }
        });
        time.addDeserializer(Instant.class, new StdDeserializer<>(Instant.class) {
            @Override
            public Instant deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
                return Instant.parse(p.getValueAsString());
            }
        });
        this.mapper = JsonMapper.builder()
                .addModule(time)
                .addMixIn(MessageContent.class, ContentKinds.class)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .build();
    }

    String write(InboundMessage message) {
        return write((Object) message);
    }

    String write(ChatLogEntry entry) {
        return write((Object) entry);
    }

    InboundMessage message(String json) {
        return read(json, InboundMessage.class);
    }

    ChatLogEntry logEntry(String json) {
        return read(json, ChatLogEntry.class);
    }

    private String write(Object value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot store a " + value.getClass().getSimpleName()
                    + " as JSON: " + e.getOriginalMessage(), e);
        }
    }

    private <T> T read(String json, Class<T> type) {
        try {
            return mapper.readValue(json, type);
        } catch (JsonProcessingException e) {
            // the stored text may hold personal data: name the problem, never the row
            throw new IllegalStateException("a stored " + type.getSimpleName()
                    + " cannot be read back (written by an incompatible version?)", e);
        }
    }

    /** The {@code kind} of each content record; adding a content type means adding it here. */
    @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "kind")
    @JsonSubTypes({
            @JsonSubTypes.Type(value = TextContent.class, name = "text"),
            @JsonSubTypes.Type(value = MediaContent.class, name = "media"),
            @JsonSubTypes.Type(value = LocationContent.class, name = "location"),
            @JsonSubTypes.Type(value = ContactsContent.class, name = "contacts"),
            @JsonSubTypes.Type(value = InteractiveContent.class, name = "interactive"),
            @JsonSubTypes.Type(value = ButtonContent.class, name = "button"),
            @JsonSubTypes.Type(value = ReactionContent.class, name = "reaction"),
            @JsonSubTypes.Type(value = OrderContent.class, name = "order"),
            @JsonSubTypes.Type(value = SystemContent.class, name = "system"),
            @JsonSubTypes.Type(value = RequestWelcomeContent.class, name = "request_welcome"),
            @JsonSubTypes.Type(value = UnsupportedContent.class, name = "unsupported"),
            @JsonSubTypes.Type(value = UnknownContent.class, name = "unknown")
    })
    private interface ContentKinds {
    }
}
