package io.github.whatsappai.event;

/**
 * Receives every {@link Event}. Called synchronously on the thread where the event happened (often
 * the webhook request thread), so an implementation must be fast, thread-safe and must not throw;
 * an exception it throws is logged and otherwise ignored.
 */
@FunctionalInterface
public interface EventListener {

    void onEvent(Event event);

    /** A listener that ignores everything. */
    static EventListener noop() {
        return event -> { };
    }

    /** A listener that passes each event to {@code this}, then to {@code other}. */
    default EventListener andThen(EventListener other) {
        return event -> {
            try {
                onEvent(event);
            } finally {
                other.onEvent(event);
            }
        };
    }
}
