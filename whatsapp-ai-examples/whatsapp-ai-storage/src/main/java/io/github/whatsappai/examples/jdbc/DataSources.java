package io.github.whatsappai.examples.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Builds the HikariCP connection pool the JDBC implementations share, from
 * {@code DATABASE_URL}/{@code DATABASE_USER}/{@code DATABASE_PASSWORD}.
 *
 * <p>Both URL forms are accepted: {@code jdbc:postgresql://host:5432/db?sslmode=require} and the
 * {@code postgres://user:password@host:5432/db} (or {@code postgresql://…}) form that Heroku,
 * Supabase and most hosting dashboards print; credentials in the URL are used unless a user or
 * password is given separately.
 *
 * <p>Pool defaults: name {@value #POOL_NAME}, at most 10 connections, 2 kept idle, 5 s to get a
 * connection, connections recycled after 30 min, and the driver's {@code logServerErrorDetail}
 * off, so a failing row's contents (phone numbers, message text) never reach an exception message. The pool starts even when the database is down
 * (the first operation then fails with a {@link StorageException} and the pipeline retries), so an
 * outage at start-up does not stop the webhook from accepting messages.
 */
public final class DataSources {

    /** The pool's name in logs and metrics. */
    public static final String POOL_NAME = "whatsapp-ai-db";
    /** Environment variable with the database URL. */
    public static final String ENV_URL = "DATABASE_URL";
    /** Environment variable with the database user (optional when the URL carries it). */
    public static final String ENV_USER = "DATABASE_USER";
    /** Environment variable with the database password (optional when the URL carries it). */
    public static final String ENV_PASSWORD = "DATABASE_PASSWORD";

    private static final Duration CONNECTION_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration VALIDATION_TIMEOUT = Duration.ofSeconds(3);
    private static final Duration IDLE_TIMEOUT = Duration.ofMinutes(10);
    private static final Duration MAX_LIFETIME = Duration.ofMinutes(30);

    private DataSources() {
    }

    /**
     * A pool for {@code url}.
     *
     * @param url a {@code jdbc:postgresql:} or {@code postgres://} URL
     * @param user the user, or {@code null} to take it from the URL
     * @param password the password, or {@code null} to take it from the URL
     * @return a started pool; close it when the application stops
     * @throws IllegalArgumentException when the URL is not a PostgreSQL URL
     */
    public static HikariDataSource hikari(String url, String user, String password) {
        return hikari(url, user, password, config -> { });
    }

    /**
     * A pool for {@code url} with the defaults above, then {@code customizer} applied, e.g. to
     * change the pool size or the connection timeout.
     *
     * @param url a {@code jdbc:postgresql:} or {@code postgres://} URL
     * @param user the user, or {@code null} to take it from the URL
     * @param password the password, or {@code null} to take it from the URL
     * @param customizer adjusts the configuration before the pool is created
     * @return a started pool; close it when the application stops
     * @throws IllegalArgumentException when the URL is not a PostgreSQL URL or the customised
     *                                  configuration is invalid
     */
    public static HikariDataSource hikari(String url, String user, String password, Consumer<HikariConfig> customizer) {
        Objects.requireNonNull(customizer, "customizer");
        ConnectionSettings settings = ConnectionSettings.parse(url, user, password);
        HikariConfig config = new HikariConfig();
        config.setPoolName(POOL_NAME);
        config.setJdbcUrl(settings.jdbcUrl());
        if (settings.user() != null) {
            config.setUsername(settings.user());
        }
        if (settings.password() != null) {
            config.setPassword(settings.password());
        }
        config.setMaximumPoolSize(10);
        config.setMinimumIdle(2);
        config.setConnectionTimeout(CONNECTION_TIMEOUT.toMillis());
        config.setValidationTimeout(VALIDATION_TIMEOUT.toMillis());
        config.setIdleTimeout(IDLE_TIMEOUT.toMillis());
        config.setMaxLifetime(MAX_LIFETIME.toMillis());
        config.setInitializationFailTimeout(-1);
        // keep row contents (phone numbers, message text) out of exception messages and logs
        config.addDataSourceProperty("logServerErrorDetail", "false");
        customizer.accept(config);
        return new HikariDataSource(config);
    }

    /**
     * A pool from {@code DATABASE_URL}, {@code DATABASE_USER} and {@code DATABASE_PASSWORD}, or
     * empty when {@code DATABASE_URL} is unset or blank (the application then uses in-memory
     * storage).
     *
     * @param environment e.g. {@code System.getenv()}
     * @throws IllegalArgumentException when {@code DATABASE_URL} is not a PostgreSQL URL
     */
    public static Optional<HikariDataSource> fromEnvironment(Map<String, String> environment) {
        Objects.requireNonNull(environment, "environment");
        String url = environment.get(ENV_URL);
        if (url == null || url.isBlank()) {
            return Optional.empty();
        }
        return Optional.of(hikari(url.trim(), blankToNull(environment.get(ENV_USER)),
                blankToNull(environment.get(ENV_PASSWORD))));
    }

    /**
     * Converts a {@code postgres://user:password@host:port/db?params} URL into the JDBC form
     * {@code jdbc:postgresql://host:port/db?params} (dropping the credentials); a JDBC URL is
     * returned unchanged.
     *
     * @param url a {@code postgres://}, {@code postgresql://} or {@code jdbc:postgresql:} URL
     * @return the JDBC URL
     * @throws IllegalArgumentException when the URL is neither form
     */
    public static String toJdbcUrl(String url) {
        return ConnectionSettings.parse(url, null, null).jdbcUrl();
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }

    /** The JDBC URL and credentials of a connection; {@code toString()} hides the password. */
    record ConnectionSettings(String jdbcUrl, String user, String password) {

        static ConnectionSettings parse(String url, String user, String password) {
            Objects.requireNonNull(url, "url");
            String trimmed = url.trim();
            if (trimmed.startsWith("jdbc:postgresql:")) {
                return new ConnectionSettings(trimmed, user, password);
            }
            if (!trimmed.startsWith("postgres://") && !trimmed.startsWith("postgresql://")) {
                throw new IllegalArgumentException(ENV_URL + " must start with jdbc:postgresql://, postgres:// or"
                        + " postgresql:// (got a URL starting with '" + scheme(trimmed) + "')");
            }
            URI uri;
            try {
                uri = new URI(trimmed);
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException(ENV_URL + " is not a valid URL: " + e.getReason()
                        + " (percent-encode special characters in the password)");
            }
            if (uri.getHost() == null) {
                throw new IllegalArgumentException(ENV_URL + " has no host: expected postgres://user:password@host:port/database");
            }
            StringBuilder jdbc = new StringBuilder("jdbc:postgresql://").append(uri.getRawAuthority()
                    .substring(uri.getRawAuthority().lastIndexOf('@') + 1));
            jdbc.append(uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath());
            if (uri.getRawQuery() != null) {
                jdbc.append('?').append(uri.getRawQuery());
            }
            String urlUser = null;
            String urlPassword = null;
            String userInfo = uri.getRawUserInfo();
            if (userInfo != null) {
                int colon = userInfo.indexOf(':');
                urlUser = decode(colon < 0 ? userInfo : userInfo.substring(0, colon));
                urlPassword = colon < 0 ? null : decode(userInfo.substring(colon + 1));
            }
            return new ConnectionSettings(jdbc.toString(), user != null ? user : urlUser,
                    password != null ? password : urlPassword);
        }

        private static String scheme(String url) {
            int colon = url.indexOf(':');
            return colon < 0 ? "" : url.substring(0, Math.min(colon, 20));
        }

        private static String decode(String value) {
            return URLDecoder.decode(value.replace("+", "%2B"), StandardCharsets.UTF_8);
        }

        @Override
        public String toString() {
            return "ConnectionSettings[jdbcUrl=" + jdbcUrl + ", user=" + user + ", password="
                    + (password == null ? "(unset)" : "****") + "]";
        }
    }
}
