package io.github.whatsappai.testing;

import io.github.whatsappai.ai.AiReply;
import io.github.whatsappai.ai.AiRequest;
import io.github.whatsappai.ai.AiResponder;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * An {@link AiResponder} that answers from a script and records every request: queue replies with
 * {@link #thenReply(String)}, failures with {@link #thenFail(RuntimeException)}, computed answers
 * with {@link #thenAnswer(Function)}. Each call takes the next step of the script; when the script is
 * used up, {@link #otherwise(Function)} answers (by default an {@link IllegalStateException} is thrown,
 * which the pipeline treats as an AI failure).
 *
 * <p>Thread-safe.
 */
public final class ScriptedAiResponder implements AiResponder {

    /** The model name of replies given as plain text. */
    public static final String MODEL = "scripted";

    private final Deque<Function<AiRequest, AiReply>> script = new ArrayDeque<>();
    private final List<AiRequest> requests = new ArrayList<>();
    private Function<AiRequest, AiReply> otherwise = request -> {
        throw new IllegalStateException("ScriptedAiResponder: no scripted reply left for call " + callCount());
    };

    /** Queues a reply with model {@value #MODEL} and no usage figures. */
    public ScriptedAiResponder thenReply(String text) {
        return thenReply(AiReply.of(text, MODEL));
    }

    /** Queues a reply. */
    public ScriptedAiResponder thenReply(AiReply reply) {
        Objects.requireNonNull(reply, "reply");
        return thenAnswer(request -> reply);
    }

    /** Queues a failure: the call throws {@code error}. */
    public ScriptedAiResponder thenFail(RuntimeException error) {
        Objects.requireNonNull(error, "error");
        return thenAnswer(request -> {
            throw error;
        });
    }

    /** Queues an answer computed from the request. */
    public synchronized ScriptedAiResponder thenAnswer(Function<AiRequest, AiReply> answer) {
        script.addLast(Objects.requireNonNull(answer, "answer"));
        return this;
    }

    /** Answers every call after the script is used up (e.g. {@code r -> AiReply.of("ok", "test")}). */
    public synchronized ScriptedAiResponder otherwise(Function<AiRequest, AiReply> answer) {
        this.otherwise = Objects.requireNonNull(answer, "answer");
        return this;
    }

    @Override
    public AiReply respond(AiRequest request) {
        Function<AiRequest, AiReply> step;
        synchronized (this) {
            requests.add(request);
            step = script.isEmpty() ? otherwise : script.removeFirst();
        }
        return step.apply(request);
    }

    /** Every request received, oldest first. */
    public synchronized List<AiRequest> requests() {
        return List.copyOf(requests);
    }

    /** The latest request. @throws IllegalStateException when there was none */
    public synchronized AiRequest lastRequest() {
        if (requests.isEmpty()) {
            throw new IllegalStateException("no request received");
        }
        return requests.get(requests.size() - 1);
    }

    /** How many requests were received. */
    public synchronized int callCount() {
        return requests.size();
    }

    /** Steps of the script not used yet. */
    public synchronized int remainingSteps() {
        return script.size();
    }
}
