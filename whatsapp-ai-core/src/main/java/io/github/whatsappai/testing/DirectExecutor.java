package io.github.whatsappai.testing;

import java.util.concurrent.Executor;

/**
 * An {@link Executor} that runs each task at once on the calling thread: makes asynchronous
 * hand-offs synchronous in tests. Stateless and thread-safe; use {@link #INSTANCE}.
 */
public enum DirectExecutor implements Executor {
    /** The only instance. */
    INSTANCE;

    /** Runs {@code command} on the calling thread before returning. */
    @Override
    public void execute(Runnable command) {
        command.run();
    }
}
