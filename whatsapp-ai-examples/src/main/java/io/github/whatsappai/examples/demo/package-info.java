/**
 * The runnable demo: {@link io.github.whatsappai.examples.demo.DemoServer} (the webhook in embedded
 * Jetty with no credentials and no database needed) and {@link io.github.whatsappai.examples.demo.ChatSimulator}
 * (type as a WhatsApp user). {@link io.github.whatsappai.examples.demo.Main} dispatches between them.
 * With {@code DATABASE_URL} the demo runs on PostgreSQL, the SDK's durable state store included
 * ({@code DemoDatabase}): demos on one database are replicas that share the work.
 */
package io.github.whatsappai.examples.demo;
