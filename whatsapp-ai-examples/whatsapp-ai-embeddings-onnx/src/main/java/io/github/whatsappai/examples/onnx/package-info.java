/**
 * Opt-in in-process embeddings for hybrid retrieval: {@link io.github.whatsappai.examples.onnx.InProcessEmbedder}
 * runs a small sentence-embedding model shipped inside a Maven Central jar, so a
 * {@link io.github.whatsappai.ai.knowledge.PdfKnowledgeBase} can rank passages by meaning as well
 * as by words without any embedding server. Its jars (ONNX Runtime and LangChain4j, about 130 MB,
 * with their own Jackson) stay out of the core and out of the default demo jar.
 * {@link io.github.whatsappai.examples.onnx.InProcessDemo} is the main class of the opt-in demo jar
 * with that model ({@code -Pdemo-onnx}).
 */
package io.github.whatsappai.examples.onnx;
