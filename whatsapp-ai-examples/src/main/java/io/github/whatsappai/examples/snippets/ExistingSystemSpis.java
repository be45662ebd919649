package io.github.whatsappai.examples.snippets;

import io.github.whatsappai.spi.ChatLogEntry;
import io.github.whatsappai.spi.ChatLogger;
import io.github.whatsappai.spi.UserMapper;


/** The README's example of plugging an application's existing user and chat-log services in. */
final class ExistingSystemSpis {

    private ExistingSystemSpis() {
    }

    /** Stand-in for the application's own user service. */
    interface AccountService {
        /** Returns the account id for the phone or business-scoped id, creating the account if needed. */
        String findOrCreateByWhatsApp(String waId, String bsuid, String displayName);
    }

    /** Stand-in for the application's own chat-log service. */
    interface ChatHistoryService {
        void saveIfAbsent(String key, String sessionId, String userId, String role, String text, String model);
    }

    // tag::spis[]
    static UserMapper userMapper(AccountService accounts) {
        // idempotent: the same sender always maps to the same account, also when called concurrently
        return identity -> accounts.findOrCreateByWhatsApp(identity.waId(), identity.bsuid(), identity.profileName());
    }

    static ChatLogger chatLogger(ChatHistoryService history) {
        return entries -> {
            for (ChatLogEntry e : entries) {
                // the idempotency key makes the SDK's retries harmless
                history.saveIfAbsent(e.idempotencyKey(), e.sessionId(), e.userId(), e.direction().role(),
                        e.content(), e.model());
            }
        };
    }
    // end::spis[]
}
