package io.github.whatsappai.ai;

import java.math.BigDecimal;
import java.util.Objects;

/**
 * A responder's answer with what it cost.
 *
 * @param text the reply (may contain Markdown; the client converts it)
 * @param model the model that actually answered (after fallbacks), or the responder's name
 * @param promptTokens prompt tokens, or -1 when unknown
 * @param completionTokens completion tokens, or -1 when unknown
 * @param cost cost reported by the provider, or {@code null}
 */
public record AiReply(String text, String model, int promptTokens, int completionTokens, BigDecimal cost) {

    public AiReply {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(model, "model");
    }

    /** A reply without usage figures. */
    public static AiReply of(String text, String model) {
        return new AiReply(text, model, -1, -1, null);
    }
}
