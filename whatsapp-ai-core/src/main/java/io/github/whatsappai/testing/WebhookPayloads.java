package io.github.whatsappai.testing;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Builds webhook delivery bodies as Meta sends them: compact JSON, ASCII only, non-ASCII characters
 * as lowercase {@code \}{@code uXXXX} escapes (surrogate pairs for emoji) and {@code /} as
 * {@code \/}, so signatures computed in tests behave like production ones.
 *
 * <pre>{@code
 * byte[] one = WebhookPayloads.text("Olá").from("15555550123").wamid("wamid.1").toBytes();
 * byte[] two = WebhookPayloads.batch()
 *         .add(WebhookPayloads.text("first"))
 *         .add(WebhookPayloads.image("media-1", "a caption"))
 *         .add(WebhookPayloads.status("wamid.out-1", "delivered"))
 *         .toBytes();
 * }</pre>
 *
 * <p>Defaults are the invented ids of the SDK's fixtures ({@link #DEFAULT_PHONE_NUMBER_ID},
 * {@link #DEFAULT_WABA_ID}, …); each message gets a fresh wamid unless one is set. Builders are
 * mutable and not thread-safe; the static factories are.
 */
public final class WebhookPayloads {

    /** Default {@code metadata.phone_number_id}. */
    public static final String DEFAULT_PHONE_NUMBER_ID = "100000000000001";
    /** Default {@code metadata.display_phone_number}. */
    public static final String DEFAULT_DISPLAY_PHONE_NUMBER = "15555550100";
    /** Default {@code entry[].id}, the WhatsApp Business Account id. */
    public static final String DEFAULT_WABA_ID = "200000000000002";
    /** Default sender wa_id. */
    public static final String DEFAULT_WA_ID = "15555550123";
    /** Default sender business-scoped user id. */
    public static final String DEFAULT_USER_ID = "US.13491208655300000123";
    /** Default sender profile name. */
    public static final String DEFAULT_PROFILE_NAME = "Alex Example";
    /** Default {@code timestamp} (seconds): 2026-08-06T07:06:40Z. */
    public static final long DEFAULT_TIMESTAMP = 1_786_000_000L;

    private static final AtomicLong SEQUENCE = new AtomicLong();

    private WebhookPayloads() {
    }

    /** A {@code text} message with {@code body}. */
    public static MessageBuilder text(String body) {
        Objects.requireNonNull(body, "body");
        return new MessageBuilder("text", "{\"body\":" + Wire.string(body) + "}");
    }

    /** An {@code image} message; {@code caption} may be {@code null}. */
    public static MessageBuilder image(String mediaId, String caption) {
        Objects.requireNonNull(mediaId, "mediaId");
        StringBuilder sb = new StringBuilder("{");
        if (caption != null) {
            sb.append("\"caption\":").append(Wire.string(caption)).append(',');
        }
        sb.append("\"mime_type\":\"image\\/jpeg\",\"sha256\":\"Y2FmZWNhZmVjYWZlY2FmZWNhZmVjYWZlY2FmZWNhZmU=\",\"id\":")
                .append(Wire.string(mediaId)).append('}');
        return new MessageBuilder("image", sb.toString());
    }

    /**
     * A media message: {@code type} {@code image}, {@code audio} (sent as a voice note), {@code document}
     * or {@code sticker}, with its media id and MIME type; {@code caption} (not for audio or stickers)
     * and {@code filename} (documents) may be {@code null}.
     */
    public static MessageBuilder media(String type, String mediaId, String mimeType, String caption, String filename) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(mediaId, "mediaId");
        Objects.requireNonNull(mimeType, "mimeType");
        StringBuilder sb = new StringBuilder("{");
        if (caption != null) {
            sb.append("\"caption\":").append(Wire.string(caption)).append(',');
        }
        if (filename != null) {
            sb.append("\"filename\":").append(Wire.string(filename)).append(',');
        }
        if (type.equals("audio")) {
            sb.append("\"voice\":true,");
        }
        sb.append("\"mime_type\":").append(Wire.string(mimeType)).append(",\"id\":").append(Wire.string(mediaId))
                .append('}');
        return new MessageBuilder(type, sb.toString());
    }

    /** A status update ({@code sent}, {@code delivered}, {@code read}, {@code played}, {@code failed}) for a message we sent. */
    public static StatusBuilder status(String messageId, String status) {
        return new StatusBuilder(Objects.requireNonNull(messageId, "messageId"), Objects.requireNonNull(status, "status"));
    }

    /** An empty delivery to which messages and statuses are added; they are grouped by WABA and phone number id. */
    public static Batch batch() {
        return new Batch();
    }

    /** Settings shared by message and status builders: which business number the update is for. */
    public abstract static class Update<B extends Update<B>> {
        String phoneNumberId = DEFAULT_PHONE_NUMBER_ID;
        String displayPhoneNumber = DEFAULT_DISPLAY_PHONE_NUMBER;
        String wabaId = DEFAULT_WABA_ID;
        String timestamp = Long.toString(DEFAULT_TIMESTAMP);

        Update() {
        }

        abstract B self();

        /** The business phone number id ({@code metadata.phone_number_id}). */
        public B phoneNumberId(String id) {
            this.phoneNumberId = Objects.requireNonNull(id, "id");
            return self();
        }

        /** The business display number ({@code metadata.display_phone_number}). */
        public B displayPhoneNumber(String number) {
            this.displayPhoneNumber = Objects.requireNonNull(number, "number");
            return self();
        }

        /** The WhatsApp Business Account id ({@code entry[].id}). */
        public B wabaId(String id) {
            this.wabaId = Objects.requireNonNull(id, "id");
            return self();
        }

        /** The {@code timestamp}, Unix seconds. */
        public B timestamp(long epochSeconds) {
            this.timestamp = Long.toString(epochSeconds);
            return self();
        }

        /** The {@code timestamp}, truncated to seconds. */
        public B timestamp(Instant instant) {
            return timestamp(instant.getEpochSecond());
        }

        /** This update alone as a complete delivery body. */
        public byte[] toBytes() {
            return toJson().getBytes(StandardCharsets.US_ASCII);
        }

        /** This update alone as a complete delivery body. */
        public String toJson() {
            return new Batch().add(this).toJson();
        }
    }

    /** Builds one inbound message; its sender appears in the change's {@code contacts}. */
    public static final class MessageBuilder extends Update<MessageBuilder> {
        private final String type;
        private final String typeObject;
        private String wamid;
        private String waId = DEFAULT_WA_ID;
        private String userId = DEFAULT_USER_ID;
        private String profileName = DEFAULT_PROFILE_NAME;
        private String contextId;

        MessageBuilder(String type, String typeObject) {
            this.type = type;
            this.typeObject = typeObject;
        }

        @Override
        MessageBuilder self() {
            return this;
        }

        /** The message id; by default a fresh {@code wamid.TEST…} per builder. */
        public MessageBuilder wamid(String id) {
            this.wamid = Objects.requireNonNull(id, "id");
            return this;
        }

        /** The sender's wa_id ({@code from}), or {@code null} to withhold it as for username users. */
        public MessageBuilder from(String waId) {
            this.waId = waId;
            return this;
        }

        /** The sender's business-scoped id ({@code from_user_id}), or {@code null} for pre-2026 payloads. */
        public MessageBuilder userId(String userId) {
            this.userId = userId;
            return this;
        }

        /** The sender's profile name, or {@code null} for none. */
        public MessageBuilder profileName(String name) {
            this.profileName = name;
            return this;
        }

        /** Marks the message as a reply to {@code messageId} sent from the business number. */
        public MessageBuilder replyTo(String messageId) {
            this.contextId = Objects.requireNonNull(messageId, "messageId");
            return this;
        }

        String id() {
            if (wamid == null) {
                wamid = "wamid.TEST" + SEQUENCE.incrementAndGet();
            }
            return wamid;
        }

        void contactJson(StringBuilder sb) {
            sb.append('{');
            if (profileName != null) {
                sb.append("\"profile\":{\"name\":").append(Wire.string(profileName)).append("},");
            }
            if (waId != null) {
                sb.append("\"wa_id\":").append(Wire.string(waId)).append(',');
            }
            if (userId != null) {
                sb.append("\"user_id\":").append(Wire.string(userId)).append(',');
            }
            sb.setLength(sb.length() - (sb.charAt(sb.length() - 1) == ',' ? 1 : 0));
            sb.append('}');
        }

        void messageJson(StringBuilder sb) {
            sb.append('{');
            if (waId != null) {
                sb.append("\"from\":").append(Wire.string(waId)).append(',');
            }
            if (userId != null) {
                sb.append("\"from_user_id\":").append(Wire.string(userId)).append(',');
            }
            sb.append("\"id\":").append(Wire.string(id()))
                    .append(",\"timestamp\":").append(Wire.string(timestamp))
                    .append(",\"type\":").append(Wire.string(type))
                    .append(',').append(Wire.string(type)).append(':').append(typeObject);
            if (contextId != null) {
                sb.append(",\"context\":{\"from\":").append(Wire.string(displayPhoneNumber))
                        .append(",\"id\":").append(Wire.string(contextId)).append('}');
            }
            sb.append('}');
        }
    }

    /** Builds one status update for a message we sent. */
    public static final class StatusBuilder extends Update<StatusBuilder> {
        private final String messageId;
        private final String status;
        private String recipientId = DEFAULT_WA_ID;
        private String recipientUserId;
        private Integer errorCode;
        private String errorTitle;
        private String callbackData;

        StatusBuilder(String messageId, String status) {
            this.messageId = messageId;
            this.status = status;
        }

        @Override
        StatusBuilder self() {
            return this;
        }

        /** The recipient's wa_id, or {@code null} when we sent to a business-scoped id. */
        public StatusBuilder recipientId(String waId) {
            this.recipientId = waId;
            return this;
        }

        /** The recipient's business-scoped id, or {@code null}. */
        public StatusBuilder recipientUserId(String userId) {
            this.recipientUserId = userId;
            return this;
        }

        /** The {@code biz_opaque_callback_data} the send carried, echoed by Meta; default none. */
        public StatusBuilder bizOpaqueCallbackData(String data) {
            this.callbackData = data;
            return this;
        }

        /** Adds an {@code errors[]} item, as failed statuses carry. */
        public StatusBuilder error(int code, String title) {
            this.errorCode = code;
            this.errorTitle = Objects.requireNonNull(title, "title");
            return this;
        }

        void statusJson(StringBuilder sb) {
            sb.append("{\"id\":").append(Wire.string(messageId))
                    .append(",\"status\":").append(Wire.string(status))
                    .append(",\"timestamp\":").append(Wire.string(timestamp));
            if (recipientId != null) {
                sb.append(",\"recipient_id\":").append(Wire.string(recipientId));
            }
            if (recipientUserId != null) {
                sb.append(",\"recipient_user_id\":").append(Wire.string(recipientUserId));
            }
            if (callbackData != null) {
                sb.append(",\"biz_opaque_callback_data\":").append(Wire.string(callbackData));
            }
            if (errorCode != null) {
                sb.append(",\"errors\":[{\"code\":").append(errorCode.intValue())
                        .append(",\"title\":").append(Wire.string(errorTitle))
                        .append(",\"message\":").append(Wire.string(errorTitle)).append("}]");
            }
            sb.append('}');
        }
    }

    /** Several updates in one delivery, grouped into one entry per WABA and one change per phone number id. */
    public static final class Batch {
        private final List<Update<?>> updates = new ArrayList<>();

        Batch() {
        }

        /** Adds a message or status builder; its current settings are read when the body is built. */
        public Batch add(Update<?> update) {
            updates.add(Objects.requireNonNull(update, "update"));
            return this;
        }

        /** The delivery body as bytes (ASCII). */
        public byte[] toBytes() {
            return toJson().getBytes(StandardCharsets.US_ASCII);
        }

        /** The delivery body. */
        public String toJson() {
            Map<String, Map<String, List<Update<?>>>> byWaba = new LinkedHashMap<>();
            for (Update<?> u : updates) {
                byWaba.computeIfAbsent(u.wabaId, k -> new LinkedHashMap<>())
                        .computeIfAbsent(u.phoneNumberId, k -> new ArrayList<>()).add(u);
            }
            StringBuilder sb = new StringBuilder(256 + updates.size() * 400);
            sb.append("{\"object\":\"whatsapp_business_account\",\"entry\":[");
            boolean firstEntry = true;
            for (Map.Entry<String, Map<String, List<Update<?>>>> entry : byWaba.entrySet()) {
                sb.append(firstEntry ? "" : ",").append("{\"id\":").append(Wire.string(entry.getKey()))
                        .append(",\"changes\":[");
                firstEntry = false;
                boolean firstChange = true;
                for (List<Update<?>> change : entry.getValue().values()) {
                    sb.append(firstChange ? "" : ",");
                    firstChange = false;
                    change(sb, change);
                }
                sb.append("]}");
            }
            return sb.append("]}").toString();
        }

        private static void change(StringBuilder sb, List<Update<?>> change) {
            Update<?> first = change.get(0);
            sb.append("{\"value\":{\"messaging_product\":\"whatsapp\",\"metadata\":{\"display_phone_number\":")
                    .append(Wire.string(first.displayPhoneNumber)).append(",\"phone_number_id\":")
                    .append(Wire.string(first.phoneNumberId)).append('}');
            List<MessageBuilder> messages = new ArrayList<>();
            List<StatusBuilder> statuses = new ArrayList<>();
            for (Update<?> u : change) {
                if (u instanceof MessageBuilder m) {
                    messages.add(m);
                } else {
                    statuses.add((StatusBuilder) u);
                }
            }
            if (!messages.isEmpty()) {
                sb.append(",\"contacts\":[");
                Map<String, MessageBuilder> senders = new LinkedHashMap<>();
                for (MessageBuilder m : messages) {
                    senders.putIfAbsent(m.waId + "|" + m.userId, m);
                }
                boolean firstContact = true;
                for (MessageBuilder m : senders.values()) {
                    sb.append(firstContact ? "" : ",");
                    firstContact = false;
                    m.contactJson(sb);
                }
                sb.append("],\"messages\":[");
                for (int i = 0; i < messages.size(); i++) {
                    sb.append(i == 0 ? "" : ",");
                    messages.get(i).messageJson(sb);
                }
                sb.append(']');
            }
            if (!statuses.isEmpty()) {
                sb.append(",\"statuses\":[");
                for (int i = 0; i < statuses.size(); i++) {
                    sb.append(i == 0 ? "" : ",");
                    statuses.get(i).statusJson(sb);
                }
                sb.append(']');
            }
            sb.append("},\"field\":\"messages\"}");
        }
    }

    /** Meta's string escaping. */
    static final class Wire {
        private Wire() {
        }

        static String string(String s) {
            return '"' + escape(s) + '"';
        }

        static String escape(String s) {
            StringBuilder sb = new StringBuilder(s.length() + 8);
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                switch (c) {
                    case '"' -> sb.append("\\\"");
                    case '\\' -> sb.append("\\\\");
                    case '/' -> sb.append("\\/");
                    case '\n' -> sb.append("\\n");
                    case '\r' -> sb.append("\\r");
                    case '\t' -> sb.append("\\t");
                    case '\b' -> sb.append("\\b");
                    case '\f' -> sb.append("\\f");
                    default -> {
                        if (c < 0x20 || c > 0x7E) {
                            sb.append(String.format("\\u%04x", (int) c));
                        } else {
                            sb.append(c);
                        }
                    }
                }
            }
            return sb.toString();
        }
    }
}
