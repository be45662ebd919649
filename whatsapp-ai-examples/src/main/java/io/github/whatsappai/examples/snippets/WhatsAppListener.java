package io.github.whatsappai.examples.snippets;

import io.github.whatsappai.WhatsAppAi;
import io.github.whatsappai.servlet.WhatsAppWebhookServlet;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.ServletRegistration;
import jakarta.servlet.annotation.WebListener;

// tag::listener[]
@WebListener
public class WhatsAppListener implements ServletContextListener {

    private WhatsAppAi ai;

    @Override
    public void contextInitialized(ServletContextEvent event) {
        ai = WhatsAppAi.fromEnvironment(System.getenv());
        ServletRegistration.Dynamic webhook =
                event.getServletContext().addServlet("whatsapp-webhook", new WhatsAppWebhookServlet(ai));
        webhook.setAsyncSupported(true);   // slow request bodies then hold no container thread
        webhook.addMapping("/webhook/whatsapp");
    }

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        ai.close();
    }
}
// end::listener[]
