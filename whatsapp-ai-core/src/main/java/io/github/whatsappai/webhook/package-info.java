/**
 * The receiving side of {@code /webhook/whatsapp}: the neutral {@link io.github.whatsappai.webhook.WebhookRequest}
 * and {@link io.github.whatsappai.webhook.WebhookResponse} every adapter translates to and from,
 * {@link io.github.whatsappai.webhook.WebhookVerifier} (handshake and signature),
 * {@link io.github.whatsappai.webhook.WebhookParser} and the
 * {@link io.github.whatsappai.webhook.InboundHandler} that accepted messages are handed to.
 */
package io.github.whatsappai.webhook;
