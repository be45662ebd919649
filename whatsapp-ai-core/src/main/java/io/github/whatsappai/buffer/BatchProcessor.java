package io.github.whatsappai.buffer;

import io.github.whatsappai.store.Batch;

import java.util.concurrent.CompletionStage;

/**
 * Answers one {@link Batch}; called by the {@link MessageBuffer} on a worker thread. For work that
 * must survive a crash step by step, use a {@link ClaimProcessor}.
 *
 * <p>The conversation stays claimed until the returned stage completes (normally or exceptionally):
 * messages arriving meanwhile are collected into the next batch, which is handed over only after
 * that. So a processor may finish asynchronously (waiting for a send) without blocking its thread.
 */
@FunctionalInterface
public interface BatchProcessor {

    /**
     * Processes {@code batch}.
     *
     * @return completes when the batch is finished; {@code null} counts as finished at once
     */
    CompletionStage<?> process(Batch batch);
}
