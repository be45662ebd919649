package io.github.whatsappai.webhook;

import io.github.whatsappai.internal.SettingsCheck;

import java.time.Duration;

/**
 * The limits of the guards between parsing and the hand-off: stale messages, de-duplication, the
 * per-sender rate limit and the length of one message. Immutable; the constructor checks every value
 * and reports all problems in one {@link IllegalArgumentException}.
 *
 * @param maxMessageAge messages older than this (by their webhook timestamp) are ignored instead of
 *        answered (default 24 h); positive
 * @param dedupCapacity message ids remembered for de-duplication (default 200,000); positive
 * @param rateLimitPerMinute messages per sender per minute (default 20); positive
 * @param maxMessageChars longest text kept of one inbound message after sanitising (default 4096); positive
 */
public record GuardSettings(Duration maxMessageAge, int dedupCapacity, int rateLimitPerMinute, int maxMessageChars) {

    public GuardSettings {
        new SettingsCheck("GuardSettings")
                .positive("maxMessageAge", maxMessageAge)
                .positive("dedupCapacity", dedupCapacity)
                .positive("rateLimitPerMinute", rateLimitPerMinute)
                .positive("maxMessageChars", maxMessageChars)
                .done();
    }

    /** 24 h maximum age, 200,000 ids, 20 messages per minute, 4096 characters. */
    public static GuardSettings defaults() {
        return builder().build();
    }

    /** A builder with the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding these values, to derive a changed copy. */
    public Builder toBuilder() {
        return new Builder().maxMessageAge(maxMessageAge).dedupCapacity(dedupCapacity)
                .rateLimitPerMinute(rateLimitPerMinute).maxMessageChars(maxMessageChars);
    }

    /** Builds {@link GuardSettings}; not thread-safe. */
    public static final class Builder {
        private Duration maxMessageAge = Duration.ofHours(24);
        private int dedupCapacity = 200_000;
        private int rateLimitPerMinute = 20;
        private int maxMessageChars = 4096;

        private Builder() {
        }

        /** Older messages are ignored; default 24 h. */
        public Builder maxMessageAge(Duration age) {
            this.maxMessageAge = age;
            return this;
        }

        /** Message ids remembered; default 200,000. */
        public Builder dedupCapacity(int capacity) {
            this.dedupCapacity = capacity;
            return this;
        }

        /** Messages per sender per minute; default 20. */
        public Builder rateLimitPerMinute(int perMinute) {
            this.rateLimitPerMinute = perMinute;
            return this;
        }

        /** Longest text kept of one message; default 4096. */
        public Builder maxMessageChars(int chars) {
            this.maxMessageChars = chars;
            return this;
        }

        /**
         * Checks every value and builds the settings.
         *
         * @throws IllegalArgumentException naming every invalid value
         */
        public GuardSettings build() {
            return new GuardSettings(maxMessageAge, dedupCapacity, rateLimitPerMinute, maxMessageChars);
        }
    }
}
