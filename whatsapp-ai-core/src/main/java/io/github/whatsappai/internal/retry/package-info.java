/**
 * The one retry layer of the SDK: {@link io.github.whatsappai.internal.retry.Backoff} (exponential
 * growth with jitter), {@link io.github.whatsappai.internal.retry.RetryPolicy} (attempts, an overall
 * deadline, {@code Retry-After}, waits as tasks on a {@link java.util.concurrent.ScheduledExecutorService}),
 * and {@link io.github.whatsappai.internal.retry.CircuitBreaker}, which the retries of every call
 * through one policy share. Time comes from a {@link java.time.Clock} and the scheduler only;
 * jitter from an injectable {@link java.util.random.RandomGenerator}. Implementation: no
 * compatibility promise.
 */
package io.github.whatsappai.internal.retry;
