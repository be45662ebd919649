package io.github.whatsappai.examples.demo;

import io.github.whatsappai.ai.AiReply;
import io.github.whatsappai.ai.AiRequest;
import io.github.whatsappai.ai.AiResponder;
import io.github.whatsappai.ai.MediaAttachment;
import io.github.whatsappai.webhook.model.TextContent;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The demo's offline responder: the knowledge-base responder for text, and, for a burst with media,
 * a line saying what arrived (kind, type and size of each file), so the media path can be tried
 * without an API key. Its notes for the log are those lines. Thread-safe.
 */
final class OfflineMediaResponder implements AiResponder {

    private final AiResponder text;

    OfflineMediaResponder(AiResponder text) {
        this.text = text;
    }

    @Override
    public boolean acceptsMedia() {
        return true;
    }

    @Override
    public AiReply respond(AiRequest request) {
        if (!request.hasMedia()) {
            return text.respond(request);
        }
        List<String> received = new ArrayList<>();
        for (MediaAttachment a : request.media()) {
            received.add(a.label() + " (" + a.mimeType() + ", " + size(a.size()) + ")");
        }
        StringBuilder reply = new StringBuilder("I received ").append(String.join(", ", received))
                .append(". Offline I can't listen to or look at files; set OPENROUTER_API_KEY and OPENROUTER_MEDIA_MODEL "
                        + "for answers about them.");
        boolean typed = request.messages().stream().anyMatch(m -> m.content() instanceof TextContent t
                && t.body() != null && !t.body().isBlank());
        if (typed) {
            reply.append("\n\n").append(text.respond(request).text());
        }
        List<String> notes = new ArrayList<>();
        for (MediaAttachment a : request.media()) {
            notes.add("(" + a.mimeType() + ", " + size(a.size()) + ", not transcribed offline)");
        }
        return new AiReply(reply.toString(), "offline", -1, -1, null, notes);
    }

    private static String size(int bytes) {
        return bytes < 1024 ? bytes + " bytes" : String.format(Locale.ROOT, "%.1f KB", bytes / 1024.0);
    }
}
