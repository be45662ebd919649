package io.github.whatsappai.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.whatsappai.internal.http.JsonExchange;

/**
 * Reads Graph API answers: the JSON of a 2xx answer, and the {@link WhatsAppApiException} for a
 * non-2xx answer or a body with an {@code error} object (whatever the status). Thread-safe.
 */
final class GraphErrors {

    private static final int MAX_DETAIL_CHARS = 200;

    private final ObjectMapper mapper;

    GraphErrors(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** The exception for a non-2xx answer or a 2xx answer with an {@code error} object. */
    WhatsAppApiException errorFrom(JsonExchange.Response response) {
        JsonNode root = response.jsonOrNull(mapper);
        JsonNode error = root == null ? null : root.get("error");
        int status = response.status();
        if (error == null || !error.isObject()) {
            return new WhatsAppApiException(status, WhatsAppApiException.NO_CODE, 0, null, null,
                    "HTTP " + status + " without a Graph error object", response.snippet(MAX_DETAIL_CHARS), null);
        }
        int code = error.path("code").asInt(WhatsAppApiException.NO_CODE);
        int subcode = error.path("error_subcode").asInt(0);
        String type = text(error, "type");
        String trace = text(error, "fbtrace_id");
        String message = text(error, "message");
        String details = text(error.path("error_data"), "details");
        if (code == WhatsAppApiException.RE_ENGAGEMENT) {
            return new ReEngagementRequiredException(status, subcode, type, trace, message, details);
        }
        return new WhatsAppApiException(status, code, subcode, type, trace, message, details, null);
    }

    /** The JSON of a 2xx answer; an {@code error} object in it is thrown as such. */
    JsonNode parseJson(JsonExchange.Response response) {
        JsonNode root = response.jsonOrNull(mapper);
        if (root == null) {
            throw unexpected(response.status(), "answer is not JSON");
        }
        if (root.has("error")) {
            throw errorFrom(response);
        }
        return root;
    }

    static WhatsAppApiException unexpected(int status, String what) {
        return new WhatsAppApiException(status, WhatsAppApiException.NO_CODE, 0, null, null, what, null, null);
    }

    static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
