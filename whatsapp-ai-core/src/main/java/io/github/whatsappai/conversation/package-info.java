/**
 * The conversation pipeline: {@link io.github.whatsappai.conversation.ConversationEngine} receives the
 * accepted messages, buffers each conversation's burst, and answers every burst once: user, session,
 * credit, chat log, read receipt, one AI reply over the session's history, send, log, commit. Fixed
 * texts answer resets, welcomes, unsupported messages, missing credits and failures, so no burst is
 * dropped silently.
 */
package io.github.whatsappai.conversation;
