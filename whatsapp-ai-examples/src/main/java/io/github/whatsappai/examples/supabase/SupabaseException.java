package io.github.whatsappai.examples.supabase;

import io.github.whatsappai.WhatsAppAiException;

/**
 * A Supabase (PostgREST) request failed: an HTTP error status, or the network after every retry.
 *
 * <p>Carries PostgREST's error fields when the response had them ({@code code} is a PostgreSQL
 * SQLState such as {@code 23505} or a PostgREST code such as {@code PGRST205}). The message never
 * contains the API key.
 */
public final class SupabaseException extends WhatsAppAiException {

    private static final long serialVersionUID = 1L;

    private final int status;
    private final String code;
    private final String details;
    private final String hint;
    private final boolean retryable;

    SupabaseException(String message, int status, String code, String details, String hint, boolean retryable,
                      Throwable cause) {
        super(message, cause);
        this.status = status;
        this.code = code;
        this.details = details;
        this.hint = hint;
        this.retryable = retryable;
    }

    /** The HTTP status, or {@code 0} when no response arrived (network failure). */
    public int status() {
        return status;
    }

    /** PostgREST's {@code code}, or {@code null}. */
    public String code() {
        return code;
    }

    /** PostgREST's {@code details}, or {@code null}. */
    public String details() {
        return details;
    }

    /** PostgREST's {@code hint}, or {@code null}. */
    public String hint() {
        return hint;
    }

    /**
     * Whether trying again later may succeed: {@code true} after network failures, 408, 429 and 5xx
     * responses that outlasted the retries; {@code false} for other 4xx responses (bad key,
     * missing table or column, constraint violation), which need a fix instead.
     */
    public boolean isRetryable() {
        return retryable;
    }
}
