package io.github.whatsappai.buffer;

import io.github.whatsappai.WhatsAppAiConfig;

import java.time.Duration;
import java.util.Objects;

/**
 * When a conversation's burst becomes due: after {@code window} without a new message, at the latest
 * {@code maxWait} after its first message, or at once when it holds {@code maxBatchSize} messages.
 *
 * @param window quiet window restarted by every message (default 15 s), positive
 * @param maxWait longest wait after the first message (default 60 s), not shorter than the window
 * @param maxBatchSize messages that make a batch due at once (default 20), positive
 */
public record BufferPolicy(Duration window, Duration maxWait, int maxBatchSize) {

    public BufferPolicy {
        Objects.requireNonNull(window, "window");
        Objects.requireNonNull(maxWait, "maxWait");
        if (window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("window must be positive, was " + window);
        }
        if (maxWait.compareTo(window) < 0) {
            throw new IllegalArgumentException("maxWait (" + maxWait + ") must not be shorter than window ("
                    + window + ")");
        }
        if (maxBatchSize <= 0) {
            throw new IllegalArgumentException("maxBatchSize must be positive, was " + maxBatchSize);
        }
    }

    /** 15 s window, 60 s maximum wait, 20 messages. */
    public static BufferPolicy defaults() {
        return new BufferPolicy(Duration.ofSeconds(15), Duration.ofSeconds(60), 20);
    }

    /** The buffer settings of {@code config}. */
    public static BufferPolicy from(WhatsAppAiConfig config) {
        return new BufferPolicy(config.bufferWindow(), config.bufferMaxWait(), config.bufferMaxBatchSize());
    }
}
