/**
 * A test kit for applications that embed the SDK, shipped in the main jar (it needs nothing beyond
 * the SDK's own dependencies; meant for tests):
 * <ul>
 *   <li>{@link io.github.whatsappai.testing.SignedWebhooks} signs bodies exactly as Meta does and
 *       builds signed requests and handshakes;</li>
 *   <li>{@link io.github.whatsappai.testing.WebhookPayloads} builds wire-like delivery bodies (text,
 *       image, status, batches), so tests need no hand-written JSON;</li>
 *   <li>{@link io.github.whatsappai.testing.ManualClock} and
 *       {@link io.github.whatsappai.testing.VirtualScheduler} run 15 seconds of buffering in
 *       microseconds; {@link io.github.whatsappai.testing.DirectExecutor} runs work on the caller;</li>
 *   <li>{@link io.github.whatsappai.testing.ScriptedAiResponder} answers from a script and records
 *       requests; {@link io.github.whatsappai.testing.RecordingWhatsAppClient} records what would have
 *       been sent.</li>
 * </ul>
 * Together with the in-memory SPIs of {@link io.github.whatsappai.spi} they let a test drive the
 * whole pipeline, from a signed webhook to the reply, without a network, a database or a sleep.
 */
package io.github.whatsappai.testing;
