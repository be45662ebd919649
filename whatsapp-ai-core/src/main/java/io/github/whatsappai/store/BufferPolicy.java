package io.github.whatsappai.store;

import io.github.whatsappai.internal.SettingsCheck;

import java.time.Duration;

/**
 * When a conversation's burst becomes due: after {@code window} without a new message, at the latest
 * {@code maxWait} after its first message, or at once when it holds {@code maxBatchSize} messages.
 * Immutable; the constructor checks every value and reports all problems in one
 * {@link IllegalArgumentException}.
 *
 * @param window quiet window restarted by every message (default 15 s), positive
 * @param maxWait longest wait after the first message (default 60 s), not shorter than the window
 * @param maxBatchSize messages that make a batch due at once (default 20), positive
 */
public record BufferPolicy(Duration window, Duration maxWait, int maxBatchSize) {

    public BufferPolicy {
        new SettingsCheck("BufferPolicy")
                .positive("window", window)
                .positive("maxWait", maxWait)
                .problemIf(window != null && maxWait != null && maxWait.compareTo(window) < 0, "maxWait",
                        "(" + maxWait + ") must not be shorter than {window} (" + window + ")")
                .positive("maxBatchSize", maxBatchSize)
                .done();
    }

    /** 15 s window, 60 s maximum wait, 20 messages. */
    public static BufferPolicy defaults() {
        return builder().build();
    }

    /** A builder with the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding these values, to derive a changed copy. */
    public Builder toBuilder() {
        return new Builder().window(window).maxWait(maxWait).maxBatchSize(maxBatchSize);
    }

    /** Builds a {@link BufferPolicy}; not thread-safe. */
    public static final class Builder {
        private Duration window = Duration.ofSeconds(15);
        private Duration maxWait = Duration.ofSeconds(60);
        private int maxBatchSize = 20;

        private Builder() {
        }

        /** The quiet window; default 15 s. */
        public Builder window(Duration window) {
            this.window = window;
            return this;
        }

        /** The longest wait after a burst's first message; default 60 s. */
        public Builder maxWait(Duration maxWait) {
            this.maxWait = maxWait;
            return this;
        }

        /** Messages that make a batch due at once; default 20. */
        public Builder maxBatchSize(int size) {
            this.maxBatchSize = size;
            return this;
        }

        /**
         * Checks every value and builds the policy.
         *
         * @throws IllegalArgumentException naming every invalid value
         */
        public BufferPolicy build() {
            return new BufferPolicy(window, maxWait, maxBatchSize);
        }
    }
}
