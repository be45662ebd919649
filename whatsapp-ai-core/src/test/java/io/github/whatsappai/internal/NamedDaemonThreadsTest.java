package io.github.whatsappai.internal;

import org.junit.jupiter.api.Test;

import java.util.concurrent.ThreadFactory;

import static org.assertj.core.api.Assertions.assertThat;

class NamedDaemonThreadsTest {

    @Test
    void namedThreadsAreDaemonsAndAllCarryTheName() {
        ThreadFactory f = NamedDaemonThreads.named("whatsapp-ai-timer");
        Thread a = f.newThread(() -> { });
        Thread b = f.newThread(() -> { });
        assertThat(a.isDaemon()).isTrue();
        assertThat(a.getName()).isEqualTo("whatsapp-ai-timer");
        assertThat(b.getName()).isEqualTo("whatsapp-ai-timer");
    }

    @Test
    void numberedThreadsCountFromOneInCreationOrder() throws Exception {
        ThreadFactory f = NamedDaemonThreads.numbered("whatsapp-ai-worker-");
        boolean[] ran = new boolean[1];
        Thread first = f.newThread(() -> ran[0] = true);
        Thread second = f.newThread(() -> { });
        assertThat(first.getName()).isEqualTo("whatsapp-ai-worker-1");
        assertThat(second.getName()).isEqualTo("whatsapp-ai-worker-2");
        assertThat(second.isDaemon()).isTrue();
        first.start();
        first.join();
        assertThat(ran[0]).as("the factory's thread runs the given task").isTrue();
    }
}
