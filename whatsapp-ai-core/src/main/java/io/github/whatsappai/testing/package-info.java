/**
 * A test kit for applications that embed the SDK, shipped in the main jar: a
 * {@link io.github.whatsappai.testing.ManualClock} and a
 * {@link io.github.whatsappai.testing.VirtualScheduler} that run 15 seconds of buffering in
 * microseconds, a {@link io.github.whatsappai.testing.DirectExecutor}, a scripted
 * {@link io.github.whatsappai.testing.ScriptedAiResponder} and a
 * {@link io.github.whatsappai.testing.RecordingWhatsAppClient} that records what would have been sent.
 * Together with the in-memory SPIs of {@link io.github.whatsappai.spi} they let a test drive the
 * whole conversation pipeline without a network, a database or a sleep.
 */
package io.github.whatsappai.testing;
