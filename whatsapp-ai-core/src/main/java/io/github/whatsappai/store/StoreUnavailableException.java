package io.github.whatsappai.store;

/**
 * A {@link StateStore} could not reach its storage (database down, pool exhausted, write deadline
 * passed). Nothing was changed; the caller tries again later. Its message never carries personal
 * data (drivers' messages can quote the offending row, so they are not copied).
 */
public class StoreUnavailableException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** @param message what failed, without personal data */
    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
