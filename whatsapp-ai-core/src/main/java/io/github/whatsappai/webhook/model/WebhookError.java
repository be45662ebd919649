package io.github.whatsappai.webhook.model;

/**
 * An error object as Meta sends it in {@code value.errors}, {@code messages[].errors} or
 * {@code statuses[].errors}.
 *
 * @param code numeric error code, e.g. 131047; {@code 0} when absent
 * @param title short title
 * @param message longer message, may be {@code null}
 * @param details {@code error_data.details}, may be {@code null}
 * @param href documentation link, may be {@code null}
 */
public record WebhookError(int code, String title, String message, String details, String href) {
}
