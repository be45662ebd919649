package io.github.whatsappai.internal.conversation;

import io.github.whatsappai.webhook.model.ConversationKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * One queue per conversation: a task runs only after every task queued before it for the same
 * conversation has completed (its returned stage included), so one person never has two bursts or
 * notices in flight at once, while different people run in parallel. An idle conversation costs
 * nothing: its entry is removed when its last task completes.
 */
final class ConversationLanes {

    private static final Logger LOG = LoggerFactory.getLogger(ConversationLanes.class);
    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

    /** Per conversation: completes when its latest queued task is done. */
    private final ConcurrentHashMap<ConversationKey, CompletableFuture<Void>> tails = new ConcurrentHashMap<>();
    private final Executor executor;

    /** @param executor runs a task that had to wait for its predecessor */
    ConversationLanes(Executor executor) {
        this.executor = executor;
    }

    /**
     * Runs {@code task} after every task queued before it for {@code key}: on the calling thread when
     * none is pending, else on the executor once the previous one completes. A task that throws
     * completes its turn, so the lane moves on.
     *
     * @return completes when the task's stage completes (never exceptionally)
     */
    CompletableFuture<Void> run(ConversationKey key, Supplier<CompletionStage<Void>> task) {
        CompletableFuture<Void> mine = new CompletableFuture<>();
        CompletableFuture<Void> previous = tails.put(key, mine);
        Runnable turn = () -> {
            CompletionStage<Void> stage;
            try {
                stage = task.get();
            } catch (RuntimeException | Error e) {
                LOG.error("conversation task failed for {}", key, e);
                stage = DONE;
            }
            stage.whenComplete((r, e) -> {
                tails.remove(key, mine);
                mine.complete(null);
            });
        };
        if (previous == null || previous.isDone()) {
            turn.run();
        } else {
            previous.whenCompleteAsync((r, e) -> turn.run(), executor);
        }
        return mine;
    }

    /** Conversations with a task queued or running. */
    int active() {
        return tails.size();
    }
}
