package io.github.whatsappai.client;

import io.github.whatsappai.internal.Redaction;
import io.github.whatsappai.internal.SettingsCheck;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What sending through the Graph API needs: the token, the API's base URL and version, and the send
 * pace. Immutable; the constructor checks every value and reports all problems in one
 * {@link IllegalArgumentException}. {@link #toString()} never prints the token.
 *
 * @param accessToken the Graph API token (a system user's), or {@code null} when this instance does
 *        not send through the Graph API. Never logged.
 * @param baseUrl the Graph API base (default {@value #DEFAULT_BASE_URL}), an http(s) URL; a trailing
 *        {@code /} is removed
 * @param version the Graph API version like {@code v26.0} (default {@value #DEFAULT_VERSION})
 * @param outboundMessagesPerSecond send pace per phone number id (default
 *        {@value #DEFAULT_OUTBOUND_MESSAGES_PER_SECOND}); positive
 */
public record GraphSettings(String accessToken, URI baseUrl, String version, int outboundMessagesPerSecond) {

    public static final String DEFAULT_BASE_URL = "https://graph.facebook.com";
    public static final String DEFAULT_VERSION = "v26.0";
    /** Meta's default throughput of a number. */
    public static final int DEFAULT_OUTBOUND_MESSAGES_PER_SECOND = 80;

    private static final Pattern VERSION = Pattern.compile("v\\d{1,3}\\.\\d{1,2}");

    public GraphSettings {
        baseUrl = SettingsCheck.stripSlash(baseUrl);
        new SettingsCheck("GraphSettings")
                .httpUrl("baseUrl", baseUrl)
                .problemIf(version == null || !VERSION.matcher(version).matches(), "version",
                        "must look like v26.0, was '" + version + "'")
                .positive("outboundMessagesPerSecond", outboundMessagesPerSecond)
                .done();
    }

    /** No token, the public Graph API, version {@value #DEFAULT_VERSION}, 80 messages per second. */
    public static GraphSettings defaults() {
        return builder().build();
    }

    /** A builder with the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding these values, to derive a changed copy. */
    public Builder toBuilder() {
        return new Builder().accessToken(accessToken).baseUrl(baseUrl.toString()).version(version)
                .outboundMessagesPerSecond(outboundMessagesPerSecond);
    }

    @Override
    public String toString() {
        return "GraphSettings[accessToken=" + Redaction.maskSecret(accessToken) + ", baseUrl=" + baseUrl
                + ", version=" + version + ", outboundMessagesPerSecond=" + outboundMessagesPerSecond + ']';
    }

    /** Builds {@link GraphSettings}; not thread-safe. */
    public static final class Builder {
        private String accessToken;
        private String baseUrl = DEFAULT_BASE_URL;
        private String version = DEFAULT_VERSION;
        private int outboundMessagesPerSecond = DEFAULT_OUTBOUND_MESSAGES_PER_SECOND;

        private Builder() {
        }

        /** The Graph API token; never logged. */
        public Builder accessToken(String accessToken) {
            this.accessToken = accessToken;
            return this;
        }

        /** The Graph API base; default {@value GraphSettings#DEFAULT_BASE_URL}. */
        public Builder baseUrl(String url) {
            this.baseUrl = url;
            return this;
        }

        /** The Graph API version; default {@value GraphSettings#DEFAULT_VERSION}. */
        public Builder version(String version) {
            this.version = version;
            return this;
        }

        /** Send pace per phone number id; default {@value GraphSettings#DEFAULT_OUTBOUND_MESSAGES_PER_SECOND}. */
        public Builder outboundMessagesPerSecond(int perSecond) {
            this.outboundMessagesPerSecond = perSecond;
            return this;
        }

        /**
         * Checks every value and builds the settings.
         *
         * @throws IllegalArgumentException naming every invalid value
         */
        public GraphSettings build() {
            List<SettingsCheck.Problem> problems = new ArrayList<>();
            URI base = SettingsCheck.uri("baseUrl", baseUrl, problems);
            return SettingsCheck.build("GraphSettings", problems,
                    () -> new GraphSettings(accessToken, base, version, outboundMessagesPerSecond));
        }
    }
}
