package io.github.whatsappai.conversation;

import io.github.whatsappai.internal.SettingsCheck;

import java.time.Duration;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * How the conversation engine keeps sessions and builds the prompt: the idle timeout, the history
 * window, the cap on a burst's text, the reset words and the fixed texts it sends itself. Immutable;
 * the constructor checks every value and reports all problems in one {@link IllegalArgumentException}.
 *
 * @param sessionIdleTimeout inactivity after which a new session starts (default 24 h); positive
 * @param historyMaxTurns most history turns put in the prompt (default 20); positive
 * @param historyMaxChars most history characters put in the prompt (default 8000); positive
 * @param maxBatchChars longest merged text of one burst handed to the AI (default 16,000); positive
 * @param sessionResetWords words that, sent alone, start a new session (default {@code /reset},
 *        {@code /new}); kept stripped and lower-case, blank ones dropped
 * @param messages the fixed texts (default {@link Messages#defaults()})
 * @param expiredReplyTemplate the approved template sent instead of a reply that could not be sent
 *        before WhatsApp's 24-hour customer-service window closed, or {@code null} (the default) to
 *        send nothing and only report it
 */
public record ConversationSettings(Duration sessionIdleTimeout, int historyMaxTurns, int historyMaxChars,
                                   int maxBatchChars, Set<String> sessionResetWords, Messages messages,
                                   ReplyTemplate expiredReplyTemplate) {

    public ConversationSettings {
        SettingsCheck check = new SettingsCheck("ConversationSettings")
                .positive("sessionIdleTimeout", sessionIdleTimeout)
                .positive("historyMaxTurns", historyMaxTurns)
                .positive("historyMaxChars", historyMaxChars)
                .positive("maxBatchChars", maxBatchChars)
                .notNull("messages", messages);
        Set<String> words = new LinkedHashSet<>();
        if (sessionResetWords != null) {
            for (String w : sessionResetWords) {
                if (w != null && !w.isBlank()) {
                    words.add(w.strip().toLowerCase(Locale.ROOT));
                }
            }
        }
        sessionResetWords = Collections.unmodifiableSet(words);
        check.done();
    }

    /**
     * An approved message template without parameters, sent once in place of a reply that expired;
     * only templates reach a user after the 24-hour window. Approve one in WhatsApp Manager first,
     * for example "Sorry, we could not answer in time. Write to us again and we will reply."
     *
     * @param name the template's name
     * @param languageCode its language, e.g. {@code en_US} or {@code id}
     */
    public record ReplyTemplate(String name, String languageCode) {

        /** Checks both values. */
        public ReplyTemplate {
            new SettingsCheck("ReplyTemplate")
                    .notBlank("name", name)
                    .problemIf(languageCode == null || !languageCode.matches("[a-z]{2,3}(_[A-Z]{2})?"),
                            "languageCode", "must look like en_US or id, was '" + languageCode + "'")
                    .done();
        }

        /**
         * Reads {@code name} or {@code name:language}; the language defaults to {@code en_US}.
         *
         * @throws IllegalArgumentException when the name is blank or the language malformed
         */
        public static ReplyTemplate parse(String text) {
            String t = text == null ? "" : text.strip();
            int colon = t.lastIndexOf(':');
            return colon < 0 ? new ReplyTemplate(t, "en_US")
                    : new ReplyTemplate(t.substring(0, colon).strip(), t.substring(colon + 1).strip());
        }
    }

    /** Every default. */
    public static ConversationSettings defaults() {
        return builder().build();
    }

    /** A builder with the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding these values, to derive a changed copy. */
    public Builder toBuilder() {
        return new Builder().sessionIdleTimeout(sessionIdleTimeout).historyMaxTurns(historyMaxTurns)
                .historyMaxChars(historyMaxChars).maxBatchChars(maxBatchChars)
                .sessionResetWords(sessionResetWords).messages(messages).expiredReplyTemplate(expiredReplyTemplate);
    }

    /**
     * The fixed texts the assistant sends itself. Every one is configurable; defaults are short
     * English sentences.
     *
     * @param greeting answer to {@code request_welcome} (a user opening the chat for the first time)
     * @param unsupportedFallback answer to a message type WhatsApp could not deliver (polls, view-once)
     * @param rateLimitNotice sent once per minute at most to a sender over the rate limit
     * @param aiFailureApology sent when the AI provider failed after its retries
     * @param outOfCredits sent instead of an AI reply when the credit gate refuses
     * @param temporarilyUnavailable sent when storage stayed down after the batch's retries
     * @param sessionReset confirmation after a reset word
     */
    public record Messages(String greeting, String unsupportedFallback, String rateLimitNotice,
                           String aiFailureApology, String outOfCredits, String temporarilyUnavailable,
                           String sessionReset) {

        public Messages {
            Objects.requireNonNull(greeting, "greeting");
            Objects.requireNonNull(unsupportedFallback, "unsupportedFallback");
            Objects.requireNonNull(rateLimitNotice, "rateLimitNotice");
            Objects.requireNonNull(aiFailureApology, "aiFailureApology");
            Objects.requireNonNull(outOfCredits, "outOfCredits");
            Objects.requireNonNull(temporarilyUnavailable, "temporarilyUnavailable");
            Objects.requireNonNull(sessionReset, "sessionReset");
        }

        /** The default English texts. */
        public static Messages defaults() {
            return new Messages(
                    "Hello! I'm the virtual assistant. Ask me anything and I'll do my best to help.",
                    "Sorry, I can't read that kind of message. Could you send it as text?",
                    "You're sending messages very quickly. Please wait a moment; I'll answer shortly.",
                    "Sorry, I can't answer right now. Please try again in a few minutes.",
                    "You have no credits left for assistant replies.",
                    "Sorry, the service is temporarily unavailable. Please try again later.",
                    "Starting a new conversation. How can I help?");
        }
    }

    /** Builds {@link ConversationSettings}; not thread-safe. */
    public static final class Builder {
        private Duration sessionIdleTimeout = Duration.ofHours(24);
        private int historyMaxTurns = 20;
        private int historyMaxChars = 8_000;
        private int maxBatchChars = 16_000;
        private Set<String> sessionResetWords = new LinkedHashSet<>(List.of("/reset", "/new"));
        private Messages messages = Messages.defaults();
        private ReplyTemplate expiredReplyTemplate;

        private Builder() {
        }

        /** Inactivity that starts a new session; default 24 h. */
        public Builder sessionIdleTimeout(Duration timeout) {
            this.sessionIdleTimeout = timeout;
            return this;
        }

        /** Most history turns in the prompt; default 20. */
        public Builder historyMaxTurns(int turns) {
            this.historyMaxTurns = turns;
            return this;
        }

        /** Most history characters in the prompt; default 8000. */
        public Builder historyMaxChars(int chars) {
            this.historyMaxChars = chars;
            return this;
        }

        /** Longest merged text of one burst handed to the AI; default 16,000. */
        public Builder maxBatchChars(int chars) {
            this.maxBatchChars = chars;
            return this;
        }

        /** Words that, sent alone, start a new session (case is ignored); default {@code /reset}, {@code /new}. */
        public Builder sessionResetWords(Collection<String> words) {
            this.sessionResetWords = new LinkedHashSet<>(words);
            return this;
        }

        /** The fixed texts; default {@link Messages#defaults()}. */
        public Builder messages(Messages messages) {
            this.messages = messages;
            return this;
        }

        /** The template sent in place of a reply that expired; default none (see {@link ReplyTemplate}). */
        public Builder expiredReplyTemplate(ReplyTemplate template) {
            this.expiredReplyTemplate = template;
            return this;
        }

        /**
         * Checks every value and builds the settings.
         *
         * @throws IllegalArgumentException naming every invalid value
         */
        public ConversationSettings build() {
            return new ConversationSettings(sessionIdleTimeout, historyMaxTurns, historyMaxChars, maxBatchChars,
                    sessionResetWords, messages, expiredReplyTemplate);
        }
    }
}
