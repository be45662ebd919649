/**
 * The webhook endpoint for Jakarta Servlet 6 containers (Jetty 12 ee11, Tomcat 11, Spring Boot 3.x/4,
 * any Servlet 6.x container).
 *
 * <ul>
 *   <li>{@link io.github.whatsappai.servlet.WhatsAppWebhookServlet}: register it at
 *       {@code /webhook/whatsapp}, programmatically with {@code new WhatsAppWebhookServlet(ai)} or from
 *       {@code web.xml} with a {@link io.github.whatsappai.servlet.WhatsAppAiFactory}.</li>
 *   <li>{@link io.github.whatsappai.servlet.WebhookServletAdapter}: the translation the servlet uses,
 *       for your own servlet, filter or controller; it reads the raw body once as bytes behind a cap
 *       ({@link io.github.whatsappai.servlet.BodyTooLargeException} above it), and its {@code serve}
 *       reads it with Servlet async I/O under a read deadline when the request is async-capable.</li>
 * </ul>
 *
 * <p>Nothing here registers itself: there is no {@code @WebServlet} and no
 * {@code ServletContainerInitializer}. All logic (signature verification, parsing, guards and
 * hand-off) lives in {@link io.github.whatsappai.WhatsAppAi}; this package only translates.
 */
package io.github.whatsappai.servlet;
