package io.github.whatsappai.webhook.model;

/** {@code type: location}: a shared pin. Name, address and url may be {@code null}. */
public record LocationContent(double latitude, double longitude, String name, String address, String url)
        implements MessageContent {

    @Override
    public String describe() {
        StringBuilder sb = new StringBuilder("[location: ");
        if (name != null && !name.isBlank()) {
            sb.append(name).append(", ");
        }
        if (address != null && !address.isBlank()) {
            sb.append(address).append(", ");
        }
        return sb.append(latitude).append(", ").append(longitude).append(']').toString();
    }
}
