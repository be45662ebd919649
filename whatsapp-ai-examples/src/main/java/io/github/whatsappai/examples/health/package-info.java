/**
 * Readiness and liveness of a whatsapp-ai instance for a load balancer or Kubernetes:
 * {@link io.github.whatsappai.examples.health.WhatsAppAiHealth} combines small
 * {@link io.github.whatsappai.examples.health.HealthCheck}s (knowledge base loaded, store reachable,
 * backlog depth). The Spring Boot sample exposes it as a health indicator; the demo prints it.
 */
package io.github.whatsappai.examples.health;
