/**
 * Benchmarks, compiled only with the {@code bench} Maven profile: JMH benchmarks (run through
 * {@code org.openjdk.jmh.Main}), e.g.
 * {@code ./mvnw -B -q -Pbench -pl whatsapp-ai-core test-compile exec:exec -Dbench.args="IngestBench -wi 5 -i 5 -f 1"},
 * and load drivers with their own {@code main}, run with {@code -Dbench.main=<class>}.
 */
package io.github.whatsappai.bench;
