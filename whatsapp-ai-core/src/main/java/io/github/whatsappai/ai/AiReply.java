package io.github.whatsappai.ai;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * A responder's answer with what it cost.
 *
 * @param text the reply (may contain Markdown; the client converts it)
 * @param model the model that actually answered (after fallbacks), or the responder's name
 * @param promptTokens prompt tokens, or -1 when unknown
 * @param completionTokens completion tokens, or -1 when unknown
 * @param cost cost reported by the provider, or {@code null}
 * @param mediaNotes per {@linkplain AiRequest#media() attachment} of the request, in its order: the
 *        transcript of a voice message or a short description of an image or document, as the model
 *        wrote it, or {@code null} where it wrote none; empty for a request without media. History
 *        and the chat log keep these instead of the bytes.
 */
public record AiReply(String text, String model, int promptTokens, int completionTokens, BigDecimal cost,
                      List<String> mediaNotes) {

    public AiReply {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(model, "model");
        mediaNotes = mediaNotes == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(mediaNotes));
    }

    /** A reply without media notes. */
    public AiReply(String text, String model, int promptTokens, int completionTokens, BigDecimal cost) {
        this(text, model, promptTokens, completionTokens, cost, List.of());
    }

    /** The note for attachment {@code index}, or {@code null}. */
    public String mediaNote(int index) {
        return index >= 0 && index < mediaNotes.size() ? mediaNotes.get(index) : null;
    }

    /** A reply without usage figures. */
    public static AiReply of(String text, String model) {
        return new AiReply(text, model, -1, -1, null);
    }
}
