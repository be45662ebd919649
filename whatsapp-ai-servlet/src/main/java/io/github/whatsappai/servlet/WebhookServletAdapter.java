package io.github.whatsappai.servlet;

import io.github.whatsappai.webhook.WebhookRequest;
import io.github.whatsappai.webhook.WebhookResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Translates between the Servlet API and the core's neutral {@link WebhookRequest} /
 * {@link WebhookResponse}, so that any servlet, filter or controller can hand the raw webhook bytes to
 * {@link io.github.whatsappai.WhatsAppAi#handle(WebhookRequest)}. {@link WhatsAppWebhookServlet} is
 * built on it.
 *
 * <pre>{@code
 * WebhookServletAdapter adapter = new WebhookServletAdapter(ai.config().webhook().maxBodyBytes());
 * try {
 *     WebhookServletAdapter.writeResponse(ai.handle(adapter.toWebhookRequest(request)), response);
 * } catch (BodyTooLargeException e) {
 *     WebhookServletAdapter.writeBodyTooLarge(e, response);
 * }
 * }</pre>
 *
 * <p>What it guarantees:
 * <ul>
 *   <li>The body is read once, as bytes, from {@link HttpServletRequest#getInputStream()}: never
 *       through a {@code Reader}, so the bytes the signature covers reach the core unchanged.</li>
 *   <li>The body is capped: a declared {@code Content-Length} above the cap is refused before anything
 *       is read, and a body without a length stops being read at the cap plus one byte. Either way a
 *       {@link BodyTooLargeException} is thrown.</li>
 *   <li>Query parameters come from {@link HttpServletRequest#getQueryString()}, decoded as UTF-8; the
 *       adapter never calls {@code getParameter}, which could consume a form-encoded body.</li>
 *   <li>Headers and query parameters keep every value; header names are case-insensitive.</li>
 * </ul>
 *
 * <p>Instances are immutable and thread-safe; share one.
 */
public final class WebhookServletAdapter {

    /** {@code 413 Payload Too Large}. */
    public static final int STATUS_PAYLOAD_TOO_LARGE = 413;

    /** Largest buffer allocated up front from a declared {@code Content-Length}; larger bodies grow it. */
    static final int MAX_PRESIZE = 64 * 1024;

    /** First buffer size for a body whose length is not declared. */
    static final int UNKNOWN_LENGTH_INITIAL = 8 * 1024;

    private final int maxBodyBytes;

    /**
     * An adapter that accepts bodies up to {@code maxBodyBytes}. Keep the cap at or above Meta's 3 MB
     * maximum in production ({@link io.github.whatsappai.webhook.WebhookSettings#maxBodyBytes()}, 4 MiB by
     * default): a delivery refused for its size is retried by Meta for days.
     *
     * @param maxBodyBytes the largest accepted body in bytes; must be positive
     * @throws IllegalArgumentException when {@code maxBodyBytes} is not positive
     */
    public WebhookServletAdapter(int maxBodyBytes) {
        if (maxBodyBytes <= 0) {
            throw new IllegalArgumentException("maxBodyBytes must be positive, was " + maxBodyBytes);
        }
        this.maxBodyBytes = maxBodyBytes;
    }

    /**
     * The cap of this adapter.
     *
     * @return the largest accepted body in bytes
     */
    public int maxBodyBytes() {
        return maxBodyBytes;
    }

    /**
     * Builds the neutral request: method, request URI, query parameters, headers and, for every method
     * but {@code GET} and {@code HEAD}, the raw body read through the cap.
     *
     * @param request the servlet request; its body must not have been read yet
     * @return the neutral request to hand to {@link io.github.whatsappai.WhatsAppAi#handle(WebhookRequest)}
     * @throws BodyTooLargeException when the body is larger than {@link #maxBodyBytes()}
     * @throws IOException when the body cannot be read (for example the client went away)
     */
    public WebhookRequest toWebhookRequest(HttpServletRequest request) throws IOException {
        String method = request.getMethod();
        byte[] body = "GET".equals(method) || "HEAD".equals(method) ? new byte[0] : readBody(request, maxBodyBytes);
        return new WebhookRequest(method, request.getRequestURI(), queryParameters(request), headerValues(request),
                body);
    }

    /**
     * The headers for {@link WebhookRequest}, whose constructor copies them into its own case-insensitive
     * map: a plain hash map (the container already gives each name once) with immutable single-value lists,
     * so that copy has nothing more to copy.
     */
    private static Map<String, List<String>> headerValues(HttpServletRequest request) {
        Enumeration<String> names = request.getHeaderNames();
        if (names == null) {
            return Map.of();
        }
        Map<String, List<String>> headers = new HashMap<>();
        while (names.hasMoreElements()) {
            String name = names.nextElement();
            Enumeration<String> each = request.getHeaders(name);
            if (each == null || !each.hasMoreElements()) {
                headers.merge(name, List.of(), WebhookServletAdapter::concat);
                continue;
            }
            String first = each.nextElement();
            List<String> values;
            if (each.hasMoreElements()) {
                List<String> all = new ArrayList<>(2);
                all.add(first);
                while (each.hasMoreElements()) {
                    all.add(each.nextElement());
                }
                values = all;
            } else {
                values = List.of(first);
            }
            headers.merge(name, values, WebhookServletAdapter::concat);
        }
        return headers;
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    /**
     * Reads the whole body of {@code request} as bytes through the cap. Call it at most once per
     * request, before anything else touched the body.
     *
     * @param request the servlet request
     * @param maxBodyBytes the largest accepted body in bytes
     * @return the body bytes exactly as received, never {@code null}
     * @throws BodyTooLargeException when the declared or actual length is above {@code maxBodyBytes}
     * @throws IOException when the body cannot be read
     */
    public static byte[] readBody(HttpServletRequest request, int maxBodyBytes) throws IOException {
        long declared = request.getContentLengthLong();
        if (declared > maxBodyBytes) {
            throw new BodyTooLargeException(maxBodyBytes, declared);
        }
        return readCapped(request.getInputStream(), declared, maxBodyBytes);
    }

    /**
     * Reads {@code in} to its end, refusing a declared length above {@code cap} without reading and
     * stopping at {@code cap + 1} bytes otherwise. The buffer is sized from {@code declared} (bounded by
     * {@link #MAX_PRESIZE}), so a body of the declared length is returned without a copy.
     */
    static byte[] readCapped(InputStream in, long declared, int cap) throws IOException {
        if (declared > cap) {
            throw new BodyTooLargeException(cap, declared);
        }
        int initial = declared >= 0 ? (int) Math.min(declared, MAX_PRESIZE) : Math.min(cap, UNKNOWN_LENGTH_INITIAL);
        byte[] buf = new byte[initial];
        int n = 0;
        while (true) {
            if (n == buf.length) {
                int next = in.read();
                if (next < 0) {
                    return buf;
                }
                if (n >= cap) {
                    throw new BodyTooLargeException(cap, declared);
                }
                buf = Arrays.copyOf(buf, (int) Math.min(cap, Math.max(2L * buf.length, 1024L)));
                buf[n++] = (byte) next;
            }
            int read = in.read(buf, n, buf.length - n);
            if (read < 0) {
                return n == buf.length ? buf : Arrays.copyOf(buf, n);
            }
            n += read;
        }
    }

    /**
     * Every header of {@code request} with all its values, in a map whose keys are case-insensitive.
     * The map is mutable and owned by the caller.
     *
     * @param request the servlet request
     * @return header values by name, case-insensitive
     */
    public static Map<String, List<String>> headers(HttpServletRequest request) {
        Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        Enumeration<String> names = request.getHeaderNames();
        if (names == null) {
            return headers;
        }
        while (names.hasMoreElements()) {
            String name = names.nextElement();
            List<String> values = headers.computeIfAbsent(name, k -> new ArrayList<>(1));
            Enumeration<String> each = request.getHeaders(name);
            while (each != null && each.hasMoreElements()) {
                values.add(each.nextElement());
            }
        }
        return headers;
    }

    /**
     * The query parameters of {@code request}, decoded as UTF-8 from {@link HttpServletRequest#getQueryString()},
     * every value kept in order. Names keep their dots ({@code hub.mode}). A segment that is not valid
     * percent-encoding is kept as sent. Never reads the body.
     *
     * @param request the servlet request
     * @return parameter values by name, in the order sent; mutable and owned by the caller
     */
    public static Map<String, List<String>> queryParameters(HttpServletRequest request) {
        return parseQuery(request.getQueryString());
    }

    static Map<String, List<String>> parseQuery(String query) {
        Map<String, List<String>> params = new LinkedHashMap<>();
        if (query == null || query.isEmpty()) {
            return params;
        }
        for (String pair : query.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            params.computeIfAbsent(name, k -> new ArrayList<>(1)).add(value);
        }
        return params;
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException malformed) {
            return s;
        }
    }

    /**
     * Writes {@code webhookResponse} to {@code response}: its status, its content type and its body
     * as UTF-8 bytes with a {@code Content-Length} (no trailing newline, so a handshake challenge is
     * echoed verbatim).
     *
     * @param webhookResponse what the core answered
     * @param response the servlet response, not yet committed
     * @throws IOException when the response cannot be written
     */
    public static void writeResponse(WebhookResponse webhookResponse, HttpServletResponse response)
            throws IOException {
        byte[] body = webhookResponse.bodyBytes();
        response.setStatus(webhookResponse.status());
        response.setContentType(webhookResponse.contentType());
        response.setContentLength(body.length);
        if (body.length > 0) {
            OutputStream out = response.getOutputStream();
            out.write(body);
        }
    }

    /**
     * Answers a refused body with {@value #STATUS_PAYLOAD_TOO_LARGE} and a short plain-text reason, and
     * asks the container to close the connection rather than read the rest of the body.
     *
     * @param e the refusal
     * @param response the servlet response, not yet committed
     * @throws IOException when the response cannot be written
     */
    public static void writeBodyTooLarge(BodyTooLargeException e, HttpServletResponse response) throws IOException {
        response.setHeader("Connection", "close");
        writeResponse(WebhookResponse.text(STATUS_PAYLOAD_TOO_LARGE,
                "Request body exceeds " + e.limit() + " bytes"), response);
    }
}
