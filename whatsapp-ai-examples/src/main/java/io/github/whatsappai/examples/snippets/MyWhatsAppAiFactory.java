package io.github.whatsappai.examples.snippets;

import io.github.whatsappai.WhatsAppAi;
import io.github.whatsappai.WhatsAppAiConfig;
import io.github.whatsappai.examples.jdbc.DataSources;
import io.github.whatsappai.examples.jdbc.JdbcChatLogger;
import io.github.whatsappai.examples.jdbc.JdbcUserMapper;
import io.github.whatsappai.servlet.WhatsAppAiFactory;
import jakarta.servlet.ServletConfig;

import javax.sql.DataSource;

// tag::factory[]
/** Named in web.xml's init-param whatsapp-ai.factory; the servlet closes what it creates. */
public class MyWhatsAppAiFactory implements WhatsAppAiFactory {

    @Override
    public WhatsAppAi create(ServletConfig servletConfig) {
        DataSource db = DataSources.hikari(System.getenv("DATABASE_URL"),
                System.getenv("DATABASE_USER"), System.getenv("DATABASE_PASSWORD"));
        return WhatsAppAi.builder()
                .config(WhatsAppAiConfig.fromEnvironment(System.getenv()))
                .userMapper(new JdbcUserMapper(db))
                .chatLogger(new JdbcChatLogger(db))
                .build();
    }
}
// end::factory[]
