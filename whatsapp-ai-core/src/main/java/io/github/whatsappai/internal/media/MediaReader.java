package io.github.whatsappai.internal.media;

import io.github.whatsappai.ai.AiReply;
import io.github.whatsappai.ai.MediaAttachment;
import io.github.whatsappai.client.MediaSource;
import io.github.whatsappai.conversation.MediaSettings;
import io.github.whatsappai.internal.media.BurstMediaCollector.Reason;
import io.github.whatsappai.internal.media.BurstMediaCollector.Unread;
import io.github.whatsappai.store.MediaAllowance;
import io.github.whatsappai.webhook.model.InboundMessage;
import io.github.whatsappai.webhook.model.MediaContent;
import io.github.whatsappai.webhook.model.TextContent;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The conversation engine's side of media: reads a burst's files ({@link BurstMediaCollector}) and
 * turns the outcome into what lasts, all of it text: the chat-log content of each media message
 * (its description and the model's transcript or description, or why it was not read), the user
 * turn kept in history, and the notice that names what could not be read. Thread-safe.
 */
public final class MediaReader {

    private final MediaSettings settings;
    private final BurstMediaCollector collector;

    /** A reader counting the daily allowance in this process's memory. */
    public MediaReader(MediaSource source, MediaSettings settings, ScheduledExecutorService scheduler, Clock clock) {
        this(source, settings, MediaAllowance.inMemory(), scheduler, clock);
    }

    /** A reader counting the daily allowance in {@code allowance} (the state store's). */
    public MediaReader(MediaSource source, MediaSettings settings, MediaAllowance allowance,
                       ScheduledExecutorService scheduler, Clock clock) {
        this.settings = settings;
        this.collector = new BurstMediaCollector(source, settings.maxItemBytes(), settings.maxBurstBytes(),
                settings.downloadTimeout(), new MediaQuota(settings.maxItemsPerUserPerDay(), allowance, clock),
                scheduler, clock);
    }

    /** Whether {@code messages} hold a media message. */
    public static boolean hasMedia(List<InboundMessage> messages) {
        for (InboundMessage m : messages) {
            if (BurstMediaCollector.isMedia(m)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Reads the media of {@code messages} (on the calling thread) when {@code modelReadsMedia},
     * else marks every item unread for want of a media model.
     */
    public BurstMedia read(List<InboundMessage> messages, String userId, boolean modelReadsMedia) {
        if (!hasMedia(messages)) {
            return new BurstMedia(messages, List.of(), List.of(), null);
        }
        if (!modelReadsMedia) {
            return new BurstMedia(messages, List.of(), BurstMediaCollector.unreadAll(messages, Reason.NO_MEDIA_MODEL,
                    "no media model is configured (OPENROUTER_MEDIA_MODEL)"), null);
        }
        BurstMediaCollector.Result result = collector.collect(messages, userId);
        return new BurstMedia(messages, result.attachments(), result.unread(), result.allowanceFailure());
    }

    /** One burst's media: what was read, what was not, and the text that lasts. */
    public final class BurstMedia {
        private final List<InboundMessage> messages;
        private final List<MediaAttachment> attachments;
        private final List<Unread> unread;
        private final Map<String, Unread> unreadById = new HashMap<>();
        private final RuntimeException allowanceFailure;

        BurstMedia(List<InboundMessage> messages, List<MediaAttachment> attachments, List<Unread> unread,
                   RuntimeException allowanceFailure) {
            this.messages = List.copyOf(messages);
            this.attachments = attachments;
            this.unread = unread;
            this.allowanceFailure = allowanceFailure;
            for (Unread u : unread) {
                unreadById.put(u.message().id(), u);
            }
        }

        /** The files read, in message order. */
        public List<MediaAttachment> attachments() {
            return attachments;
        }

        /** The items not read. */
        public List<Unread> unread() {
            return unread;
        }

        /**
         * Why the daily allowance could not be counted (its files were read without it), or
         * {@code null} when it was counted.
         */
        public RuntimeException allowanceFailure() {
            return allowanceFailure;
        }

        /**
         * Whether the AI has nothing to answer: no file was read and no message holds text (a text,
         * or a caption of a media message); the notice alone then answers.
         */
        public boolean nothingToAnswer() {
            if (!attachments.isEmpty()) {
                return false;
            }
            for (InboundMessage m : messages) {
                if (!(m.content() instanceof MediaContent media)) {
                    return false;
                }
                if (media.caption() != null && !media.caption().isBlank()) {
                    return false;
                }
            }
            return true;
        }

        /** The notice naming what could not be read, or {@code null} when everything was. */
        public String notice() {
            if (unread.isEmpty()) {
                return null;
            }
            List<String> items = new ArrayList<>();
            for (Unread u : unread) {
                String reason = u.reason().userText();
                items.add(itemName(u.message()) + (reason == null ? "" : " (" + reason + ")"));
            }
            return settings.notice(join(items));
        }

        /** {@code reply} followed by the notice, when there is one. */
        public String withNotice(String reply) {
            String notice = notice();
            return notice == null ? reply : reply + "\n\n" + notice;
        }

        /**
         * What the chat log and history keep for media message {@code m}: its description, then the
         * model's note for it ({@code reply} may be {@code null}) or why it was not read.
         */
        public String describe(InboundMessage m, AiReply reply) {
            String description = m.content().describe();
            Unread u = unreadById.get(m.id());
            if (u != null) {
                return description + " (not read: " + u.detail() + ")";
            }
            for (int i = 0; i < attachments.size(); i++) {
                if (attachments.get(i).messageId() != null && attachments.get(i).messageId().equals(m.id())) {
                    String note = reply == null ? null : reply.mediaNote(i);
                    return note == null ? description : description + " " + note;
                }
            }
            return description;
        }

        /** The burst as the user turn kept in history: texts in order, media with their notes, cut at {@code maxChars}. */
        public String historyTurn(AiReply reply, int maxChars) {
            StringBuilder sb = new StringBuilder();
            for (InboundMessage m : messages) {
                if (sb.length() > 0) {
                    sb.append('\n');
                }
                if (m.content() instanceof TextContent t) {
                    sb.append(t.body() == null ? "" : t.body());
                } else if (m.content() instanceof MediaContent) {
                    sb.append(describe(m, reply));
                } else {
                    String d = m.content().describe();
                    sb.append(d == null ? "[" + m.type() + "]" : d);
                }
                if (sb.length() >= maxChars) {
                    break;
                }
            }
            if (sb.length() <= maxChars) {
                return sb.toString();
            }
            int end = maxChars;
            if (Character.isHighSurrogate(sb.charAt(end - 1))) {
                end--;
            }
            return sb.substring(0, end);
        }
    }

    /** How the notice names an item: {@code your voice message}, {@code your photo}, {@code your document invoice.pdf}. */
    static String itemName(InboundMessage m) {
        MediaContent media = (MediaContent) m.content();
        return switch (media.kind()) {
            case AUDIO -> media.voice() ? "your voice message" : "your audio";
            case IMAGE -> "your photo";
            case STICKER -> "your sticker";
            case VIDEO -> "your video";
            case DOCUMENT -> media.filename() == null || media.filename().isBlank() ? "your document"
                    : "your document " + media.filename();
        };
    }

    private static String join(List<String> items) {
        if (items.size() == 1) {
            return items.get(0);
        }
        return String.join(", ", items.subList(0, items.size() - 1)) + " and " + items.get(items.size() - 1);
    }
}
