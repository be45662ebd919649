package io.github.whatsappai.servlet;

import io.github.whatsappai.WhatsAppAi;
import jakarta.servlet.ServletConfig;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The factory a {@code web.xml} names: the container instantiates it reflectively, so the test observes it
 * through static state ({@link #reset()} before each use).
 */
public final class RecordingWhatsAppAiFactory implements WhatsAppAiFactory {

    static final RecordingInboundHandler HANDLER = new RecordingInboundHandler();
    private static final List<WhatsAppAi> CREATED = new CopyOnWriteArrayList<>();

    /** Required by the servlet: public and without arguments. */
    public RecordingWhatsAppAiFactory() {
    }

    static void reset() {
        CREATED.clear();
        HANDLER.clear();
    }

    static List<WhatsAppAi> created() {
        return List.copyOf(CREATED);
    }


    @Override
    public WhatsAppAi create(ServletConfig config) {
        WhatsAppAi ai = WhatsAppAi.builder().config(WebhookServletContainerTest.config()).inboundHandler(HANDLER)
                .clock(WebhookServletContainerTest.CLOCK).build();
        CREATED.add(ai);
        return ai;
    }
}
