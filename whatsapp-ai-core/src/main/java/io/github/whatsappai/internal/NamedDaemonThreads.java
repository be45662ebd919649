package io.github.whatsappai.internal;

import java.util.Objects;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Thread factories for the threads the SDK creates itself: daemon threads (they never keep the JVM
 * alive) with a recognisable name. The factories are thread-safe.
 */
public final class NamedDaemonThreads {

    private NamedDaemonThreads() {
    }

    /** A factory whose threads are all called {@code name}; for single-thread executors. */
    public static ThreadFactory named(String name) {
        Objects.requireNonNull(name, "name");
        return r -> daemon(r, name);
    }

    /** A factory whose threads are called {@code prefix} followed by 1, 2, 3, ... in creation order. */
    public static ThreadFactory numbered(String prefix) {
        Objects.requireNonNull(prefix, "prefix");
        AtomicInteger count = new AtomicInteger();
        return r -> daemon(r, prefix + count.incrementAndGet());
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}
