package io.github.whatsappai.ai;

/**
 * Makes text that came from the provider (error messages, types, model names) fit for an exception
 * message or a log line: control characters become spaces, the API key and the user's own text
 * (which some errors echo back) are replaced, and the length is capped. Thread-safe.
 */
final class ProviderTextRedactor {

    /** Longest provider text quoted. */
    static final int MAX_CHARS = 300;
    /** User text shorter than this is not searched for (it would match too much). */
    private static final int MIN_USER_TEXT = 4;

    private final String apiKey;

    ProviderTextRedactor(String apiKey) {
        this.apiKey = apiKey;
    }

    /** {@code text} cleaned; {@code userTurn} is the burst's user text, replaced by {@code [user text]}. */
    String redact(String text, String userTurn) {
        String cleaned = text.replaceAll("\\p{Cntrl}", " ");
        cleaned = cleaned.replace(apiKey, "****");
        String user = userTurn == null ? "" : userTurn.strip();
        if (user.length() >= MIN_USER_TEXT) {
            cleaned = cleaned.replace(user, "[user text]");
        }
        return cleaned.length() > MAX_CHARS ? PromptAssembler.truncate(cleaned, MAX_CHARS) + "…" : cleaned;
    }
}
