package io.github.whatsappai.examples.supabase;

import io.github.whatsappai.WhatsAppAiException;

/**
 * A Supabase (PostgREST) request failed: an HTTP error status, or the network after every retry.
 *
 * <p>Carries PostgREST's error fields when the response had them ({@code code} is a PostgreSQL
 * SQLState such as {@code 23505} or a PostgREST code such as {@code PGRST205}). The message names
 * the operation, the HTTP status, the code and a fixed description of it with what to check; it
 * never copies PostgREST's {@code message}, {@code details} or {@code hint}, nor a body that is not
 * PostgREST's JSON, because they can quote the values of a row or of the request
 * ({@code Key (wa_id)=(…) already exists}, {@code Failing row contains (…)}). Read them through
 * {@link #serverMessage()}, {@link #details()} and {@link #hint()} when debugging, and keep them out
 * of logs. The message never contains the API key.
 */
public final class SupabaseException extends WhatsAppAiException {

    private static final long serialVersionUID = 1L;

    private final int status;
    private final String code;
    private final String serverMessage;
    private final String details;
    private final String hint;
    private final boolean retryable;

    SupabaseException(String message, int status, String code, String serverMessage, String details, String hint,
                      boolean retryable, Throwable cause) {
        super(message, cause);
        this.status = status;
        this.code = code;
        this.serverMessage = serverMessage;
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

    /**
     * PostgREST's {@code message}, or the start of a response body that was not PostgREST's JSON, or
     * {@code null}. May quote personal data: not part of {@link #getMessage()}.
     */
    public String serverMessage() {
        return serverMessage;
    }

    /** PostgREST's {@code details}, or {@code null}. May quote a row's values: not part of {@link #getMessage()}. */
    public String details() {
        return details;
    }

    /** PostgREST's {@code hint}, or {@code null}. Not part of {@link #getMessage()}. */
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
