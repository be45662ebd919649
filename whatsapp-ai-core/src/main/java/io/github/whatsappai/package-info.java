/**
 * whatsapp-ai: an LLM assistant behind a WhatsApp Business number.
 *
 * <p>Start with {@link io.github.whatsappai.WhatsAppAi}, configured by
 * {@link io.github.whatsappai.WhatsAppAiConfig}, which composes one settings record per feature
 * package (webhook, guards, buffer, conversation, knowledge base, OpenRouter, Graph API). Only this
 * package reads the root configuration; each feature package takes its own record. Feature packages:
 * {@code webhook} (verification, parsing, the neutral request/response), {@code webhook.model}
 * (the typed webhook events), {@code buffer} (the burst buffer), {@code conversation} (the pipeline
 * that answers each burst once), {@code ai} (responders and the knowledge base), {@code client}
 * (the Graph API client), {@code spi} (storage interfaces and in-memory implementations),
 * {@code event} (listener events) and {@code testing} (the kit for users' tests).
 * {@code internal} packages carry no compatibility promise.
 */
package io.github.whatsappai;
