/**
 * The runnable demo: {@link io.github.whatsappai.examples.demo.DemoServer} (the webhook in embedded
 * Jetty with no credentials and no database needed) and {@link io.github.whatsappai.examples.demo.ChatSimulator}
 * (type as a WhatsApp user). {@link io.github.whatsappai.examples.demo.Main} dispatches between them.
 */
package io.github.whatsappai.examples.demo;
