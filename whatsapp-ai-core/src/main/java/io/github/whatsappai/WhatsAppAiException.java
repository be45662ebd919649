package io.github.whatsappai;

/**
 * Base of every exception the SDK throws for a failure outside the caller's control (a remote API,
 * a storage SPI, an unusable document). Misuse of the API is reported with the JDK's own exceptions
 * ({@link IllegalArgumentException}, {@link IllegalStateException}) instead.
 */
public abstract class WhatsAppAiException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    protected WhatsAppAiException(String message) {
        super(message);
    }

    protected WhatsAppAiException(String message, Throwable cause) {
        super(message, cause);
    }
}
