/**
 * The receiving side of {@code /webhook/whatsapp}: the neutral {@link io.github.whatsappai.webhook.WebhookRequest}
 * and {@link io.github.whatsappai.webhook.WebhookResponse} every adapter translates to and from,
 * {@link io.github.whatsappai.webhook.WebhookVerifier} (handshake and signature), the
 * {@link io.github.whatsappai.webhook.InboundHandler} that accepted messages are handed to, and the
 * settings of the receiving side and of its guards.
 */
package io.github.whatsappai.webhook;
