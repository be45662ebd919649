/**
 * Test kit for applications using the SDK: {@link io.github.whatsappai.testing.SignedWebhooks}
 * signs bodies exactly as Meta does and builds signed requests and handshakes;
 * {@link io.github.whatsappai.testing.WebhookPayloads} builds wire-like delivery bodies (text,
 * image, status, batches) so tests need no hand-written JSON. Ships in the main jar: it has no
 * dependencies beyond the JDK and is safe to call from production code, but is meant for tests.
 */
package io.github.whatsappai.testing;
