/**
 * Where the SDK keeps what it owes: the delivery ledger, pending bursts, claims with leases, the
 * outbox, deferred chat-log entries and the users' daily media allowance
 * ({@link io.github.whatsappai.store.MediaAllowance}). {@link io.github.whatsappai.store.StateStore} is the SPI;
 * the in-memory store is the default and a PostgreSQL store makes the state durable and shared.
 */
package io.github.whatsappai.store;
