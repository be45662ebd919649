/**
 * The request-thread half of the pipeline behind {@link io.github.whatsappai.WhatsAppAi#handle}:
 * verification, parsing and the guards (business filter, identity validation, de-duplication,
 * stale-message guard, sanitising, per-sender rate limit) before a message is handed to the
 * {@link io.github.whatsappai.webhook.InboundHandler}. Implementation: no compatibility promise.
 */
package io.github.whatsappai.internal.ingress;
