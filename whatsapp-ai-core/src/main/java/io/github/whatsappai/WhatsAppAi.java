package io.github.whatsappai;

import io.github.whatsappai.event.EventListener;
import io.github.whatsappai.event.LoggingEventListener;
import io.github.whatsappai.internal.ingress.WebhookIngress;
import io.github.whatsappai.webhook.InboundHandler;
import io.github.whatsappai.webhook.WebhookRequest;
import io.github.whatsappai.webhook.WebhookResponse;

import java.time.Clock;
import java.util.Map;
import java.util.Objects;

/**
 * The SDK's entry point: answers Meta's webhook requests and hands every accepted message on.
 *
 * <p>Create one instance per application with {@link #builder()} or
 * {@link #fromEnvironment(Map)}, register it with an adapter (e.g. the servlet module's
 * {@code WhatsAppWebhookServlet}) that translates each HTTP request into a {@link WebhookRequest},
 * and {@link #close()} it on shutdown.
 *
 * <pre>{@code
 * WhatsAppAi ai = WhatsAppAi.builder()
 *         .config(WhatsAppAiConfig.fromEnvironment(System.getenv()))
 *         .inboundHandler(message -> queue.add(message))
 *         .build();
 * WebhookResponse response = ai.handle(request);
 * }</pre>
 *
 * <p>{@link #handle(WebhookRequest)} verifies the handshake or the signature over the raw body,
 * parses every message and status, applies the guards (numbers served, sender identity,
 * de-duplication, stale messages, sanitising, per-sender rate limit) and answers within
 * milliseconds: exactly 200 for every correctly signed POST, 401 for a bad signature. Everything it
 * refuses or ignores is reported to the {@link EventListener}.
 *
 * <p>Thread-safe: share one instance between all request threads.
 */
public final class WhatsAppAi implements AutoCloseable {

    private final WhatsAppAiConfig config;
    private final WebhookIngress ingress;

    private WhatsAppAi(Builder b) {
        this.config = b.config;
        this.ingress = new WebhookIngress(b.config, b.eventListener, b.inboundHandler, b.clock);
    }

    /** A builder; only {@link Builder#config(WhatsAppAiConfig)} is required. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * An instance configured from environment variables (pass {@code System.getenv()}), with the
     * default event listener and no inbound handler.
     *
     * @throws IllegalArgumentException listing every missing or invalid variable
     * @see WhatsAppAiConfig#fromEnvironment(Map)
     */
    public static WhatsAppAi fromEnvironment(Map<String, String> env) {
        return builder().config(WhatsAppAiConfig.fromEnvironment(env)).build();
    }

    /**
     * Answers one webhook request. Thread-safe; never throws for bad input.
     *
     * <ul>
     *   <li>GET: 200 with {@code hub.challenge} as text/plain when {@code hub.mode} is
     *       {@code subscribe} and {@code hub.verify_token} matches; else 403.</li>
     *   <li>POST: 413 above {@link WhatsAppAiConfig#maxBodyBytes()}; 401 when
     *       {@code X-Hub-Signature-256} is missing, malformed or matches no app secret; otherwise 200,
     *       also for broken JSON or deliveries for other numbers (reported, not processed). 503 after
     *       {@link #close()}, or when the inbound handler threw, so that Meta redelivers.</li>
     *   <li>Other methods: 405.</li>
     * </ul>
     */
    public WebhookResponse handle(WebhookRequest request) {
        return ingress.handle(request);
    }

    /** The configuration this instance runs with. */
    public WhatsAppAiConfig config() {
        return config;
    }

    /** Stops taking deliveries: later POSTs are answered 503 so Meta redelivers them. Idempotent. */
    @Override
    public void close() {
        ingress.close();
    }

    /** Builds a {@link WhatsAppAi}; not thread-safe. */
    public static final class Builder {
        private WhatsAppAiConfig config;
        private EventListener eventListener = new LoggingEventListener();
        private InboundHandler inboundHandler;
        private Clock clock = Clock.systemUTC();

        private Builder() {
        }

        /** The configuration; required. */
        public Builder config(WhatsAppAiConfig config) {
            this.config = Objects.requireNonNull(config, "config");
            return this;
        }

        /** Receives every event; default {@link LoggingEventListener}. Must be fast and thread-safe. */
        public Builder eventListener(EventListener eventListener) {
            this.eventListener = Objects.requireNonNull(eventListener, "eventListener");
            return this;
        }

        /**
         * Receives every accepted message on the request thread; must only enqueue. Without one,
         * accepted messages are only reported as events.
         */
        public Builder inboundHandler(InboundHandler inboundHandler) {
            this.inboundHandler = Objects.requireNonNull(inboundHandler, "inboundHandler");
            return this;
        }

        /** The clock for the stale guard, de-duplication window and rate limit; default UTC system clock. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Builds the instance.
         *
         * @throws IllegalStateException when no configuration was given
         */
        public WhatsAppAi build() {
            if (config == null) {
                throw new IllegalStateException("config is required: call config(WhatsAppAiConfig.builder()...build()) "
                        + "or use WhatsAppAi.fromEnvironment(System.getenv())");
            }
            return new WhatsAppAi(this);
        }
    }
}
