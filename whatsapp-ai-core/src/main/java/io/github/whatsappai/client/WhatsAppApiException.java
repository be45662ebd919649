package io.github.whatsappai.client;

import io.github.whatsappai.WhatsAppAiException;

import io.github.whatsappai.internal.http.JsonExchange;

import java.util.Set;

/**
 * A Graph API call failed: a non-2xx answer, a body with an {@code error} object (whatever the
 * HTTP status), or a network failure.
 *
 * <p>The fields are those of Graph's error object ({@code error.code}, {@code error_subcode},
 * {@code type}, {@code fbtrace_id}, {@code message}, {@code error_data.details}). Whether a call may
 * be retried is decided by {@link #code()}, not by the HTTP status: only when the body carried no
 * Graph code ({@link #NO_CODE}) does the status decide (5xx and 429 are retryable).
 *
 * <p>A network failure (connection refused or reset, timeout, I/O error) has {@link #httpStatus()}
 * {@code 0}, {@link #code()} {@link #NO_CODE}, {@link #isNetworkError()} {@code true}, the
 * underlying {@link java.io.IOException} as its cause, and is retryable. The message never contains
 * the access token, the request body or the recipient.
 *
 * <p>Immutable and thread-safe.
 */
public class WhatsAppApiException extends WhatsAppAiException {

    private static final long serialVersionUID = 1L;

    /** {@link #code()} when the answer carried no Graph error code (network failure, HTML 502 page, …). */
    public static final int NO_CODE = -1;

    /** Codes worth retrying with exponential backoff (see docs/whatsapp-protocol-notes.md). */
    static final Set<Integer> BACKOFF_CODES = Set.of(1, 2, 4, 80007, 130429, 131000, 131016, 133004);
    /** Account maintenance (e.g. a throughput upgrade): retried after about a minute. */
    static final int MAINTENANCE = 131057;
    /** The (business, user) pair rate limit: retried per recipient after 4^n seconds. */
    static final int PAIR_RATE_LIMIT = 131056;
    /** More than 24 hours since the user last wrote: only a template can reach them. */
    static final int RE_ENGAGEMENT = 131047;

    private final int httpStatus;
    private final int code;
    private final int errorSubcode;
    private final String type;
    private final String fbtraceId;
    private final String graphMessage;
    private final String details;

    /**
     * Creates an exception from the parts of a Graph error.
     *
     * @param httpStatus the HTTP status, or {@code 0} for a network failure
     * @param code {@code error.code}, or {@link #NO_CODE}
     * @param errorSubcode {@code error.error_subcode}, or {@code 0} when absent
     * @param type {@code error.type}, or {@code null}
     * @param fbtraceId {@code error.fbtrace_id}, or {@code null}
     * @param graphMessage {@code error.message}, or {@code null}
     * @param details {@code error.error_data.details}, or {@code null}
     * @param cause the underlying failure, or {@code null}
     */
    public WhatsAppApiException(int httpStatus, int code, int errorSubcode, String type, String fbtraceId,
                                String graphMessage, String details, Throwable cause) {
        super(describe(httpStatus, code, errorSubcode, graphMessage, details, fbtraceId, cause), cause);
        this.httpStatus = httpStatus;
        this.code = code;
        this.errorSubcode = errorSubcode;
        this.type = type;
        this.fbtraceId = fbtraceId;
        this.graphMessage = graphMessage;
        this.details = details;
    }

    /** A network failure: status 0, {@link #NO_CODE}, retryable. */
    static WhatsAppApiException network(Throwable cause) {
        return new WhatsAppApiException(0, NO_CODE, 0, null, null, null, null, cause);
    }

    private static String describe(int status, int code, int subcode, String message, String details,
                                   String fbtraceId, Throwable cause) {
        if (status == 0) {
            return "Graph API unreachable: " + (cause == null ? "network error"
                    : cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage()));
        }
        StringBuilder sb = new StringBuilder("Graph API error");
        if (code != NO_CODE) {
            sb.append(' ').append(code);
            if (subcode != 0) {
                sb.append('/').append(subcode);
            }
        }
        sb.append(" (HTTP ").append(status).append(')');
        if (message != null) {
            sb.append(": ").append(message);
        }
        if (details != null) {
            sb.append(" - ").append(details);
        }
        if (fbtraceId != null) {
            sb.append(" [fbtrace_id=").append(fbtraceId).append(']');
        }
        return sb.toString();
    }

    /** The HTTP status of the answer; {@code 0} for a network failure. */
    public int httpStatus() {
        return httpStatus;
    }

    /** Graph's {@code error.code}, or {@link #NO_CODE} when the answer carried none. */
    public int code() {
        return code;
    }

    /** Graph's {@code error.error_subcode}, or {@code 0} when absent. */
    public int errorSubcode() {
        return errorSubcode;
    }

    /** Graph's {@code error.type} (e.g. {@code OAuthException}), or {@code null}. */
    public String type() {
        return type;
    }

    /** Graph's {@code error.fbtrace_id}, to quote to Meta support, or {@code null}. */
    public String fbtraceId() {
        return fbtraceId;
    }

    /** Graph's {@code error.message}, or {@code null}. */
    public String graphMessage() {
        return graphMessage;
    }

    /** Graph's {@code error.error_data.details}, or {@code null}. */
    public String details() {
        return details;
    }

    /** Whether this is a network failure rather than an answer from the Graph API. */
    public boolean isNetworkError() {
        return httpStatus == 0;
    }

    /**
     * Whether sending the same request again later may succeed: the codes 1, 2, 4, 80007, 130429,
     * 131000, 131016, 133004, 131056 (after the pair-rate backoff) and 131057 (after about a
     * minute); without a Graph code, HTTP 5xx, 429 and network failures. Everything else (131047,
     * 131026, 100, 190, 368, 132xxx, unknown codes) is not retryable.
     */
    public boolean isRetryable() {
        if (code == NO_CODE) {
            return httpStatus == 0 || httpStatus == 429 || httpStatus >= 500;
        }
        return BACKOFF_CODES.contains(code) || code == PAIR_RATE_LIMIT || code == MAINTENANCE;
    }

    /**
     * Whether Meta may have received the request although no answer says so: a timeout or a broken
     * connection once the request was written, or a 5xx other than 503 without a Graph error (a
     * gateway between us and Meta gave up). A refused connection, a connect timeout or a 503 (the
     * service turned the request away) surely did not deliver the message. A send
     * that failed this way must not be repeated blindly: the message may already be on the user's
     * phone, and only a status webhook can tell.
     */
    public boolean mayHaveArrived() {
        if (isNetworkError()) {
            return JsonExchange.transport(getCause()) != JsonExchange.Transport.NOT_SENT;
        }
        return code == NO_CODE && httpStatus >= 500 && httpStatus != 503;
    }
}
