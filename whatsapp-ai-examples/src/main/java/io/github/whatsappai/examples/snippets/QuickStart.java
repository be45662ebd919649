package io.github.whatsappai.examples.snippets;

import io.github.whatsappai.WhatsAppAi;
import io.github.whatsappai.WhatsAppAiConfig;
import io.github.whatsappai.examples.jdbc.JdbcChatLogger;
import io.github.whatsappai.examples.jdbc.JdbcCreditGate;
import io.github.whatsappai.examples.jdbc.JdbcUserMapper;
import io.github.whatsappai.servlet.WhatsAppWebhookServlet;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletRegistration;

import javax.sql.DataSource;

/** The README's quick start. */
final class QuickStart {

    private QuickStart() {
    }

    static WhatsAppAi register(ServletContext servletContext, DataSource dataSource) {
        // tag::quickstart[]
        WhatsAppAi ai = WhatsAppAi.builder()
                .config(WhatsAppAiConfig.fromEnvironment(System.getenv()))  // META_*, OPENROUTER_*, …
                .userMapper(new JdbcUserMapper(dataSource))                 // your users
                .creditGate(new JdbcCreditGate(dataSource))                 // optional: their credits
                .chatLogger(new JdbcChatLogger(dataSource))                 // your chat log
                .build();
        ServletRegistration.Dynamic webhook =
                servletContext.addServlet("whatsapp-webhook", new WhatsAppWebhookServlet(ai));
        webhook.setAsyncSupported(true);   // slow request bodies then hold no container thread
        webhook.addMapping("/webhook/whatsapp");
        // close ai on shutdown: it answers what is still buffered and stops its threads
        // end::quickstart[]
        return ai;
    }
}
