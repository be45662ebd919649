/**
 * JMH benchmarks, compiled and run only with the {@code bench} Maven profile:
 * {@code ./mvnw -B -q -Pbench -pl whatsapp-ai-core test-compile exec:exec -Dbench.args="IngestBench -wi 2 -i 3 -f 1"}.
 */
package io.github.whatsappai.bench;
