package io.github.whatsappai.servlet;

import io.github.whatsappai.WhatsAppAi;
import io.github.whatsappai.webhook.WebhookRequest;
import io.github.whatsappai.webhook.WebhookResponse;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Translates between the Servlet API and the core's neutral {@link WebhookRequest} /
 * {@link WebhookResponse}, so that any servlet, filter or controller can hand the raw webhook bytes to
 * {@link io.github.whatsappai.WhatsAppAi#handle(WebhookRequest)}. {@link WhatsAppWebhookServlet} is
 * built on it.
 *
 * <p>The simplest use answers the whole request, reading the body without holding a container thread
 * when the request allows it (see {@link #serve(WhatsAppAi, HttpServletRequest, HttpServletResponse)}):
 * <pre>{@code
 * WebhookServletAdapter adapter = new WebhookServletAdapter(ai.config().webhook().maxBodyBytes());
 * adapter.serve(ai, request, response);
 * }</pre>
 *
 * <p>The building blocks, for code that reads the body itself (on the request thread):
 * <pre>{@code
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
 *       {@link BodyTooLargeException} is thrown, or {@code serve} answers
 *       {@value #STATUS_PAYLOAD_TOO_LARGE}.</li>
 *   <li>{@code serve} gives the body a deadline ({@link #readTimeout()}, {@value #DEFAULT_READ_TIMEOUT_SECONDS}
 *       seconds unless configured): a body that has not fully arrived by then is answered
 *       {@value #STATUS_REQUEST_TIMEOUT} and the connection is closed, so a client that trickles its
 *       body holds neither a thread nor a connection for long.</li>
 *   <li>Query parameters come from {@link HttpServletRequest#getQueryString()}, decoded as UTF-8; the
 *       adapter never calls {@code getParameter}, which could consume a form-encoded body.</li>
 *   <li>Headers and query parameters keep every value; header names are case-insensitive.</li>
 * </ul>
 *
 * <p>Instances are thread-safe; share one. Their configuration is fixed; the only state is whether the
 * warning about requests without async support was already logged.
 */
public final class WebhookServletAdapter {

    /** {@code 413 Payload Too Large}. */
    public static final int STATUS_PAYLOAD_TOO_LARGE = 413;

    /** {@code 408 Request Timeout}: the body did not arrive within the read deadline. */
    public static final int STATUS_REQUEST_TIMEOUT = 408;

    /** The read deadline, in seconds, of an adapter built without one. */
    public static final int DEFAULT_READ_TIMEOUT_SECONDS = 10;

    /** The read deadline of an adapter built without one: {@value #DEFAULT_READ_TIMEOUT_SECONDS} seconds. */
    public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(DEFAULT_READ_TIMEOUT_SECONDS);

    /** Largest buffer allocated up front from a declared {@code Content-Length}; larger bodies grow it. */
    static final int MAX_PRESIZE = 64 * 1024;

    /** First buffer size for a body whose length is not declared. */
    static final int UNKNOWN_LENGTH_INITIAL = 8 * 1024;

    private static final Logger LOG = LoggerFactory.getLogger(WebhookServletAdapter.class);

    private final int maxBodyBytes;
    private final Duration readTimeout;
    /** Whether this adapter has warned about a request without async support (it warns once). */
    private final AtomicBoolean warnedBlocking = new AtomicBoolean();

    /**
     * An adapter that accepts bodies up to {@code maxBodyBytes} with the default read deadline
     * ({@value #DEFAULT_READ_TIMEOUT_SECONDS} s). Keep the cap at or above Meta's 3 MB maximum in
     * production ({@link io.github.whatsappai.webhook.WebhookSettings#maxBodyBytes()}, 4 MiB by default): a
     * delivery refused for its size is retried by Meta for days.
     *
     * @param maxBodyBytes the largest accepted body in bytes; must be positive
     * @throws IllegalArgumentException when {@code maxBodyBytes} is not positive
     */
    public WebhookServletAdapter(int maxBodyBytes) {
        this(maxBodyBytes, DEFAULT_READ_TIMEOUT);
    }

    /**
     * An adapter that accepts bodies up to {@code maxBodyBytes} arriving within {@code readTimeout}.
     * Meta sends a delivery in one go, well within a second; the deadline only matters against clients
     * that send their body slowly on purpose or stall.
     *
     * @param maxBodyBytes the largest accepted body in bytes; must be positive
     * @param readTimeout how long {@link #serve(WhatsAppAi, HttpServletRequest, HttpServletResponse)} waits
     *        for the whole body, from the moment it starts reading; at least one millisecond
     * @throws IllegalArgumentException when {@code maxBodyBytes} is not positive or {@code readTimeout}
     *         is shorter than a millisecond
     */
    public WebhookServletAdapter(int maxBodyBytes, Duration readTimeout) {
        if (maxBodyBytes <= 0) {
            throw new IllegalArgumentException("maxBodyBytes must be positive, was " + maxBodyBytes);
        }
        Objects.requireNonNull(readTimeout, "readTimeout");
        if (readTimeout.toMillis() < 1) {
            throw new IllegalArgumentException("readTimeout must be at least 1 ms, was " + readTimeout
                    + " (the default is " + DEFAULT_READ_TIMEOUT_SECONDS + " s)");
        }
        this.maxBodyBytes = maxBodyBytes;
        this.readTimeout = readTimeout;
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
     * The read deadline of this adapter.
     *
     * @return how long {@link #serve(WhatsAppAi, HttpServletRequest, HttpServletResponse)} waits for a body
     */
    public Duration readTimeout() {
        return readTimeout;
    }

    /**
     * Answers one webhook request completely: reads the body, hands it to {@code ai} and writes the answer.
     *
     * <ul>
     *   <li>{@code GET} and {@code HEAD} carry no body and are answered at once, on the calling thread.</li>
     *   <li>A declared {@code Content-Length} above the cap is answered {@value #STATUS_PAYLOAD_TOO_LARGE}
     *       before anything is read.</li>
     *   <li>A body whose declared length has already arrived in full is read at once on the calling
     *       thread: that read cannot block. (The container must say so through
     *       {@code ServletInputStream.available()}: Jetty 12 does; Tomcat 11 reports at most one byte
     *       before the body is first read, so there every body takes the path below.)</li>
     *   <li>Otherwise, when the request is async-capable ({@link HttpServletRequest#isAsyncSupported()}:
     *       the servlet and every filter in front of it are registered with {@code asyncSupported}), the
     *       method starts async processing and returns at once; the body is read with a
     *       {@link jakarta.servlet.ReadListener} as it arrives, so a slow body holds no container thread.
     *       The answer is written when the last byte arrived ({@code ai.handle} runs on the container
     *       thread that delivered it), or {@value #STATUS_PAYLOAD_TOO_LARGE} as soon as the body passes
     *       the cap, or {@value #STATUS_REQUEST_TIMEOUT} when it is not complete within
     *       {@link #readTimeout()}.</li>
     *   <li>A request that is not async-capable is read on the calling thread, blocking, as
     *       {@link #toWebhookRequest(HttpServletRequest)} does, without the read deadline; a WARN says
     *       once how to enable async support.</li>
     * </ul>
     *
     * <p>Each {@value #STATUS_PAYLOAD_TOO_LARGE} and {@value #STATUS_REQUEST_TIMEOUT} is reported through
     * {@link WhatsAppAi#reportRejected(int, String)}. A client that goes away mid-body gets nothing (it
     * cannot be answered) and is logged at DEBUG. A body that could not be read is never answered
     * {@code 200}, so Meta redelivers what it sent; an unexpected failure of the core is answered
     * {@code 500}.
     *
     * @param ai the instance that handles the request
     * @param request the servlet request; its body must not have been read yet
     * @param response the servlet response, not yet committed
     * @throws IOException when an answer on the calling thread cannot be written
     */
    public void serve(WhatsAppAi ai, HttpServletRequest request, HttpServletResponse response) throws IOException {
        Objects.requireNonNull(ai, "ai");
        String method = request.getMethod();
        if ("GET".equals(method) || "HEAD".equals(method)) {
            writeResponse(handle(ai, request, new byte[0]), response);
            return;
        }
        long declared = request.getContentLengthLong();
        if (declared > maxBodyBytes) {
            refuseTooLarge(ai, new BodyTooLargeException(maxBodyBytes, declared), response);
            return;
        }
        if (!request.isAsyncSupported()) {
            warnBlockingOnce(request);
            serveBlocking(ai, request, response);
            return;
        }
        if (declared > 0 && request.getInputStream().available() >= declared) {
            // the whole body has already arrived (Meta's deliveries almost always do, in one packet):
            // reading it cannot block, and starting async processing would only cost time
            serveBlocking(ai, request, response);
            return;
        }
        AsyncContext async = request.startAsync(request, response);
        async.setTimeout(readTimeout.toMillis());
        AsyncBodyRead read = new AsyncBodyRead(this, ai, async, request, response, declared);
        async.addListener(read);
        request.getInputStream().setReadListener(read);
    }

    private void serveBlocking(WhatsAppAi ai, HttpServletRequest request, HttpServletResponse response)
            throws IOException {
        byte[] body;
        try {
            body = readBody(request, maxBodyBytes);
        } catch (BodyTooLargeException e) {
            refuseTooLarge(ai, e, response);
            return;
        } catch (IOException e) {
            bodyFailed(ai, e, -1, request.getContentLengthLong(), response);
            return;
        }
        writeResponse(handle(ai, request, body), response);
    }

    private void warnBlockingOnce(HttpServletRequest request) {
        if (warnedBlocking.compareAndSet(false, true)) {
            LOG.warn("Webhook requests to {} are not async-capable, so each body is read on a container thread "
                    + "that a slow client can hold for as long as it likes, and the read deadline does not apply. "
                    + "Register the servlet and every filter mapped in front of it with asyncSupported: "
                    + "ServletRegistration.Dynamic#setAsyncSupported(true), "
                    + "ServletRegistrationBean#setAsyncSupported(true), FilterRegistrationBean#setAsyncSupported(true) "
                    + "or <async-supported>true</async-supported> in web.xml (logged once per servlet)",
                    request.getRequestURI());
        }
    }

    /** Hands a complete body to the core; an unexpected failure of the core becomes a 500 so Meta redelivers. */
    WebhookResponse handle(WhatsAppAi ai, HttpServletRequest request, byte[] body) {
        try {
            return ai.handle(new WebhookRequest(request.getMethod(), request.getRequestURI(),
                    queryParameters(request), headerValues(request), body));
        } catch (RuntimeException e) {
            LOG.error("Webhook request to {} failed in the core; answering 500 so that Meta redelivers it",
                    request.getRequestURI(), e);
            return WebhookResponse.text(HttpServletResponse.SC_INTERNAL_SERVER_ERROR, "Internal error");
        }
    }

    /** Reports a body above the cap and answers it {@value #STATUS_PAYLOAD_TOO_LARGE}. */
    static void refuseTooLarge(WhatsAppAi ai, BodyTooLargeException e, HttpServletResponse response)
            throws IOException {
        ai.reportRejected(STATUS_PAYLOAD_TOO_LARGE, e.getMessage());
        writeBodyTooLarge(e, response);
    }

    /**
     * A body could not be read to its end: a timeout (the container's idle timeout, or a socket read
     * timeout) is reported and answered {@value #STATUS_REQUEST_TIMEOUT}; anything else means the client
     * went away or sent a broken framing, which is logged at DEBUG and answered {@code 400} should anyone
     * still listen. Never {@code 200}: Meta must redeliver what did not arrive.
     */
    void bodyFailed(WhatsAppAi ai, Throwable failure, int received, long declared, HttpServletResponse response) {
        String progress = (received >= 0 ? received + " of " : "")
                + (declared >= 0 ? declared + " declared bytes" : "an undeclared number of bytes")
                + (received >= 0 ? " received" : "");
        try {
            if (isTimeout(failure)) {
                ai.reportRejected(STATUS_REQUEST_TIMEOUT, "request body not received in time (" + progress + ")");
                writeClosing(STATUS_REQUEST_TIMEOUT, "Request body not received in time", response);
            } else {
                LOG.debug("Webhook request body ended before it was complete ({}): {}", progress, failure.toString());
                writeClosing(HttpServletResponse.SC_BAD_REQUEST, "Request body incomplete", response);
            }
        } catch (IOException | RuntimeException unwritable) {
            LOG.debug("Could not answer a webhook request whose body failed: {}", unwritable.toString());
        }
    }

    /** Reports a body that missed the read deadline and answers it {@value #STATUS_REQUEST_TIMEOUT}. */
    void deadlineMissed(WhatsAppAi ai, int received, long declared, HttpServletResponse response) {
        ai.reportRejected(STATUS_REQUEST_TIMEOUT, "request body not complete within " + readTimeout.toMillis()
                + " ms (" + received + " of " + (declared >= 0 ? declared + " declared" : "an undeclared number of")
                + " bytes received)");
        try {
            writeClosing(STATUS_REQUEST_TIMEOUT, "Request body not received in time", response);
        } catch (IOException | RuntimeException unwritable) {
            LOG.debug("Could not answer a webhook request that missed its read deadline: {}", unwritable.toString());
        }
    }

    private static boolean isTimeout(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof TimeoutException || t instanceof SocketTimeoutException) {
                return true;
            }
        }
        return false;
    }

    private static void writeClosing(int status, String text, HttpServletResponse response) throws IOException {
        if (response.isCommitted()) {
            return;
        }
        response.setHeader("Connection", "close");
        writeResponse(WebhookResponse.text(status, text), response);
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
        writeClosing(STATUS_PAYLOAD_TOO_LARGE, "Request body exceeds " + e.limit() + " bytes", response);
    }
}
