package io.github.whatsappai.webhook.model;

import java.util.List;
import java.util.stream.Collectors;

/** {@code type: contacts}: one or more shared contact cards. */
public record ContactsContent(List<SharedContact> contacts) implements MessageContent {

    public ContactsContent {
        contacts = List.copyOf(contacts);
    }

    /**
     * One shared card. Any field may be {@code null} or empty.
     *
     * @param formattedName {@code name.formatted_name}
     * @param phones phone numbers as written on the card
     * @param waIds wa_ids of those phones that are on WhatsApp
     * @param emails email addresses
     * @param organization {@code org.company}
     */
    public record SharedContact(String formattedName, List<String> phones, List<String> waIds,
                                List<String> emails, String organization) {
        public SharedContact {
            phones = List.copyOf(phones);
            waIds = List.copyOf(waIds);
            emails = List.copyOf(emails);
        }
    }

    @Override
    public String describe() {
        return "[contact: " + contacts.stream()
                .map(c -> {
                    String name = c.formattedName() == null ? "(no name)" : c.formattedName();
                    return c.phones().isEmpty() ? name : name + " " + String.join(", ", c.phones());
                })
                .collect(Collectors.joining("; ")) + "]";
    }
}
