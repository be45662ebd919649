/**
 * Reading the media of a burst for the AI: {@link io.github.whatsappai.internal.media.MediaTypes}
 * (the allow-list, MIME normalisation and magic-byte sniffing),
 * {@link io.github.whatsappai.internal.media.BurstMediaCollector} (downloads within per-item and
 * per-burst caps, a fresh URL when one expired, retries on the shared retry layer) and
 * {@link io.github.whatsappai.internal.media.MediaQuota} (items per user per day, counted by the state
 * store's {@link io.github.whatsappai.store.MediaAllowance}). Implementation:
 * no compatibility promise.
 */
package io.github.whatsappai.internal.media;
