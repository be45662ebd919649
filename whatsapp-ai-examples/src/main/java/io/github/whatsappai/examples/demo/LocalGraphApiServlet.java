package io.github.whatsappai.examples.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A local stand-in for the Graph API's {@code POST /{version}/{phone_number_id}/messages}, used by the
 * demo when no {@code META_ACCESS_TOKEN} is set: it answers like Meta does, prints each outgoing
 * message on the console and keeps it in the {@link Outbox}. Nothing leaves the machine.
 */
final class LocalGraphApiServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    private static final Pattern MESSAGES_PATH = Pattern.compile("/v\\d+\\.\\d+/(\\d+)/messages");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final transient Outbox outbox;
    private final transient PrintStream console;
    private final transient Clock clock;
    private final AtomicLong ids = new AtomicLong();

    LocalGraphApiServlet(Outbox outbox, PrintStream console, Clock clock) {
        this.outbox = outbox;
        this.console = console;
        this.clock = clock;
    }

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String path = req.getPathInfo() == null ? "" : req.getPathInfo();
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
