/**
 * What happens inside the SDK, as {@link io.github.whatsappai.event.Event} values delivered to an
 * {@link io.github.whatsappai.event.EventListener}: rejections, duplicates, parse failures, rate
 * limiting, flushes, AI and Graph API outcomes, storage failures. The default
 * {@link io.github.whatsappai.event.LoggingEventListener} logs them through SLF4J with phone numbers
 * masked; plug a listener in to feed metrics or alerts.
 */
package io.github.whatsappai.event;
