/**
 * Measurements of the built demo jar (compiled only with {@code -Pbench}, or by
 * {@code whatsapp-ai-examples/src/bench/demo-figures.sh}); see {@code docs/performance/demo.md}. The
 * slow-clients fault run ({@code SlowClientsBench}, run by {@code src/bench/slow-clients.sh}) is in
 * {@code docs/performance/slow-clients.md}.
 */
package io.github.whatsappai.examples.bench;
