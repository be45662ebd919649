package io.github.whatsappai.servlet;

import io.github.whatsappai.WhatsAppAi;
import io.github.whatsappai.webhook.WebhookRequest;
import io.github.whatsappai.webhook.WebhookResponse;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;

/**
 * A user's own servlet built on {@link WebhookServletAdapter}: hands the request to the core and answers
 * with what the adapter saw, so a test can check the translation.
 */
final class AdapterEchoServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    private final transient WhatsAppAi ai;
    private final transient WebhookServletAdapter adapter = new WebhookServletAdapter(4096);

    AdapterEchoServlet(WhatsAppAi ai) {
        this.ai = ai;
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        WebhookRequest webhookRequest;
        try {
            webhookRequest = adapter.toWebhookRequest(request);
        } catch (BodyTooLargeException e) {
            WebhookServletAdapter.writeBodyTooLarge(e, response);
            return;
        }
        WebhookResponse handled = ai.handle(webhookRequest);
        WebhookServletAdapter.writeResponse(WebhookResponse.text(handled.status(), "status=" + handled.status()
                + " bytes=" + webhookRequest.body().length
                + " a=" + webhookRequest.queryParameters().get("a")
                + " b=" + webhookRequest.queryParameters().get("b")
                + " x-multi=" + webhookRequest.headers().get("X-MULTI")), response);
    }
}
