package io.github.whatsappai.examples.snippets;

import io.github.whatsappai.WhatsAppAi;
import io.github.whatsappai.servlet.WhatsAppWebhookServlet;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.annotation.WebListener;

// tag::listener[]
@WebListener
public class WhatsAppListener implements ServletContextListener {

    private WhatsAppAi ai;

    @Override
    public void contextInitialized(ServletContextEvent event) {
        ai = WhatsAppAi.fromEnvironment(System.getenv());
        event.getServletContext()
                .addServlet("whatsapp-webhook", new WhatsAppWebhookServlet(ai))
                .addMapping("/webhook/whatsapp");
    }

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        ai.close();
    }
}
// end::listener[]
