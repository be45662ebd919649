/**
 * How the application's users, sessions, credits and chat logs are stored: small interfaces the
 * application implements ({@link io.github.whatsappai.spi.UserMapper},
 * {@link io.github.whatsappai.spi.ChatLogger}, {@link io.github.whatsappai.spi.CreditGate},
 * {@link io.github.whatsappai.spi.SessionStore}), each with a thread-safe, bounded in-memory
 * implementation for the demo and for unit tests. Abstract contract tests for each interface are
 * published in the core test-jar; an implementation that passes them works with the pipeline.
 */
package io.github.whatsappai.spi;
