package io.github.whatsappai.internal.retry;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/** Reads a server's requested delay ({@code Retry-After} and its JSON cousins). */
public final class RetryAfter {

    private RetryAfter() {
    }

    /**
     * Reads a {@code Retry-After} value: delay seconds (a decimal fraction is tolerated) or an
     * HTTP-date, relative to {@code now}; a date in the past is zero.
     *
     * @return the delay, or {@code null} when the value is blank or unreadable
     */
    public static Duration parse(String value, Instant now) {
        if (value == null) {
            return null;
        }
        String v = value.strip();
        if (v.isEmpty()) {
            return null;
        }
        try {
            double seconds = Double.parseDouble(v);
            if (Double.isNaN(seconds) || seconds < 0) {
                return null;
            }
            return Duration.ofMillis((long) Math.min(seconds * 1000, Long.MAX_VALUE / 2.0));
        } catch (NumberFormatException notNumeric) {
            try {
                Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                return at.isAfter(now) ? Duration.between(now, at) : Duration.ZERO;
            } catch (DateTimeParseException notDate) {
                return null;
            }
        }
    }
}
