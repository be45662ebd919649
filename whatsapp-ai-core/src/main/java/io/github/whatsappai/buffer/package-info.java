/**
 * Burst buffering: {@link io.github.whatsappai.buffer.MessageBuffer} collects each conversation's
 * messages until it has been quiet for a window (restarted by every message), a maximum wait has
 * passed or a batch is full, then hands the burst to a worker as one
 * {@link io.github.whatsappai.store.Batch}, one batch per conversation at a time. Pending messages
 * live in a {@link io.github.whatsappai.buffer.PendingStore}: in memory by default
 * ({@link io.github.whatsappai.buffer.InMemoryPendingStore}); a shared store can make the hand-off
 * durable across instances.
 */
package io.github.whatsappai.buffer;
