/**
 * The one HTTP layer of the SDK's clients on {@code java.net.http}: {@link io.github.whatsappai.internal.http.JsonExchange}
 * (the deadline over the whole exchange, the response size cap, transport failures mapped to what
 * they say about the request), {@link io.github.whatsappai.internal.http.CappedBody} (reading a body
 * into memory under a byte cap) and {@link io.github.whatsappai.internal.http.HttpClients} (the
 * client created when none is given). Implementation: no compatibility promise.
 */
package io.github.whatsappai.internal.http;
