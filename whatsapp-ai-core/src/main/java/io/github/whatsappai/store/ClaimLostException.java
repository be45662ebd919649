package io.github.whatsappai.store;

/**
 * The claim's lease ran out and another instance took the burst over: the caller stops working on it.
 */
public class ClaimLostException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** @param claimId the lost claim */
    public ClaimLostException(String claimId) {
        super("claim " + claimId + " was taken over after its lease ran out");
    }
}
