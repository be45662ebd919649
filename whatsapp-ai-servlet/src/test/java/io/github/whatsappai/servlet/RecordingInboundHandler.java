package io.github.whatsappai.servlet;

import io.github.whatsappai.webhook.InboundHandler;
import io.github.whatsappai.webhook.model.InboundMessage;

import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/** Keeps every message the core hands on, from any thread. */
final class RecordingInboundHandler implements InboundHandler {

    private final ConcurrentLinkedQueue<InboundMessage> messages = new ConcurrentLinkedQueue<>();

    @Override
    public void onMessage(InboundMessage message) {
        messages.add(message);
    }

    void clear() {
        messages.clear();
    }

    List<InboundMessage> messages() {
        return List.copyOf(messages);
    }

    List<String> ids() {
        return messages.stream().map(InboundMessage::id).toList();
    }
}
