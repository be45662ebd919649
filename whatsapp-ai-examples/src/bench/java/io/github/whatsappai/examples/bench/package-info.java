/**
 * Measurements of the built demo jar (compiled only with {@code -Pbench}, or by
 * {@code whatsapp-ai-examples/src/bench/demo-figures.sh}); see {@code docs/performance-demo.md}.
 */
package io.github.whatsappai.examples.bench;
