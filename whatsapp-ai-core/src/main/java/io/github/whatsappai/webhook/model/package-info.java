/**
 * The typed events of a WhatsApp Cloud API webhook delivery: inbound messages of every type,
 * status updates and errors.
 *
 * <p>The model is open-ended on purpose: Meta adds message types and fields, so an unknown type
 * parses into {@link io.github.whatsappai.webhook.model.UnknownContent} and unknown fields are
 * ignored, never an exception. All values are immutable records.
 */
package io.github.whatsappai.webhook.model;
