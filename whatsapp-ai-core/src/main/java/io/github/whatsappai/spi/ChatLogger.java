package io.github.whatsappai.spi;

import java.util.List;

/**
 * Stores the chat log (the application's existing chat logger, e.g. Supabase).
 *
 * <p>Called from worker threads, never from the webhook request thread. Must be thread-safe and
 * idempotent on {@link ChatLogEntry#idempotencyKey()}: the pipeline retries failed writes from a
 * bounded queue, so the same entry may arrive more than once. A failure never blocks or drops a
 * reply.
 */
@FunctionalInterface
public interface ChatLogger {

    /**
     * Stores {@code entries} (one or more, in order).
     *
     * @throws RuntimeException when storage is unavailable; the entries are retried later
     */
    void log(List<ChatLogEntry> entries);
}
