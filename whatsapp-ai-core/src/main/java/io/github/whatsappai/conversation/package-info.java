/**
 * How conversations are held: {@link io.github.whatsappai.conversation.ConversationSettings} sets the
 * session idle timeout, the history kept for the model and the fixed texts that answer resets,
 * welcomes, unsupported messages, missing credits and failures, so no burst is dropped silently.
 * The pipeline that uses them (user, session, credit, chat log, read receipt, one AI reply over the
 * session's history, send, log, commit) is wired by {@link io.github.whatsappai.WhatsAppAi}.
 */
package io.github.whatsappai.conversation;
