package io.github.whatsappai.client;

import io.github.whatsappai.internal.http.JsonExchange;

import java.net.URI;
import java.util.function.LongFunction;

/**
 * One Graph API request with everything its attempts need.
 *
 * @param uri           where it goes
 * @param body          the JSON body of a POST, or {@code null} for a GET
 * @param phoneNumberId the sending number, whose pace it passes; {@code null} for requests not paced
 * @param recipient     the wa_id or user id of a send, or {@code null}; its pair holds apply
 * @param text          the text not yet sent, for {@link io.github.whatsappai.event.Event.ReEngagementRequired}
 * @param sendsMessage  whether it delivers a message to a user (so that sending it twice would
 *                      show it twice): then a timeout after the request was written is ambiguous
 * @param callbackData  the {@code biz_opaque_callback_data} it carries, or {@code null}
 * @param maxBytes      the largest response body read
 * @param tooLarge      the failure for a larger body
 * @param parser        turns a 2xx answer into the result
 * @param onDispatch    runs each time an attempt leaves the pace for the network, or {@code null}
 */
record GraphCall<T>(URI uri, byte[] body, String phoneNumberId, String recipient, String text, boolean sendsMessage,
                    String callbackData, long maxBytes, LongFunction<? extends Throwable> tooLarge, Parser<T> parser,
                    Runnable onDispatch) {

    /** A call nobody needs to hear about when it leaves the pace. */
    GraphCall(URI uri, byte[] body, String phoneNumberId, String recipient, String text, boolean sendsMessage,
              String callbackData, long maxBytes, LongFunction<? extends Throwable> tooLarge, Parser<T> parser) {
        this(uri, body, phoneNumberId, recipient, text, sendsMessage, callbackData, maxBytes, tooLarge, parser, null);
    }

    /** Turns a 2xx answer into the call's result; throws a {@link WhatsAppApiException} when it holds none. */
    @FunctionalInterface
    interface Parser<T> {
        T parse(JsonExchange.Response response);
    }

    /** The key of the (phone number id, recipient) pair rate limit, or {@code null}. */
    String pairKey() {
        return recipient == null ? null : phoneNumberId + '|' + recipient;
    }
}
