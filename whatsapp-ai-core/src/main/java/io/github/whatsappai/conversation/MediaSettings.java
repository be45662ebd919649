package io.github.whatsappai.conversation;

import io.github.whatsappai.internal.SettingsCheck;

import java.time.Duration;

/**
 * How the conversation engine reads the voice notes, images, stickers and documents of a burst for
 * a responder that {@linkplain io.github.whatsappai.ai.AiResponder#acceptsMedia() accepts media}:
 * the caps that bound the memory one burst holds, the daily allowance per user and the notice that
 * names what could not be read. Immutable; the constructor checks every value and reports all
 * problems in one {@link IllegalArgumentException}.
 *
 * @param maxItemBytes largest file read (default 5 MiB); positive. Larger ones are refused while they
 *        stream, so no more is held
 * @param maxBurstBytes most bytes of media read for one burst (default 10 MiB); at least
 *        {@code maxItemBytes}. Items are read in message order; those that no longer fit are not read
 * @param maxItemsPerUserPerDay most files read per user per UTC day (default 50); 0 reads none. Counted
 *        by the state store ({@link io.github.whatsappai.store.StateStore#mediaAllowance()}): one count
 *        for every instance on the PostgreSQL store, a count per instance in memory
 * @param downloadTimeout the longest one file's lookup and download may take, retries included
 *        (default 60 s); positive
 * @param unreadNotice the sentence that tells the user what could not be read; {@value #ITEMS} stands
 *        for the items, e.g. {@code your voice message (too large) and your video}. Sent alone when
 *        nothing else in the burst could be answered, else after the reply
 */
public record MediaSettings(long maxItemBytes, long maxBurstBytes, int maxItemsPerUserPerDay,
                            Duration downloadTimeout, String unreadNotice) {

    /** The placeholder for the items in {@link #unreadNotice()}. */
    public static final String ITEMS = "{items}";
    public static final long DEFAULT_MAX_ITEM_BYTES = 5L * 1024 * 1024;
    public static final long DEFAULT_MAX_BURST_BYTES = 10L * 1024 * 1024;
    public static final int DEFAULT_MAX_ITEMS_PER_USER_PER_DAY = 50;
    public static final Duration DEFAULT_DOWNLOAD_TIMEOUT = Duration.ofSeconds(60);
    public static final String DEFAULT_UNREAD_NOTICE = "Sorry, I couldn't read " + ITEMS
            + ". Could you send it as text?";

    public MediaSettings {
        new SettingsCheck("MediaSettings")
                .positive("maxItemBytes", maxItemBytes)
                .problemIf(maxBurstBytes < maxItemBytes, "maxBurstBytes",
                        "(" + maxBurstBytes + ") must be at least {maxItemBytes} (" + maxItemBytes + ")")
                .problemIf(maxItemsPerUserPerDay < 0, "maxItemsPerUserPerDay",
                        "must not be negative, was " + maxItemsPerUserPerDay)
                .positive("downloadTimeout", downloadTimeout)
                .problemIf(unreadNotice == null || !unreadNotice.contains(ITEMS), "unreadNotice",
                        "must contain " + ITEMS + ", where the items that could not be read are named")
                .done();
    }

    /** Every default. */
    public static MediaSettings defaults() {
        return builder().build();
    }

    /** A builder with the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding these settings, to derive a changed copy. */
    public Builder toBuilder() {
        return new Builder().maxItemBytes(maxItemBytes).maxBurstBytes(maxBurstBytes)
                .maxItemsPerUserPerDay(maxItemsPerUserPerDay).downloadTimeout(downloadTimeout)
                .unreadNotice(unreadNotice);
    }

    /** The notice naming {@code items}. */
    public String notice(String items) {
        return unreadNotice.replace(ITEMS, items);
    }

    /** Builds {@link MediaSettings}; not thread-safe. */
    public static final class Builder {
        private long maxItemBytes = DEFAULT_MAX_ITEM_BYTES;
        private long maxBurstBytes = DEFAULT_MAX_BURST_BYTES;
        private int maxItemsPerUserPerDay = DEFAULT_MAX_ITEMS_PER_USER_PER_DAY;
        private Duration downloadTimeout = DEFAULT_DOWNLOAD_TIMEOUT;
        private String unreadNotice = DEFAULT_UNREAD_NOTICE;

        private Builder() {
        }

        /** Largest file read; default 5 MiB. */
        public Builder maxItemBytes(long bytes) {
            this.maxItemBytes = bytes;
            return this;
        }

        /** Most media bytes read per burst; default 10 MiB. */
        public Builder maxBurstBytes(long bytes) {
            this.maxBurstBytes = bytes;
            return this;
        }

        /** Most files read per user per UTC day; default 50; 0 reads none. */
        public Builder maxItemsPerUserPerDay(int items) {
            this.maxItemsPerUserPerDay = items;
            return this;
        }

        /** Longest lookup and download of one file, retries included; default 60 s. */
        public Builder downloadTimeout(Duration timeout) {
            this.downloadTimeout = timeout;
            return this;
        }

        /** The notice naming unread items, with {@value MediaSettings#ITEMS}; default {@link MediaSettings#DEFAULT_UNREAD_NOTICE}. */
        public Builder unreadNotice(String notice) {
            this.unreadNotice = notice;
            return this;
        }

        /**
         * Checks every value and builds the settings.
         *
         * @throws IllegalArgumentException naming every invalid value
         */
        public MediaSettings build() {
            return new MediaSettings(maxItemBytes, maxBurstBytes, maxItemsPerUserPerDay, downloadTimeout, unreadNotice);
        }
    }
}
