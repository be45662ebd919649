package io.github.whatsappai.internal.retry;

import io.github.whatsappai.internal.NamedDaemonThreads;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;

/**
 * The scheduler that components given none use for their retry waits: one named daemon thread
 * ({@code whatsapp-ai-retry-timer}) for the whole JVM, created on first use and never shut down, as
 * the JDK's own delayed executor is. Its tasks only start the next (asynchronous) attempt; nothing
 * slow runs on it. Components that own their lifecycle take a scheduler of their own instead.
 */
public final class SharedTimer {

    private SharedTimer() {
    }

    private static final class Holder {
        static final ScheduledThreadPoolExecutor TIMER = create();

        private static ScheduledThreadPoolExecutor create() {
            ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1,
                    NamedDaemonThreads.named("whatsapp-ai-retry-timer"));
            timer.setRemoveOnCancelPolicy(true);
            return timer;
        }
    }

    /** The shared timer. Do not shut it down. */
    public static ScheduledExecutorService get() {
        return Holder.TIMER;
    }
}
