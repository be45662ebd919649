package io.github.whatsappai;

import io.github.whatsappai.event.Event;
import io.github.whatsappai.event.EventListener;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Shared test helpers: fixture bytes, a test configuration and an event recorder. */
public final class Fixtures {

    public static final String SECRET = "test_app_secret_do_not_use";
    public static final String OLD_SECRET = "previous_app_secret_do_not_use";
    public static final String VERIFY_TOKEN = "verify-token-for-tests";
    public static final String PHONE_NUMBER_ID = "100000000000001";
    public static final String WABA_ID = "200000000000002";
    /** The fixtures' timestamps are around 1786000000; a clock shortly after them. */
    public static final Instant NOW = Instant.ofEpochSecond(1_786_000_800L);

    private Fixtures() {
    }

    /** The exact bytes of a payload fixture. */
    public static byte[] payload(String name) {
        try (InputStream in = Fixtures.class.getResourceAsStream("/payloads/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static WhatsAppAiConfig.Builder config() {
        return WhatsAppAiConfig.builder()
                .appSecrets(SECRET, OLD_SECRET)
                .verifyToken(VERIFY_TOKEN)
                .phoneNumberIds(PHONE_NUMBER_ID);
    }

    public static Clock clockAt(Instant instant) {
        return Clock.fixed(instant, ZoneOffset.UTC);
    }

    /** Records every event. Thread-safe. */
    public static final class Recorder implements EventListener {
        public final List<Event> events = new CopyOnWriteArrayList<>();

        @Override
        public void onEvent(Event event) {
            events.add(event);
        }

        public <E extends Event> List<E> of(Class<E> type) {
            return events.stream().filter(type::isInstance).map(type::cast).toList();
        }
    }
}
