package io.github.whatsappai.examples.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;

/**
 * {@code GET /demo/outbox?after=N&to=+155…&wait=ms}: the messages the local Graph API stand-in sent,
 * as a JSON array, long-polling up to {@code wait} milliseconds (at most 25 s) for new ones. The chat
 * simulator reads the bot's replies here.
 */
final class OutboxServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long MAX_WAIT_MILLIS = 25_000;

    private final transient Outbox outbox;

    OutboxServlet(Outbox outbox) {
        this.outbox = outbox;
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        long after;
        long wait;
        try {
            after = req.getParameter("after") == null ? 0 : Long.parseLong(req.getParameter("after"));
            wait = req.getParameter("wait") == null ? 0 : Math.min(MAX_WAIT_MILLIS, Long.parseLong(req.getParameter("wait")));
        } catch (NumberFormatException e) {
            resp.sendError(400, "after and wait must be whole numbers");
            return;
        }
        String to = req.getParameter("to");
        try {
            var messages = outbox.await(after, to, Math.max(0, wait));
            resp.setContentType("application/json");
            resp.setCharacterEncoding("UTF-8");
            var array = JSON.createArrayNode();
            for (var m : messages) {
                var node = array.addObject();
                node.put("seq", m.seq());
                node.put("at", m.at().toString());
                node.put("phoneNumberId", m.phoneNumberId());
                node.put("to", m.to());
                node.put("type", m.type());
                node.put("text", m.text());
                node.put("messageId", m.messageId());
            }
            resp.getWriter().write(JSON.writeValueAsString(array));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            resp.sendError(503, "shutting down");
        }
    }
}
