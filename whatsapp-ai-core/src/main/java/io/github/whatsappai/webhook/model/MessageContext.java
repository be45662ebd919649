package io.github.whatsappai.webhook.model;

/**
 * {@code messages[].context}: what an inbound message replies to, or that it was forwarded.
 *
 * @param from sender of the quoted message (the business number for replies to our messages)
 * @param id wamid of the quoted message, or {@code null}
 * @param forwarded the message was forwarded
 * @param frequentlyForwarded forwarded more than five times
 * @param referredProductCatalogId catalog of the product the user asked about, or {@code null}
 * @param referredProductRetailerId the product's retailer id, or {@code null}
 */
public record MessageContext(String from, String id, boolean forwarded, boolean frequentlyForwarded,
                             String referredProductCatalogId, String referredProductRetailerId) {
}
