/**
 * The sending half: {@link io.github.whatsappai.client.WhatsAppClient} and its Graph API
 * implementation with WhatsApp's limits (4096-character texts, Markdown to WhatsApp formatting,
 * pacing, the pair rate limit) and Meta's error policy.
 */
package io.github.whatsappai.client;
