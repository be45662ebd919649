package io.github.whatsappai.examples.demo;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;

/**
 * Holds the webhook servlet's place while the demo starts: the SDK is built only once the server's
 * port is known (the local Graph API stand-in lives on it), so requests before that get 503.
 */
final class LateBoundServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    private transient volatile HttpServlet target;

    void bind(HttpServlet servlet) throws ServletException {
        servlet.init(getServletConfig());
        target = servlet;
    }

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws ServletException, IOException {
        HttpServlet t = target;
        if (t == null) {
            resp.sendError(503, "starting");
            return;
        }
        t.service(req, resp);
    }

    @Override
    public void destroy() {
        HttpServlet t = target;
        if (t != null) {
            t.destroy();
        }
    }
}
