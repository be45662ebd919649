package io.github.whatsappai.client;

import java.util.List;

/**
 * What the Graph API accepted. Accepted is not delivered: delivery arrives later as a status update.
 *
 * @param messageIds the wamid of each message sent, in order (several when a long text was split)
 */
public record SendResult(List<String> messageIds) {

    public SendResult {
        messageIds = List.copyOf(messageIds);
    }
}
