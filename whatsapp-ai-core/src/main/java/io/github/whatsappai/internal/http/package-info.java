/**
 * HTTP helpers shared by the SDK's clients on {@code java.net.http}: reading a response body into
 * memory under a byte cap. Implementation: no compatibility promise.
 */
package io.github.whatsappai.internal.http;
