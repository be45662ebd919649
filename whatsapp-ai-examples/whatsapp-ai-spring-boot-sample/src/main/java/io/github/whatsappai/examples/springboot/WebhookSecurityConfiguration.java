package io.github.whatsappai.examples.springboot;

// tag::spring-security[]
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;

@Configuration
@ConditionalOnClass(SecurityFilterChain.class)
public class WebhookSecurityConfiguration {

    /**
     * Meta authenticates with X-Hub-Signature-256, which the SDK checks: let the webhook through,
     * without CSRF tokens, sessions or any filter that reads the body before the SDK.
     */
    @Bean
    @Order(1)   // before the application's own chains
    SecurityFilterChain whatsAppWebhookChain(HttpSecurity http) throws Exception {
        return http
                .securityMatcher("/webhook/whatsapp")
                .authorizeHttpRequests(requests -> requests.anyRequest().permitAll())
                .csrf(csrf -> csrf.ignoringRequestMatchers("/webhook/whatsapp"))
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .requestCache(cache -> cache.disable())
                .build();
    }

    /**
     * The rest of the application. Declaring any SecurityFilterChain replaces Spring Boot's default
     * one, so keep (or write) a chain for everything else; health probes stay open.
     */
    @Bean
    @Order(2)
    SecurityFilterChain applicationChain(HttpSecurity http) throws Exception {
        return http
                .authorizeHttpRequests(requests -> requests
                        .requestMatchers("/actuator/health/**", "/actuator/health").permitAll()
                        .anyRequest().authenticated())
                .httpBasic(Customizer.withDefaults())
                .build();
    }
}
// end::spring-security[]
