/**
 * Load-benchmark entry point for the servlet (compiled only with {@code -Pbench}, never published):
 * {@link io.github.whatsappai.servlet.bench.BenchServer}.
 */
package io.github.whatsappai.servlet.bench;
