package io.github.whatsappai.servlet;

import io.github.whatsappai.WhatsAppAi;
import jakarta.servlet.ServletConfig;

/**
 * Creates the {@link WhatsAppAi} a {@link WhatsAppWebhookServlet} serves when the container
 * instantiates the servlet itself ({@code web.xml}). Name the implementing class in the servlet's
 * init-param {@value WhatsAppWebhookServlet#FACTORY_PARAM}; it needs a public no-argument constructor.
 *
 * <pre>{@code
 * public final class MyWhatsAppAiFactory implements WhatsAppAiFactory {
 *     public WhatsAppAi create(ServletConfig config) {
 *         return WhatsAppAi.builder()
 *                 .config(WhatsAppAiConfig.fromEnvironment(System.getenv()))
 *                 .build();
 *     }
 * }
 * }</pre>
 *
 * <p>The servlet calls {@link #create(ServletConfig)} once, from {@code init}, and closes the instance
 * it returned in {@code destroy}: the instance belongs to the servlet.
 */
@FunctionalInterface
public interface WhatsAppAiFactory {

    /**
     * Builds the instance the servlet will serve.
     *
     * @param config the servlet's configuration: its init-params and its {@code ServletContext}
     * @return a new instance, never {@code null}; the servlet closes it in {@code destroy}
     * @throws Exception any failure; the servlet reports it as a {@link jakarta.servlet.ServletException}
     *         and the container does not put the servlet in service
     */
    WhatsAppAi create(ServletConfig config) throws Exception;
}
