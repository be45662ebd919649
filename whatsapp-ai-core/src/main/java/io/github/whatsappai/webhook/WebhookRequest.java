package io.github.whatsappai.webhook;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A framework-neutral HTTP request as an adapter hands it to
 * {@link io.github.whatsappai.WhatsAppAi#handle(WebhookRequest)}.
 *
 * <p>The body is the raw bytes exactly as received: the signature is computed over them, so an
 * adapter must never decode and re-encode them. Header names are case-insensitive; the canonical
 * constructor copies the headers into an immutable case-insensitive map (merging names that differ
 * only in case), and skips the copy when given the {@link #headers()} of another request.
 *
 * @param method HTTP method, e.g. {@code GET} or {@code POST}
 * @param path request path, for logs only
 * @param queryParameters decoded query parameters ({@code hub.mode} keeps its dot)
 * @param headers header values by name, case-insensitive
 * @param body the raw body; empty for GET
 */
public record WebhookRequest(String method, String path, Map<String, List<String>> queryParameters,
                             Map<String, List<String>> headers, byte[] body) {

    public WebhookRequest {
        Objects.requireNonNull(method, "method");
        path = path == null ? "" : path;
        queryParameters = Map.copyOf(Objects.requireNonNull(queryParameters, "queryParameters"));
        headers = HeaderMap.of(Objects.requireNonNull(headers, "headers"));
        body = body == null ? new byte[0] : body;
    }

    /** A GET request with the given query parameters. */
    public static WebhookRequest get(String path, Map<String, String> query) {
        Map<String, List<String>> q = new TreeMap<>();
        query.forEach((k, v) -> q.put(k, List.of(v)));
        return new WebhookRequest("GET", path, q, Map.of(), new byte[0]);
    }

    /** A POST request with the given headers and raw body. */
    public static WebhookRequest post(String path, Map<String, String> headers, byte[] body) {
        Map<String, List<String>> h = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        headers.forEach((k, v) -> h.put(k, List.of(v)));
        return new WebhookRequest("POST", path, Map.of(), h, body);
    }

    /** The first value of a header, case-insensitively, or {@code null}. */
    public String header(String name) {
        List<String> values = headers.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    /** The first value of a query parameter, or {@code null}. */
    public String queryParameter(String name) {
        List<String> values = queryParameters.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    /** Whether this is a request with the given method, case-insensitively. */
    public boolean isMethod(String name) {
        return method.equalsIgnoreCase(name);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof WebhookRequest r && method.equals(r.method) && path.equals(r.path)
                && queryParameters.equals(r.queryParameters) && headers.equals(r.headers)
                && Arrays.equals(body, r.body);
    }

    @Override
    public int hashCode() {
        return Objects.hash(method, path, queryParameters, headers) * 31 + Arrays.hashCode(body);
    }

    /** Never prints the body or header values (signatures). */
    @Override
    public String toString() {
        return "WebhookRequest{" + method + " " + path + ", headers=" + headers.keySet() + ", body="
                + body.length + " bytes}";
    }
}
