package io.github.whatsappai.client;

/**
 * Graph error 131047: more than 24 hours have passed since the user last wrote, so a free-form
 * message cannot reach them; only a template can (or wait for the user to write). Never retried.
 * Immutable and thread-safe.
 */
public class ReEngagementRequiredException extends WhatsAppApiException {

    private static final long serialVersionUID = 1L;

    /** Creates the exception; the parameters are those of {@link WhatsAppApiException}. */
    public ReEngagementRequiredException(int httpStatus, int errorSubcode, String type, String fbtraceId,
                                         String graphMessage, String details) {
        super(httpStatus, RE_ENGAGEMENT, errorSubcode, type, fbtraceId, graphMessage, details, null);
    }
}
