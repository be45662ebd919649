package io.github.whatsappai.internal;

/** Masks personal data and secrets before they reach a log line or an exception message. */
public final class Redaction {

    private Redaction() {
    }

    /**
     * Masks a phone number, wa_id or business-scoped user id, keeping enough to correlate log
     * lines: {@code 15555550123} becomes {@code 155******23}; {@code US.1349120865} becomes
     * {@code US.13******65}. {@code null} stays {@code "-"}.
     */
    public static String maskId(String id) {
        if (id == null || id.isEmpty()) {
            return "-";
        }
        int dot = id.indexOf('.');
        int keepStart = dot >= 0 ? Math.min(dot + 3, id.length()) : Math.min(3, id.length());
        int keepEnd = 2;
        if (id.length() <= keepStart + keepEnd) {
            return "*".repeat(id.length());
        }
        return id.substring(0, keepStart) + "*".repeat(id.length() - keepStart - keepEnd)
                + id.substring(id.length() - keepEnd);
    }

    /** Masks a secret entirely except for its length class: never prints any of its characters. */
    public static String maskSecret(String secret) {
        return secret == null || secret.isEmpty() ? "(unset)" : "****";
    }
}
