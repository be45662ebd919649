package io.github.whatsappai.internal.conversation;

import io.github.whatsappai.ai.ChatTurn;
import io.github.whatsappai.webhook.model.InboundMessage;
import io.github.whatsappai.webhook.model.RequestWelcomeContent;
import io.github.whatsappai.webhook.model.TextContent;
import io.github.whatsappai.webhook.model.UnsupportedContent;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** Builds prompt turns from bursts and history. Stateless. */
final class Turns {

    private Turns() {
    }

    /** The text given to the AI and the log for one message: the text itself, or its description. */
    static String describe(InboundMessage m) {
        if (m.content() instanceof TextContent t) {
            return t.body() == null ? "" : t.body();
        }
        String d = m.content().describe();
        return d == null ? "[" + m.type() + "]" : d;
    }

    /** The burst as one user turn: each message on its own line, in order, cut at {@code maxChars}. */
    static String userTurn(List<InboundMessage> messages, int maxChars) {
        StringBuilder sb = new StringBuilder();
        for (InboundMessage m : messages) {
            if (sb.length() > 0) {
                sb.append('\n');
            }
            sb.append(describe(m));
            if (sb.length() >= maxChars) {
                break;
            }
        }
        return cut(sb, maxChars);
    }

    private static String cut(CharSequence s, int maxChars) {
        if (s.length() <= maxChars) {
            return s.toString();
        }
        int end = maxChars;
        if (Character.isHighSurrogate(s.charAt(end - 1))) {
            end--;
        }
        return s.subSequence(0, end).toString();
    }

    /** The most recent turns of {@code history} whose characters add up to at most {@code maxChars}. */
    static List<ChatTurn> window(List<ChatTurn> history, int maxChars) {
        int total = 0;
        int from = history.size();
        while (from > 0) {
            int len = history.get(from - 1).content().length();
            if (total + len > maxChars) {
                break;
            }
            total += len;
            from--;
        }
        return new ArrayList<>(history.subList(from, history.size()));
    }

    static boolean isResetWord(InboundMessage m, Set<String> resetWords) {
        return m.content() instanceof TextContent t && t.body() != null
                && resetWords.contains(t.body().strip().toLowerCase(Locale.ROOT));
    }

    static boolean isWelcome(InboundMessage m) {
        return m.content() instanceof RequestWelcomeContent || "request_welcome".equals(m.type());
    }

    static boolean isUnsupported(InboundMessage m) {
        return m.content() instanceof UnsupportedContent || "unsupported".equals(m.type());
    }

    /** The cause behind a future's wrapper exceptions. */
    static Throwable unwrap(Throwable error) {
        Throwable e = error;
        while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }

    /** A short description of a send error for the chat log (no stack trace). */
    static String describeError(Throwable error) {
        Throwable e = unwrap(error);
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }
}
