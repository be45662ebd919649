/**
 * The knowledge base the assistant is grounded in: {@link io.github.whatsappai.ai.knowledge.KnowledgeBase}
 * (pluggable retrieval: a vector store or Lucene can take its place) and
 * {@link io.github.whatsappai.ai.knowledge.PdfKnowledgeBase}, which loads PDFs from URLs or files,
 * refreshes them conditionally, cuts them into passages and searches them with a BM25 index, or
 * hybrid BM25 + vectors through an {@link io.github.whatsappai.ai.knowledge.Embedder} such as
 * {@link io.github.whatsappai.ai.knowledge.OpenAiCompatibleEmbedder}. Extraction, chunking,
 * indexing, fusion and budget-fill helpers are package-private.
 */
package io.github.whatsappai.ai.knowledge;
