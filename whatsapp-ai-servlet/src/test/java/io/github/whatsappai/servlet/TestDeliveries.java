package io.github.whatsappai.servlet;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Collectors;

/** Builds and signs webhook deliveries for the container tests. */
final class TestDeliveries {

    static final String PHONE_NUMBER_ID = "100000000000001";
    static final String WABA_ID = "200000000000002";

    private TestDeliveries() {
    }

    /** {@code sha256=} + hex HMAC-SHA256 of {@code body} with {@code secret}, as Meta signs. */
    static String sign(byte[] body, String secret) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A text message as {@code messages[]} holds it; {@code jsonText} is already JSON-escaped. */
    record Text(String wamid, String waId, long timestamp, String jsonText) {
        String json() {
            return "{\"from\":\"" + waId + "\",\"id\":\"" + wamid + "\",\"timestamp\":\"" + timestamp
                    + "\",\"type\":\"text\",\"text\":{\"body\":\"" + jsonText + "\"}}";
        }
    }

    /** One delivery whose single change carries {@code messages}, compact JSON as Meta sends it. */
    static String delivery(List<Text> messages) {
        String contacts = messages.stream().map(Text::waId).distinct()
                .map(id -> "{\"profile\":{\"name\":\"Test " + id + "\"},\"wa_id\":\"" + id + "\"}")
                .collect(Collectors.joining(","));
        String msgs = messages.stream().map(Text::json).collect(Collectors.joining(","));
        return "{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"" + WABA_ID + "\",\"changes\":[{\"value\":"
                + "{\"messaging_product\":\"whatsapp\",\"metadata\":{\"display_phone_number\":\"15555550100\","
                + "\"phone_number_id\":\"" + PHONE_NUMBER_ID + "\"},\"contacts\":[" + contacts + "],\"messages\":["
                + msgs + "]},\"field\":\"messages\"}]}]}";
    }
}
