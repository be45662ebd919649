/**
 * Test support for the storage tests: a JUnit extension giving each test a fresh embedded
 * PostgreSQL database with the schema, a reader for {@code chat_logs}, small SQL helpers and a
 * helper that releases many threads at once to provoke races.
 */
package io.github.whatsappai.examples.testing;
