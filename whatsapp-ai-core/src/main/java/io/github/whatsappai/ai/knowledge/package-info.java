/**
 * The knowledge base the assistant is grounded in: {@link io.github.whatsappai.ai.knowledge.KnowledgeBase}
 * (pluggable retrieval) and the PDF-backed implementation with a lexical index.
 */
package io.github.whatsappai.ai.knowledge;
