/**
 * The README's Spring Boot registration as a runnable Spring Boot application: the
 * {@code WhatsAppAi} bean closed on shutdown, the webhook servlet with {@code asyncSupported}, the
 * Spring Security chain that lets Meta's requests through to it, and the SDK's health as an actuator
 * health indicator. Run it with {@code java -jar target/whatsapp-ai-spring-boot-sample.jar} and the
 * same environment variables as any other host ({@code META_APP_SECRET}, {@code META_ACCESS_TOKEN}, …).
 */
package io.github.whatsappai.examples.springboot;
