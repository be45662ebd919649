package io.github.whatsappai.client;

/** Argument checks shared by the outbound message records; messages say which limit was broken. */
final class Limits {

    private Limits() {
    }

    static String required(String value, String what) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(what + " is required (got " + (value == null ? "null" : "a blank string") + ")");
        }
        return value;
    }

    static String max(String value, int max, String what) {
        if (value != null && value.length() > max) {
            throw new IllegalArgumentException(what + " is " + value.length() + " characters long; WhatsApp allows at most " + max);
        }
        return value;
    }

    static String requiredMax(String value, int max, String what) {
        return max(required(value, what), max, what);
    }

    static String optional(String value) {
        return value == null || value.isEmpty() ? null : value;
    }
}
