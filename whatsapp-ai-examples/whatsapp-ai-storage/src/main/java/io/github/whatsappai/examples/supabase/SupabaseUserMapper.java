package io.github.whatsappai.examples.supabase;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.whatsappai.spi.UserIdentity;
import io.github.whatsappai.spi.UserMapper;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * {@link UserMapper} over Supabase: one call of the schema's {@code whatsapp_ai_find_or_create_user}
 * function through PostgREST ({@code POST /rest/v1/rpc/whatsapp_ai_find_or_create_user}), the same
 * function {@link io.github.whatsappai.examples.jdbc.JdbcUserMapper} uses, so it finds, creates and
 * links users exactly as that class documents, safely under concurrent first messages. The call is
 * idempotent, so the {@link SupabaseClient} retries it after network errors and 5xx responses.
 *
 * <p>Thread-safe. Failures are thrown as {@link SupabaseException}.
 */
public final class SupabaseUserMapper implements UserMapper {

    /** The PostgREST path of the function. */
    public static final String FUNCTION = "rpc/whatsapp_ai_find_or_create_user";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final SupabaseClient client;

    /**
     * A mapper for the project of {@code client}.
     *
     * @param client the project, whose database has the V1 schema
     */
    public SupabaseUserMapper(SupabaseClient client) {
        this.client = Objects.requireNonNull(client, "client");
    }

    /**
     * A mapper from {@code SUPABASE_URL} and {@code SUPABASE_KEY}, or empty when {@code SUPABASE_URL}
     * is unset or blank.
     *
     * @param environment e.g. {@code System.getenv()}
     * @return the mapper, or empty
     * @throws IllegalArgumentException when the URL is set but invalid, or the key is missing
     */
    public static Optional<SupabaseUserMapper> fromEnvironment(Map<String, String> environment) {
        return SupabaseClient.fromEnvironment(environment).map(SupabaseUserMapper::new);
    }

    @Override
    public String findOrCreateUser(UserIdentity identity) {
        Objects.requireNonNull(identity, "identity");
        Map<String, String> arguments = new LinkedHashMap<>();
        arguments.put("p_wa_id", identity.waId());
        arguments.put("p_bsuid", identity.bsuid());
        arguments.put("p_profile_name", identity.profileName());
        String operation = "call of " + FUNCTION;
        byte[] response;
        try {
            response = client.post(FUNCTION, JSON.writeValueAsBytes(arguments), null, operation);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the function arguments as JSON", e);
        }
        JsonNode result;
        try {
            result = JSON.readTree(response);
        } catch (IOException e) {
            result = null;
        }
        if (result == null || !result.isTextual() || result.asText().isBlank()) {
            throw new SupabaseException("Supabase " + operation + " returned no user id", 200, null, null, null,
                    null, false, null);
        }
        return result.asText();
    }

    /** Shows the project; hides the key. */
    @Override
    public String toString() {
        return "SupabaseUserMapper[" + client + "]";
    }
}
