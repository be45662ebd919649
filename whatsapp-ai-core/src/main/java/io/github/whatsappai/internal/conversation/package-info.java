/**
 * The conversation pipeline: {@link io.github.whatsappai.internal.conversation.ConversationEngine}
 * receives the accepted messages, buffers each conversation's burst, and answers every burst once:
 * user, session, credit, chat log, read receipt, one AI reply over the session's history, send, log,
 * commit. Implementation: no compatibility promise; configure it through
 * {@link io.github.whatsappai.WhatsAppAi} and {@link io.github.whatsappai.conversation.ConversationSettings}.
 */
package io.github.whatsappai.internal.conversation;
