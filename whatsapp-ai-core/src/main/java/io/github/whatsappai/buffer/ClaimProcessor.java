package io.github.whatsappai.buffer;

import io.github.whatsappai.store.Claim;

import java.util.concurrent.CompletionStage;

/**
 * Answers one claimed burst; called by the {@link MessageBuffer} on a worker thread. Unlike a
 * {@link BatchProcessor} it sees the {@link Claim}: its progress (how far an earlier owner got) and
 * its takeovers, so it can store each step and continue a burst another worker began.
 *
 * <p>The claim is held, and its lease renewed, until the returned stage completes. A stage that
 * completes with a {@link io.github.whatsappai.store.StoreUnavailableException} gives the burst back
 * to be claimed again a little later; one that completes with a
 * {@link io.github.whatsappai.store.ClaimLostException} leaves it to its new owner.
 */
@FunctionalInterface
public interface ClaimProcessor {

    /**
     * Processes {@code claim}.
     *
     * @return completes when the burst is finished; {@code null} counts as finished at once
     */
    CompletionStage<?> process(Claim claim);
}
