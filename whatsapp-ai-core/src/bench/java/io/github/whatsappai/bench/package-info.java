/**
 * Benchmarks, compiled only with {@code -Pbench}: JMH benchmarks (run through {@code org.openjdk.jmh.Main})
 * and load drivers with their own {@code main} (run with {@code -Dbench.main=<class>}).
 */
package io.github.whatsappai.bench;
