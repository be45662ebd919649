/**
 * The SDK's events as Micrometer meters: {@link io.github.whatsappai.examples.metrics.MicrometerEventListener}.
 */
package io.github.whatsappai.examples.metrics;
