package io.github.whatsappai.webhook;

import io.github.whatsappai.internal.Redaction;
import io.github.whatsappai.internal.SettingsCheck;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What receiving webhooks needs: the app secrets that sign them, the verify token of the handshake,
 * the numbers served and the body cap. Immutable; the constructor checks every value and reports all
 * problems in one {@link IllegalArgumentException}. {@link #toString()} never prints a secret.
 *
 * @param appId the Meta app id, or {@code null}: only labels logs and metrics
 * @param appSecrets the app secret(s) signing webhooks, the current one first (several during a
 *        rotation); blank entries are dropped; at least one is required. Never logged.
 * @param verifyToken the verify token typed into Meta's dashboard; required. Never logged.
 * @param phoneNumberIds the business phone number ids served (numeric); at least one. Deliveries for
 *        other numbers are acknowledged and ignored.
 * @param businessAccountIds WABA ids (numeric); when not empty, deliveries for other WABAs are ignored
 * @param maxBodyBytes the largest webhook body accepted (default {@value #DEFAULT_MAX_BODY_BYTES}),
 *        at least {@value #MIN_MAX_BODY_BYTES}
 */
public record WebhookSettings(String appId, List<String> appSecrets, String verifyToken, Set<String> phoneNumberIds,
                              Set<String> businessAccountIds, int maxBodyBytes) {

    /** 4 MiB. */
    public static final int DEFAULT_MAX_BODY_BYTES = 4 * 1024 * 1024;
    /** Meta sends bodies up to 3 MB; a smaller cap makes Meta retry a delivery for days. */
    public static final int MIN_MAX_BODY_BYTES = 3_000_000;

    private static final Pattern DIGITS = Pattern.compile("\\d{1,32}");

    public WebhookSettings {
        SettingsCheck check = new SettingsCheck("WebhookSettings");
        appSecrets = appSecrets == null ? List.of()
                : appSecrets.stream().filter(s -> s != null && !s.isBlank()).toList();
        check.problemIf(appSecrets.isEmpty(), "appSecrets", "is required: without it webhook signatures "
                + "cannot be verified, and the SDK never skips verification");
        check.problemIf(verifyToken == null || verifyToken.isBlank(), "verifyToken",
                "is required for Meta's handshake");
        phoneNumberIds = numericIds(check, "phoneNumberIds", phoneNumberIds);
        check.problemIf(phoneNumberIds.isEmpty(), "phoneNumberIds",
                "is required: deliveries for numbers that are not ours are ignored");
        businessAccountIds = numericIds(check, "businessAccountIds", businessAccountIds);
        check.problemIf(maxBodyBytes < MIN_MAX_BODY_BYTES, "maxBodyBytes", "must be at least " + MIN_MAX_BODY_BYTES
                + " (Meta sends bodies up to 3 MB; a smaller cap makes Meta retry for days), was " + maxBodyBytes);
        check.done();
    }

    /** A builder with the defaults; the secrets, the verify token and a phone number id must be given. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding these values, to derive a changed copy. */
    public Builder toBuilder() {
        return new Builder().appId(appId).appSecrets(appSecrets).verifyToken(verifyToken)
                .phoneNumberIds(phoneNumberIds).businessAccountIds(businessAccountIds).maxBodyBytes(maxBodyBytes);
    }

    @Override
    public String toString() {
        return "WebhookSettings[appId=" + appId
                + ", appSecrets=" + appSecrets.size() + "×" + Redaction.maskSecret("x")
                + ", verifyToken=" + Redaction.maskSecret(verifyToken)
                + ", phoneNumberIds=" + phoneNumberIds
                + ", businessAccountIds=" + businessAccountIds
                + ", maxBodyBytes=" + maxBodyBytes + ']';
    }

    private static Set<String> numericIds(SettingsCheck check, String field, Set<String> ids) {
        if (ids == null) {
            return Set.of();
        }
        Set<String> valid = new LinkedHashSet<>();
        for (String id : ids) {
            if (id == null || !DIGITS.matcher(id).matches()) {
                check.problem(field, "contains '" + id + "', which is not a numeric id");
            } else {
                valid.add(id);
            }
        }
        return Collections.unmodifiableSet(valid);
    }

    /** Builds {@link WebhookSettings}; not thread-safe. {@link #build()} never changes the builder. */
    public static final class Builder {
        private String appId;
        private List<String> appSecrets = new ArrayList<>();
        private String verifyToken;
        private Set<String> phoneNumberIds = new LinkedHashSet<>();
        private Set<String> businessAccountIds = new LinkedHashSet<>();
        private int maxBodyBytes = DEFAULT_MAX_BODY_BYTES;

        private Builder() {
        }

        /** The Meta app id; labels logs and metrics only. */
        public Builder appId(String appId) {
            this.appId = appId;
            return this;
        }

        /** The app secret(s); several during a rotation, the current one first. */
        public Builder appSecrets(String... secrets) {
            return appSecrets(Arrays.asList(secrets));
        }

        /** The app secret(s); several during a rotation, the current one first. */
        public Builder appSecrets(Collection<String> secrets) {
            this.appSecrets = new ArrayList<>(secrets);
            return this;
        }

        /** The dashboard's verify token. */
        public Builder verifyToken(String verifyToken) {
            this.verifyToken = verifyToken;
            return this;
        }

        /** The business phone number ids served. */
        public Builder phoneNumberIds(String... ids) {
            return phoneNumberIds(Arrays.asList(ids));
        }

        /** The business phone number ids served. */
        public Builder phoneNumberIds(Collection<String> ids) {
            this.phoneNumberIds = new LinkedHashSet<>(ids);
            return this;
        }

        /** The WABA ids served; empty serves any. */
        public Builder businessAccountIds(String... ids) {
            return businessAccountIds(Arrays.asList(ids));
        }

        /** The WABA ids served; empty serves any. */
        public Builder businessAccountIds(Collection<String> ids) {
            this.businessAccountIds = new LinkedHashSet<>(ids);
            return this;
        }

        /** The largest webhook body accepted; default {@value WebhookSettings#DEFAULT_MAX_BODY_BYTES}. */
        public Builder maxBodyBytes(int bytes) {
            this.maxBodyBytes = bytes;
            return this;
        }

        /**
         * Checks every value and builds the settings.
         *
         * @throws IllegalArgumentException naming every missing or invalid value
         */
        public WebhookSettings build() {
            return new WebhookSettings(appId, appSecrets, verifyToken, phoneNumberIds, businessAccountIds,
                    maxBodyBytes);
        }
    }
}
