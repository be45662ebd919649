/**
 * Burst buffering: {@link io.github.whatsappai.buffer.MessageBuffer} collects each conversation's
 * messages until it has been quiet for a window (restarted by every message), a maximum wait has
 * passed or a batch is full, then hands the burst to a worker as one
 * {@link io.github.whatsappai.store.Batch}, one batch per conversation at a time. Pending messages
 * and claims live in a {@link io.github.whatsappai.store.StateStore}: in memory by default; the
 * PostgreSQL store makes the hand-off durable and shared across instances.
 */
package io.github.whatsappai.buffer;
