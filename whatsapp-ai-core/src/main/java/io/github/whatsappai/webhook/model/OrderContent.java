package io.github.whatsappai.webhook.model;

import java.math.BigDecimal;
import java.util.List;
import java.util.stream.Collectors;

/** {@code type: order}: a catalog order. */
public record OrderContent(String catalogId, String text, List<Item> items) implements MessageContent {

    public OrderContent {
        items = List.copyOf(items);
    }

    /** One product line. {@code itemPrice} and {@code currency} may be {@code null}. */
    public record Item(String productRetailerId, int quantity, BigDecimal itemPrice, String currency) {
    }

    @Override
    public String describe() {
        String lines = items.stream()
                .map(i -> i.quantity() + " × " + i.productRetailerId()
                        + (i.itemPrice() != null ? " @ " + i.itemPrice().toPlainString()
                        + (i.currency() != null ? " " + i.currency() : "") : ""))
                .collect(Collectors.joining(", "));
        return "[order: " + lines + (text != null && !text.isBlank() ? " – " + text : "") + "]";
    }
}
