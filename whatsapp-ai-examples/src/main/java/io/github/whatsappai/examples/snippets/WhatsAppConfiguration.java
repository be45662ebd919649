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
        return new ServletRegistrationBean<>(new WhatsAppWebhookServlet(ai), "/webhook/whatsapp");
    }
}
// end::spring-boot[]
