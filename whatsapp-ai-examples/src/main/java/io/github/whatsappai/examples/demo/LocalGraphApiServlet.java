package io.github.whatsappai.examples.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.Part;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A local stand-in for the Graph API's {@code POST /{version}/{phone_number_id}/messages}, used by the
 * demo when no {@code META_ACCESS_TOKEN} is set: it answers like Meta does, prints each outgoing
 * message on the console and keeps it in the {@link Outbox}. Nothing leaves the machine.
 *
 * <p>It also stands in for media: {@code POST /{version}/{phone_number_id}/media} (multipart, a
 * {@code file} part with its type; at most {@value #MAX_MEDIA_BYTES} bytes) keeps the file in memory
 * and answers its id, {@code GET /{version}/{media-id}} answers a download URL as Meta's lookup
 * does, and {@code GET /media-files/{media-id}} serves the file to a request with a Bearer token.
 * The chat simulator's {@code /voice}, {@code /image} and {@code /doc} upload here.
 */
final class LocalGraphApiServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    private static final Pattern MESSAGES_PATH = Pattern.compile("/v\\d+\\.\\d+/(\\d+)/messages");
    private static final Pattern UPLOAD_PATH = Pattern.compile("/v\\d+\\.\\d+/(\\d+)/media");
    private static final Pattern LOOKUP_PATH = Pattern.compile("/v\\d+\\.\\d+/(demo-media-\\d+)");
    private static final Pattern FILE_PATH = Pattern.compile("/media-files/(demo-media-\\d+)");
    /** Largest upload kept: 16 MiB, WhatsApp's limit for audio. */
    static final long MAX_MEDIA_BYTES = 16L * 1024 * 1024;
    /** Files kept at most; the oldest goes first. */
    private static final int MAX_FILES = 50;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final transient Outbox outbox;
    private final transient PrintStream console;
    private final transient Clock clock;
    private final AtomicLong ids = new AtomicLong();
    private final AtomicLong mediaIds = new AtomicLong();
    private final transient Map<String, StoredMedia> media = java.util.Collections.synchronizedMap(
            new LinkedHashMap<>(16, 0.75f, false) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, StoredMedia> eldest) {
                    return size() > MAX_FILES;
                }
            });

    private record StoredMedia(byte[] data, String mimeType) {
    }

    LocalGraphApiServlet(Outbox outbox, PrintStream console, Clock clock) {
        this.outbox = outbox;
        this.console = console;
        this.clock = clock;
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String path = req.getPathInfo() == null ? "" : req.getPathInfo();
        String auth = req.getHeader("Authorization");
        if (auth == null || !auth.startsWith("Bearer ")) {
            error(resp, 401, 190, "Missing access token");
            return;
        }
        Matcher lookup = LOOKUP_PATH.matcher(path);
        Matcher file = FILE_PATH.matcher(path);
        String id = lookup.matches() ? lookup.group(1) : file.matches() ? file.group(1) : null;
        StoredMedia stored = id == null ? null : media.get(id);
        if (stored == null) {
            error(resp, 404, 100, "Unknown media " + path);
            return;
        }
        if (file.matches()) {
            resp.setContentType(stored.mimeType());
            resp.setContentLength(stored.data().length);
            resp.getOutputStream().write(stored.data());
            return;
        }
        String base = req.getRequestURL().toString();
        base = base.substring(0, base.length() - path.length());
        ObjectNode out = JSON.createObjectNode();
        out.put("messaging_product", "whatsapp");
        out.put("url", base + "/media-files/" + id);
        out.put("mime_type", stored.mimeType());
        out.put("file_size", stored.data().length);
        out.put("id", id);
        resp.setContentType("application/json");
        resp.getWriter().write(JSON.writeValueAsString(out));
    }

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException, ServletException {
        String path = req.getPathInfo() == null ? "" : req.getPathInfo();
        if (UPLOAD_PATH.matcher(path).matches()) {
            upload(req, resp);
            return;
        }
        Matcher m = MESSAGES_PATH.matcher(path);
        if (!m.matches()) {
            error(resp, 404, 100, "Unknown path " + path);
            return;
        }
        String auth = req.getHeader("Authorization");
        if (auth == null || !auth.startsWith("Bearer ")) {
            error(resp, 401, 190, "Missing access token");
            return;
        }
        JsonNode body;
        try {
            body = JSON.readTree(req.getInputStream().readAllBytes());
        } catch (IOException e) {
            error(resp, 400, 100, "Invalid JSON");
            return;
        }
        String phoneNumberId = m.group(1);
        if ("read".equals(body.path("status").asText())) {
            resp.setContentType("application/json");
            resp.getWriter().write("{\"success\":true}");
            return;
        }
        String to = body.hasNonNull("to") ? body.get("to").asText() : body.path("recipient").asText(null);
        String type = body.path("type").asText("text");
        String text = switch (type) {
            case "text" -> body.path("text").path("body").asText("");
            case "reaction" -> "[reaction " + body.path("reaction").path("emoji").asText() + "]";
            case "template" -> "[template " + body.path("template").path("name").asText() + "]";
            default -> "[" + type + "]";
        };
        String wamid = "wamid.DEMO" + ids.incrementAndGet();
        console.println();
        console.println("──── to " + to + " ────");
        console.println(text);
        console.println();
        outbox.add(clock.instant(), phoneNumberId, to, type, text, wamid);   // after printing: it wakes readers
        ObjectNode out = JSON.createObjectNode();
        out.put("messaging_product", "whatsapp");
        ObjectNode contact = out.putArray("contacts").addObject();
        contact.put("input", to);
        if (to != null && to.startsWith("+")) {
            contact.put("wa_id", to.substring(1));
        }
        out.putArray("messages").addObject().put("id", wamid);
        resp.setContentType("application/json");
        resp.getWriter().write(JSON.writeValueAsString(out));
    }

    /** {@code POST /{version}/{phone_number_id}/media}: keeps the {@code file} part, answers its id. */
    private void upload(HttpServletRequest req, HttpServletResponse resp) throws IOException, ServletException {
        String auth = req.getHeader("Authorization");
        if (auth == null || !auth.startsWith("Bearer ")) {
            error(resp, 401, 190, "Missing access token");
            return;
        }
        Part file;
        try {
            file = req.getPart("file");
        } catch (IllegalStateException tooLarge) {
            error(resp, 413, 131052, "Media larger than " + MAX_MEDIA_BYTES + " bytes");
            return;
        } catch (ServletException notMultipart) {
            error(resp, 400, 100, "Send multipart/form-data with a 'file' part and messaging_product=whatsapp");
            return;
        }
        if (file == null || file.getSize() == 0) {
            error(resp, 400, 100, "The 'file' part is missing or empty");
            return;
        }
        byte[] data;
        try (InputStream in = file.getInputStream()) {
            data = in.readAllBytes();
        }
        String id = "demo-media-" + mediaIds.incrementAndGet();
        String type = file.getContentType() == null ? "application/octet-stream" : file.getContentType();
        media.put(id, new StoredMedia(data, type));
        console.println("(media " + id + " uploaded: " + data.length + " bytes, " + type + ")");
        resp.setContentType("application/json");
        resp.getWriter().write("{\"id\":\"" + id + "\"}");
    }

    private static void error(HttpServletResponse resp, int status, int code, String message) throws IOException {
        resp.setStatus(status);
        resp.setContentType("application/json");
        ObjectNode err = JSON.createObjectNode();
        ObjectNode e = err.putObject("error");
        e.put("message", message);
        e.put("type", "OAuthException");
        e.put("code", code);
        e.put("fbtrace_id", "DEMO");
        resp.getWriter().write(JSON.writeValueAsString(err));
    }
}
