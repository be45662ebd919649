package io.github.whatsappai.examples.snippets;

import io.github.whatsappai.WhatsAppAi;
import io.github.whatsappai.WhatsAppAiConfig;
import io.github.whatsappai.servlet.WhatsAppWebhookServlet;
import io.github.whatsappai.spi.ChatLogger;
import io.github.whatsappai.spi.UserMapper;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

// tag::spring-boot[]
@Configuration
public class WhatsAppConfiguration {

    @Bean(destroyMethod = "close")
    WhatsAppAi whatsAppAi(UserMapper userMapper, ChatLogger chatLogger) {
        return WhatsAppAi.builder()
                .config(WhatsAppAiConfig.fromEnvironment(System.getenv()))
                .userMapper(userMapper)
                .chatLogger(chatLogger)
                .build();
    }

    @Bean
    ServletRegistrationBean<WhatsAppWebhookServlet> whatsAppWebhook(WhatsAppAi ai) {
        ServletRegistrationBean<WhatsAppWebhookServlet> webhook =
                new ServletRegistrationBean<>(new WhatsAppWebhookServlet(ai), "/webhook/whatsapp");
        webhook.setAsyncSupported(true);   // slow request bodies then hold no container thread
        return webhook;
    }
}
// end::spring-boot[]
