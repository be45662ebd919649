/**
 * Reading a verified delivery into {@link io.github.whatsappai.webhook.model.WebhookDelivery}:
 * {@link io.github.whatsappai.internal.webhook.WebhookParser}, its general tree reader and the
 * streaming reader used on the request path (a differential test keeps the two equal). Implementation:
 * no compatibility promise.
 */
package io.github.whatsappai.internal.webhook;
