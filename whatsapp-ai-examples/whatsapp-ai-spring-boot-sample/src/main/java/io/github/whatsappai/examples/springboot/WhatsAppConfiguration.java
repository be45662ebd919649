package io.github.whatsappai.examples.springboot;

// tag::spring-boot[]
import io.github.whatsappai.WhatsAppAi;
import io.github.whatsappai.WhatsAppAiConfig;
import io.github.whatsappai.event.EventListener;
import io.github.whatsappai.event.LoggingEventListener;
import io.github.whatsappai.servlet.WhatsAppWebhookServlet;
import io.github.whatsappai.spi.ChatLogger;
import io.github.whatsappai.spi.InMemoryChatLogger;
import io.github.whatsappai.spi.InMemoryUserMapper;
import io.github.whatsappai.spi.UserMapper;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration
public class WhatsAppConfiguration {

    @Bean
    UserMapper userMapper() {
        return new InMemoryUserMapper();   // your users: e.g. new JdbcUserMapper(dataSource)
    }

    @Bean
    ChatLogger chatLogger() {
        return new InMemoryChatLogger();   // your chat log: e.g. new JdbcChatLogger(dataSource)
    }

    @Bean(destroyMethod = "close")
    WhatsAppAi whatsAppAi(UserMapper userMapper, ChatLogger chatLogger, ObjectProvider<EventListener> events) {
        return WhatsAppAi.builder()
                .config(WhatsAppAiConfig.fromEnvironment(System.getenv()))  // META_*, OPENROUTER_*, …
                .userMapper(userMapper)
                .chatLogger(chatLogger)
                .eventListener(events.getIfAvailable(LoggingEventListener::new))  // metrics, health: optional
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
