package io.github.whatsappai.examples.supabase;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;

import javax.sql.DataSource;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder.responseDefinition;

/**
 * A WireMock response transformer that does what PostgREST does with a bulk insert and a function
 * call, against a real PostgreSQL. Inserts: the keys of the first row are the columns, the rows are
 * read with {@code jsonb_populate_recordset} (PostgREST's own approach) and {@code on_conflict} plus
 * {@code Prefer: resolution=ignore-duplicates} become {@code ON CONFLICT (…) DO NOTHING}; answers
 * 201. {@code /rest/v1/rpc/f} with a JSON object calls {@code f} with named arguments and answers
 * 200 with the result as JSON. Errors get PostgREST's body ({@code code}, {@code message},
 * {@code details}, {@code hint}) with 409 for unique/foreign-key violations, 404 for a missing
 * table and 400 otherwise. Enough to prove that what the client sends fits the schema.
 */
final class PostgrestEmulator implements ResponseDefinitionTransformerV2 {

    static final String NAME = "postgrest-emulator";

    private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]*");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final DataSource dataSource;

    PostgrestEmulator(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    public ResponseDefinition transform(ServeEvent serveEvent) {
        var request = serveEvent.getRequest();
        String table = request.getUrl().replaceFirst("^/rest/v1/", "").replaceFirst("\\?.*$", "");
        String onConflict = request.queryParameter("on_conflict").isPresent()
                ? request.queryParameter("on_conflict").firstValue() : null;
        boolean ignoreDuplicates = request.header("Prefer").isPresent()
                && request.header("Prefer").firstValue().contains("resolution=ignore-duplicates");
        try {
            if (table.startsWith("rpc/")) {
                return call(requireIdentifier(table.substring(4)), JSON.readTree(request.getBodyAsString()));
            }
            JsonNode rows = JSON.readTree(request.getBodyAsString());
            if (!rows.isArray() || rows.isEmpty()) {
                return error(400, "PGRST102", "expected a non-empty JSON array", null);
            }
            List<String> columns = new ArrayList<>();
            Iterator<String> names = rows.get(0).fieldNames();
            names.forEachRemaining(columns::add);
            for (JsonNode row : rows) {
                List<String> keys = new ArrayList<>();
                row.fieldNames().forEachRemaining(keys::add);
                if (!keys.equals(columns)) {
                    return error(400, "PGRST102", "All object keys must match", null);
                }
            }
            for (String name : columns) {
                requireIdentifier(name);
            }
            requireIdentifier(table);
            String list = String.join(", ", columns);
            String sql = "insert into " + table + " (" + list + ") select " + list
                    + " from jsonb_populate_recordset(null::" + table + ", ?::jsonb)"
                    + (onConflict != null && ignoreDuplicates ? " on conflict (" + requireIdentifier(onConflict) + ") do nothing" : "");
            try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setString(1, rows.toString());
                ps.executeUpdate();
            }
            return responseDefinition().withStatus(201).build();
        } catch (SQLException e) {
            String state = e.getSQLState();
            int status = "23505".equals(state) || "23503".equals(state) ? 409 : "42P01".equals(state) ? 404 : 400;
            return error(status, state, e.getMessage(), null);
        } catch (IOException e) {
            return error(400, "PGRST102", "Empty or invalid json", null);
        }
    }

    private ResponseDefinition call(String function, JsonNode arguments) throws SQLException, IOException {
        List<String> names = new ArrayList<>();
        arguments.fieldNames().forEachRemaining(names::add);
        StringBuilder sql = new StringBuilder("select to_jsonb(").append(function).append('(');
        for (int i = 0; i < names.size(); i++) {
            sql.append(i == 0 ? "" : ", ").append(requireIdentifier(names.get(i))).append(" => ?");
        }
        sql.append("))::text");
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql.toString())) {
            for (int i = 0; i < names.size(); i++) {
                JsonNode value = arguments.get(names.get(i));
                ps.setString(i + 1, value.isNull() ? null : value.asText());
            }
            try (var rs = ps.executeQuery()) {
                rs.next();
                return responseDefinition().withStatus(200).withHeader("Content-Type", "application/json")
                        .withBody(rs.getString(1)).build();
            }
        }
    }

    private static String requireIdentifier(String name) {
        if (!IDENTIFIER.matcher(name).matches()) {
            throw new IllegalArgumentException("not an identifier: " + name);
        }
        return name;
    }

    private static ResponseDefinition error(int status, String code, String message, String details) {
        Map<String, String> body = new java.util.LinkedHashMap<>();
        body.put("code", code);
        body.put("details", details);
        body.put("hint", null);
        body.put("message", message);
        try {
            return responseDefinition().withStatus(status).withHeader("Content-Type", "application/json")
                    .withBody(JSON.writeValueAsString(body)).build();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public boolean applyGlobally() {
        return false;
    }

    @Override
    public String getName() {
        return NAME;
    }
}
