package io.github.whatsappai.internal.media;

import io.github.whatsappai.ai.MediaAttachment;
import io.github.whatsappai.client.DownloadedMedia;
import io.github.whatsappai.client.MediaInfo;
import io.github.whatsappai.client.MediaSource;
import io.github.whatsappai.client.MediaTooLargeException;
import io.github.whatsappai.client.WhatsAppApiException;
import io.github.whatsappai.internal.retry.Backoff;
import io.github.whatsappai.internal.retry.RetryPolicy;
import io.github.whatsappai.internal.retry.RetryStoppedException;
import io.github.whatsappai.internal.retry.Verdict;
import io.github.whatsappai.webhook.model.InboundMessage;
import io.github.whatsappai.webhook.model.MediaContent;
import io.github.whatsappai.webhook.model.MediaContent.MediaKind;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Reads the media of one burst for the AI, on the calling (worker) thread, one file after another
 * in message order so that no more than the burst's cap is ever held:
 * <ol>
 *   <li>videos and declared types off the allow-list ({@link MediaTypes}) are not downloaded;</li>
 *   <li>each file takes one of the user's daily allowance ({@link MediaQuota}); when the count cannot
 *       be reached, the file is read without it (the failure is in the result) and so is the rest
 *       of the burst, without asking again;</li>
 *   <li>the webhook's download URL is used when Meta sent one, else the media id is looked up; a URL
 *       that has expired (401, 403, 404 or 410) is looked up again and the download repeated;</li>
 *   <li>the download is refused past the smaller of the per-item cap and what is left of the burst's
 *       cap; transient failures are retried on the shared retry layer within the download timeout;</li>
 *   <li>the bytes must be what was declared ({@link MediaTypes#resolve}), or, for an octet stream,
 *       an allowed type.</li>
 * </ol>
 * What could not be read is returned with the reason, never thrown. Thread-safe.
 */
public final class BurstMediaCollector {

    private static final Logger LOG = LoggerFactory.getLogger(BurstMediaCollector.class);
    /** Attempts per file, the first included, expired URLs and transient failures together. */
    static final int MAX_ATTEMPTS = 3;

    private final MediaSource source;
    private final long maxItemBytes;
    private final long maxBurstBytes;
    private final Duration timeout;
    private final MediaQuota quota;
    private final RetryPolicy retry;

    /**
     * @param source where files are looked up and downloaded
     * @param maxItemBytes largest file read
     * @param maxBurstBytes most bytes read for one burst
     * @param timeout longest lookup and download of one file, retries included
     * @param quota the users' daily allowance
     * @param scheduler runs the waits between attempts
     * @param clock times the retry deadline
     */
    public BurstMediaCollector(MediaSource source, long maxItemBytes, long maxBurstBytes, Duration timeout,
                               MediaQuota quota, ScheduledExecutorService scheduler, Clock clock) {
        this.source = Objects.requireNonNull(source, "source");
        this.maxItemBytes = maxItemBytes;
        this.maxBurstBytes = maxBurstBytes;
        this.timeout = timeout;
        this.quota = Objects.requireNonNull(quota, "quota");
        this.retry = RetryPolicy.builder(scheduler)
                .backoff(Backoff.exponential(Duration.ofMillis(500), Duration.ofSeconds(5)))
                .maxAttempts(MAX_ATTEMPTS)
                .deadline(timeout)
                .clock(clock)
                .build();
    }

    /** Why an item was not read; {@link #userText()} is what the user is told. */
    public enum Reason {
        /** No responder that reads media is configured. */
        NO_MEDIA_MODEL(null),
        /** Larger than the per-item cap. */
        TOO_LARGE("too large"),
        /** Did not fit in what was left of the burst's cap. */
        BURST_LIMIT("too much media at once"),
        /** A type off the allow-list, or bytes that are not what was declared. */
        UNSUPPORTED("this type is not supported"),
        /** The user's daily allowance is used up. */
        DAILY_LIMIT("daily limit reached"),
        /** Lookup or download failed after the retries, or took too long. */
        FAILED("it could not be downloaded");

        private final String userText;

        Reason(String userText) {
            this.userText = userText;
        }

        /** The short reason given to the user, or {@code null} to give none. */
        public String userText() {
            return userText;
        }
    }

    /**
     * An item that was not read.
     *
     * @param message the message that carried it
     * @param reason the category
     * @param detail the reason in full, for the log and events
     */
    public record Unread(InboundMessage message, Reason reason, String detail) {
    }

    /**
     * The files read (in message order), the items not read, and why the daily allowance could not
     * be counted ({@code null} when it could).
     */
    public record Result(List<MediaAttachment> attachments, List<Unread> unread, RuntimeException allowanceFailure) {
        public Result {
            attachments = List.copyOf(attachments);
            unread = List.copyOf(unread);
        }
    }

    /** Whether {@code m} is a media message (voice note, audio, image, sticker, video, document). */
    public static boolean isMedia(InboundMessage m) {
        return m.content() instanceof MediaContent;
    }

    /** Every media message of {@code messages}, not read for {@code reason}. */
    public static List<Unread> unreadAll(List<InboundMessage> messages, Reason reason, String detail) {
        List<Unread> unread = new ArrayList<>();
        for (InboundMessage m : messages) {
            if (isMedia(m)) {
                unread.add(new Unread(m, reason, detail));
            }
        }
        return unread;
    }

    /**
     * Reads the media of {@code messages} for {@code userId}. Blocks the calling thread for the
     * downloads, at most the timeout per file.
     */
    public Result collect(List<InboundMessage> messages, String userId) {
        List<MediaAttachment> attachments = new ArrayList<>();
        List<Unread> unread = new ArrayList<>();
        RuntimeException allowanceFailure = null;
        long used = 0;
        for (InboundMessage m : messages) {
            if (!(m.content() instanceof MediaContent media)) {
                continue;
            }
            String refused = refusalBeforeDownload(media);
            if (refused != null) {
                unread.add(new Unread(m, Reason.UNSUPPORTED, refused));
                continue;
            }
            long left = maxBurstBytes - used;
            if (left <= 0) {
                unread.add(new Unread(m, Reason.BURST_LIMIT, "the burst's media cap of " + maxBurstBytes
                        + " bytes is used up"));
                continue;
            }
            if (allowanceFailure == null) {
                try {
                    if (!quota.tryTake(userId)) {
                        unread.add(new Unread(m, Reason.DAILY_LIMIT, "the user's daily media allowance is used up"));
                        continue;
                    }
                } catch (RuntimeException e) {
                    // the allowance is a cost control: its store failing does not keep the user's files
                    // from being read, and it is not asked again for the rest of this burst
                    allowanceFailure = e;
                }
            }
            long cap = Math.min(maxItemBytes, left);
            Fetched fetched;
            try {
                fetched = fetch(media, cap);
            } catch (MediaTooLargeException e) {
                unread.add(cap < maxItemBytes
                        ? new Unread(m, Reason.BURST_LIMIT, "larger than the " + cap + " bytes left of the burst's "
                                + "media cap (" + e.getMessage() + ")")
                        : new Unread(m, Reason.TOO_LARGE, e.getMessage()));
                continue;
            } catch (FetchFailed e) {
                unread.add(new Unread(m, Reason.FAILED, e.getMessage()));
                continue;
            }
            byte[] data = fetched.media().data();
            MediaTypes.Verdict verdict = MediaTypes.resolve(declared(media, fetched), data);
            if (!verdict.accepted()) {
                unread.add(new Unread(m, Reason.UNSUPPORTED, verdict.refusal()));
                continue;
            }
            used += data.length;
            attachments.add(new MediaAttachment(m.id(), media.mediaId(), kindOf(verdict.type()), verdict.type(),
                    label(media), media.filename(), data));
        }
        return new Result(attachments, unread, allowanceFailure);
    }

    /** How the user turn names a media message: its description without brackets, e.g. {@code voice message}. */
    public static String label(MediaContent media) {
        String d = media.describe();
        return d.startsWith("[") && d.endsWith("]") ? d.substring(1, d.length() - 1) : d;
    }

    private static String refusalBeforeDownload(MediaContent media) {
        if (media.kind() == MediaKind.VIDEO) {
            return "videos are not read";
        }
        if (media.mediaId() == null && media.url() == null) {
            return "the message carries neither a media id nor a URL";
        }
        return MediaTypes.refusalBeforeDownload(media.mimeType());
    }

    /** The declaration to check the bytes against: the webhook's, else the lookup's, else the download's. */
    private static String declared(MediaContent media, Fetched fetched) {
        if (!MediaTypes.isGeneric(media.mimeType())) {
            return media.mimeType();
        }
        if (fetched.info() != null && !MediaTypes.isGeneric(fetched.info().mimeType())) {
            return fetched.info().mimeType();
        }
        return fetched.media().mimeType();
    }

    private static MediaAttachment.Kind kindOf(String type) {
        if (type.startsWith("audio/")) {
            return MediaAttachment.Kind.AUDIO;
        }
        return type.startsWith("image/") ? MediaAttachment.Kind.IMAGE : MediaAttachment.Kind.DOCUMENT;
    }

    private record Fetched(DownloadedMedia media, MediaInfo info) {
    }

    /** The lookup or download failed for good; the message says why. */
    private static final class FetchFailed extends Exception {
        private static final long serialVersionUID = 1L;

        FetchFailed(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** A download of a URL failed; marks the failure as the download's, not the lookup's. */
    private static final class DownloadFailed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        DownloadFailed(Throwable cause) {
            super(cause);
        }
    }

    /** One file: the webhook's URL first when there is one, a fresh lookup after an expired URL. */
    private Fetched fetch(MediaContent media, long cap) throws MediaTooLargeException, FetchFailed {
        boolean[] lookUp = {media.url() == null};
        CompletableFuture<Fetched> result = retry.run(n -> {
            if (!lookUp[0]) {
                return source.downloadMedia(media.url(), cap)
                        .handle((d, e) -> downloaded(d, e, null));
            }
            return source.mediaUrl(media.mediaId()).thenCompose(info -> {
                if (info.fileSize() > cap) {
                    return CompletableFuture.failedFuture(new MediaTooLargeException(cap, info.fileSize()));
                }
                return source.downloadMedia(info.url(), cap).handle((d, e) -> downloaded(d, e, info));
            });
        }, (failure, attempt) -> {
            if (failure instanceof DownloadFailed d && expired(d.getCause()) && media.mediaId() != null) {
                lookUp[0] = true;
                return Verdict.retryIn(Duration.ZERO);
            }
            Throwable cause = failure instanceof DownloadFailed d ? d.getCause() : failure;
            return transientFailure(cause) ? Verdict.backoff() : Verdict.stop();
        });
        try {
            return result.get(timeout.toMillis() + 1_000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            result.cancel(true);
            Thread.currentThread().interrupt();
            throw new FetchFailed("interrupted while downloading", e);
        } catch (TimeoutException e) {
            result.cancel(true);
            throw new FetchFailed("the download took longer than " + timeout.toSeconds() + " s", e);
        } catch (ExecutionException e) {
            Throwable cause = RetryPolicy.unwrap(e.getCause());
            if (cause instanceof RetryStoppedException stopped && stopped.lastFailure() != null) {
                cause = stopped.lastFailure();
            }
            if (cause instanceof DownloadFailed d) {
                cause = d.getCause();
            }
            if (cause instanceof MediaTooLargeException tooLarge) {
                throw tooLarge;
            }
            LOG.debug("media {} could not be read: {}", media.mediaId(), cause.toString());
            throw new FetchFailed(describe(cause), cause);
        }
    }

    private static Fetched downloaded(DownloadedMedia media, Throwable error, MediaInfo info) {
        if (error != null) {
            Throwable cause = RetryPolicy.unwrap(error);
            throw cause instanceof MediaTooLargeException tooLarge ? tooLarge : new DownloadFailed(cause);
        }
        return new Fetched(media, info);
    }

    /** A download URL that is no longer (or never was) valid for this token: look the id up again. */
    private static boolean expired(Throwable failure) {
        return failure instanceof WhatsAppApiException api
                && (api.httpStatus() == 401 || api.httpStatus() == 403 || api.httpStatus() == 404
                        || api.httpStatus() == 410);
    }

    private static boolean transientFailure(Throwable failure) {
        if (failure instanceof WhatsAppApiException api) {
            return api.isRetryable();
        }
        return failure instanceof IOException;
    }

    private static String describe(Throwable cause) {
        String message = cause.getMessage();
        return message == null ? cause.getClass().getSimpleName() : message;
    }
}
