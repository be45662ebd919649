package io.github.whatsappai.spi;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class InMemoryChatLoggerTest extends ChatLoggerContract {

    @Override
    protected ChatLogger createChatLogger() {
        return new InMemoryChatLogger();
    }

    @Override
    protected List<ChatLogEntry> readBack(ChatLogger logger, String sessionId) {
        return ((InMemoryChatLogger) logger).entriesForSession(sessionId);
    }

    @Test
    void dropsTheOldestEntriesBeyondItsCapacity() {
        InMemoryChatLogger logger = new InMemoryChatLogger(2);
        Instant t = Instant.parse("2026-03-01T10:00:00Z");
        logger.log(List.of(inbound("s", "u1", "w1", "one", t), inbound("s", "u2", "w2", "two", t)));
        logger.log(List.of(inbound("s", "u1", "w3", "three", t)));
        assertThat(logger.entries()).extracting(ChatLogEntry::content).containsExactly("two", "three");
        assertThat(logger.entriesFor("u1")).extracting(ChatLogEntry::content).containsExactly("three");
        assertThat(logger.size()).isEqualTo(2);
        logger.clear();
        assertThat(logger.entries()).isEmpty();
    }
}
