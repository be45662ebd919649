/**
 * Writing the reply: the {@link io.github.whatsappai.ai.AiResponder} interface and its
 * implementations, {@link io.github.whatsappai.ai.OpenRouterResponder} (an LLM through OpenRouter,
 * grounded in the knowledge base) and {@link io.github.whatsappai.ai.KnowledgeBaseResponder}
 * (offline, extractive). Retrieval happens inside the responder.
 */
package io.github.whatsappai.ai;
