package io.github.whatsappai.ai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.math.BigDecimal;

/**
 * Reads a 2xx chat-completions answer into an {@link AiReply}, or into the failure it really is:
 * an {@code error} object at the top or in {@code choices[0]}, {@code finish_reason: "error"},
 * empty or missing content, or a body that is not a JSON object. Content given as parts is joined.
 * Thread-safe.
 */
final class OpenRouterReplyParser {

    private final ObjectMapper json;
    private final OpenRouterErrors errors;
    private final String defaultModel;

    OpenRouterReplyParser(ObjectMapper json, OpenRouterErrors errors, String defaultModel) {
        this.json = json;
        this.errors = errors;
        this.defaultModel = defaultModel;
    }

    /**
     * The reply in a 2xx body.
     *
     * @throws OpenRouterFailure when the body holds no usable reply
     */
    AiReply parse(int status, byte[] body, String userTurn) throws OpenRouterFailure {
        return parse(status, body, userTurn, 0, defaultModel);
    }

    /**
     * The reply in a 2xx body to a request with {@code attachments} media attachments: the media
     * notes block is cut from the text into {@link AiReply#mediaNotes()}.
     *
     * @param model the model asked, reported when the body names none
     * @throws OpenRouterFailure when the body holds no usable reply (also when only notes came back)
     */
    AiReply parse(int status, byte[] body, String userTurn, int attachments, String model) throws OpenRouterFailure {
        Completion c = completion(status, body, userTurn, model);
        MediaNotes.Split split = MediaNotes.split(c.content(), attachments);
        if (split.answer().isEmpty()) {
            throw OpenRouterErrors.malformed(status, "with media notes but no answer", null);
        }
        return new AiReply(split.answer(), c.model(), c.promptTokens(), c.completionTokens(), c.cost(), split.notes());
    }

    /**
     * What a 2xx body holds, before any reading of the text.
     *
     * @param content the message text, stripped, never empty
     * @param model the model that answered, or the one asked when the body names none
     * @param promptTokens prompt tokens, or -1
     * @param completionTokens completion tokens, or -1
     * @param cost the reported cost, or {@code null}
     * @param finishReason {@code finish_reason}, or empty
     */
    record Completion(String content, String model, int promptTokens, int completionTokens, BigDecimal cost,
                      String finishReason) {
    }

    /**
     * The completion in a 2xx body.
     *
     * @param model the model asked, reported when the body names none
     * @throws OpenRouterFailure when the body holds an error or no text
     */
    Completion completion(int status, byte[] body, String userTurn, String model) throws OpenRouterFailure {
        JsonNode root;
        try {
            root = json.readTree(body);
        } catch (IOException e) {
            throw OpenRouterErrors.malformed(status, "with a body that is not JSON", e);
        }
        if (root == null || !root.isObject()) {
            throw OpenRouterErrors.malformed(status, "with a body that is not a JSON object", null);
        }
        JsonNode error = root.get("error");
        if (error != null && !error.isNull()) {
            throw errors.inBody(status, "error in the body", error, userTurn);
        }
        JsonNode choice = root.path("choices").path(0);
        if (!choice.isObject()) {
            throw OpenRouterErrors.malformed(status, "without choices", null);
        }
        JsonNode choiceError = choice.get("error");
        if (choiceError != null && !choiceError.isNull()) {
            throw errors.inBody(status, "error in choices[0]", choiceError, userTurn);
        }
        String finishReason = choice.path("finish_reason").asText("");
        if ("error".equals(finishReason)) {
            throw OpenRouterErrors.malformed(status, "with finish_reason \"error\"", null);
        }
        String content = contentText(choice.path("message").path("content")).strip();
        if (content.isEmpty()) {
            throw OpenRouterErrors.malformed(status, "with empty content"
                    + (finishReason.isEmpty() ? "" : " (finish_reason \"" + finishReason + "\")"), null);
        }
        String usedModel = root.path("model").asText("");
        JsonNode usage = root.path("usage");
        JsonNode cost = usage.path("cost");
        return new Completion(content, usedModel.isBlank() ? model : usedModel,
                usage.path("prompt_tokens").asInt(-1), usage.path("completion_tokens").asInt(-1),
                cost.isNumber() ? cost.decimalValue() : null, finishReason);
    }

    /** The message content: a string, or the concatenated text of content parts. */
    private static String contentText(JsonNode content) {
        if (content.isTextual()) {
            return content.asText();
        }
        if (content.isArray()) {
            StringBuilder text = new StringBuilder();
            for (JsonNode part : content) {
                if (part.path("text").isTextual()) {
                    text.append(part.path("text").asText());
                }
            }
            return text.toString();
        }
        return "";
    }
}
