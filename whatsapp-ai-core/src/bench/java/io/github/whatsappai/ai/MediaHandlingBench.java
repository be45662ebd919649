package io.github.whatsappai.ai;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.whatsappai.ai.knowledge.KnowledgeBase;
import io.github.whatsappai.client.DownloadedMedia;
import io.github.whatsappai.client.MediaInfo;
import io.github.whatsappai.client.MediaSource;
import io.github.whatsappai.conversation.MediaSettings;
import io.github.whatsappai.internal.media.MediaReader;
import io.github.whatsappai.internal.media.TestMedia;
import io.github.whatsappai.testing.Inbound;
import io.github.whatsappai.webhook.model.ConversationKey;
import io.github.whatsappai.webhook.model.InboundMessage;
import io.github.whatsappai.webhook.model.MediaContent;
import io.github.whatsappai.webhook.model.MediaContent.MediaKind;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The worker time media handling adds to one burst, the download and the AI call excluded: the
 * collector's checks and retry wrapper around an in-memory media source (no network), the type
 * check by magic bytes, the prompt with its content parts, the JSON body with the base64 file, the
 * notes cut from the reply, and the chat-log and history texts. One voice note of {@code mb} MiB.
 * With {@code transcribe}, the two-call path of a responder with a knowledge base instead (see
 * {@link OpenRouterResponder}). A {@code main} mode measures the heap one burst holds at its two high
 * points (files read; files and request body while the AI call is in flight); a second argument
 * {@code transcribe} measures the transcription request in flight instead.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class MediaHandlingBench {

    private static final String REPLY = "Kami buka jam 8 pagi hari Sabtu.\n<media-notes>\n1: Halo, jam berapa buka "
            + "hari Sabtu?\n</media-notes>";

    private static final String ANSWER = "Kami buka jam 8 pagi hari Sabtu.";

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    @Param({"1"})
    public int mb;

    /**
     * Whether the burst takes the two-call path of a responder with a knowledge base: the
     * transcription request (the audio), its answer read, then the answering request with the
     * transcript in place of the audio, and the two replies merged.
     */
    @Param({"false", "true"})
    public boolean transcribe;

    private MediaReader reader;
    private List<InboundMessage> messages;
    private PromptAssembler prompts;
    private OpenRouterRequestEncoder encoder;
    private ScheduledExecutorService timer;
    /** Whether a download hands out a fresh array, as a real one does (the heap figure), or the stored one (the timing). */
    private boolean copyOnDownload;

    @Setup
    public void setUp() {
        Map<String, byte[]> files = new java.util.HashMap<>();
        messages = new ArrayList<>();
        long total = (long) mb << 20;
        int items = (int) Math.max(1, total / (5L << 20) + (total % (5L << 20) == 0 ? 0 : 1));
        for (int i = 0; i < items; i++) {
            int size = (int) Math.min(5L << 20, total - (long) i * (5L << 20));
            byte[] voice = voiceNote(size);
            files.put("voice-" + i, voice);
            messages.add(Inbound.of("6281234567890", "audio", new MediaContent(MediaKind.AUDIO, "voice-" + i,
                    "audio/ogg; codecs=opus", null, null, null, null, true, false), Instant.EPOCH));
        }
        timer = Executors.newSingleThreadScheduledExecutor();
        reader = new MediaReader(new InMemorySource(files, copyOnDownload), MediaSettings.builder().maxItemBytes(5L << 20)
                .maxBurstBytes(Math.max(10L << 20, total)).maxItemsPerUserPerDay(Integer.MAX_VALUE).build(),
                timer, Clock.systemUTC());
        prompts = new PromptAssembler(OpenRouterSettings.DEFAULT_SYSTEM_PROMPT, KnowledgeBase.empty(), 50, 6000);
        encoder = new OpenRouterRequestEncoder(new ObjectMapper(), URI.create("http://127.0.0.1:9/api/v1/chat/completions"),
                "sk-or-v1-bench", "text/model", List.of(), "media/model", List.of("media/fallback"), null, "bench", 0.3,
                1024, Duration.ofSeconds(60));
    }

    /** A voice note of about {@code size} bytes: Ogg pages of 20 ms packets, each 160 bytes. */
    static byte[] voiceNote(int size) {
        byte[] frame = new byte[160];
        frame[0] = (byte) 0xF8;
        int seconds = Math.max(1, size / (50 * 167));
        return TestMedia.oggOpus(seconds, frame);
    }

    private long cpuStart;
    private long ops;

    @Setup(Level.Iteration)
    public void startIteration() {
        cpuStart = THREADS.getCurrentThreadCpuTime();
        ops = 0;
    }

    /** The benchmark thread's CPU time per burst: meaningful also when other processes load the machine. */
    @TearDown(Level.Iteration)
    public void reportCpu() {
        System.out.printf("%n  cpu %.3f ms/op over %d ops%n",
                (THREADS.getCurrentThreadCpuTime() - cpuStart) / 1e6 / Math.max(1, ops), ops);
    }

    @Benchmark
    public Object burst() {
        ops++;
        return handle(reader, messages, prompts, encoder, transcribe);
    }

    /** Everything the worker does for the burst's media, the download and the AI calls replaced by constants. */
    static Object handle(MediaReader reader, List<InboundMessage> messages, PromptAssembler prompts,
                         OpenRouterRequestEncoder encoder, boolean transcribe) {
        MediaReader.BurstMedia media = reader.read(messages, "user-1", true);
        AiRequest request = new AiRequest(new ConversationKey("106540352242922", "6281234567890"), "user-1",
                "session-1", List.of(), messages, "[voice message]", media.attachments());
        AiReply reply;
        int bodies;
        if (transcribe) {
            List<Integer> voice = VoiceTranscription.voiceMessages(request);
            byte[] first = encoder.body(request, VoiceTranscription.messages(request, voice), true, 0.0,
                    VoiceTranscription.maxTokens(voice.size()));
            VoiceTranscription.Reading reading = VoiceTranscription.read(transcripts(voice.size()), "stop", voice.size());
            VoiceTranscription.Outcome outcome = VoiceTranscription.Outcome.of(request, voice, reading.transcripts(),
                    new OpenRouterReplyParser.Completion("", "media/model", 900, 20, null, "stop"));
            PromptAssembler.Prompt prompt = prompts.assemble(request, outcome.transcripts());
            byte[] second = encoder.body(request, prompt);
            reply = outcome.mergeInto(new AiReply(ANSWER, "text/model", 1000, 50, null), prompt,
                    media.attachments().size());
            bodies = first.length + second.length;
        } else {
            byte[] body = encoder.body(request, prompts.assemble(request));
            MediaNotes.Split split = MediaNotes.split(REPLY, media.attachments().size());
            reply = new AiReply(split.answer(), "media/model", 1000, 50, null, split.notes());
            bodies = body.length;
        }
        String history = media.historyTurn(reply, 16_000);
        String logged = media.describe(messages.get(0), reply);
        return bodies + history.length() + logged.length() + media.withNotice(reply.text()).length();
    }

    /** The transcription answer for {@code count} voice notes. */
    private static String transcripts(int count) {
        StringBuilder sb = new StringBuilder(VoiceTranscription.OPEN).append('\n');
        for (int i = 1; i <= count; i++) {
            sb.append(i).append(": Halo, jam berapa buka hari Sabtu?\n");
        }
        return sb.append(VoiceTranscription.CLOSE).toString();
    }

    /**
     * Heap held by one burst with {@code args[0]} MiB of voice notes (default 10), after full GCs:
     * with the files read, and with the files and the request body (as during the AI call).
     */
    public static void main(String[] args) throws Exception {
        MediaHandlingBench bench = new MediaHandlingBench();
        bench.mb = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        bench.transcribe = args.length > 1 && args[1].equals("transcribe");
        bench.copyOnDownload = true;
        bench.setUp();
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        handle(bench.reader, bench.messages, bench.prompts, bench.encoder, bench.transcribe);  // warm the classes
        long base = used(memory);
        long peak = 0;
        MediaReader.BurstMedia media = bench.reader.read(bench.messages, "user-1", true);
        long read = used(memory) - base;
        AiRequest request = new AiRequest(new ConversationKey("106540352242922", "6281234567890"), "user-1",
                "session-1", List.of(), bench.messages, "[voice message]", media.attachments());
        // the request in flight: the transcription request when the burst is transcribed (it holds the audio;
        // the answering request after it holds text), else the one request with the audio
        byte[] body = bench.transcribe
                ? bench.encoder.body(request, VoiceTranscription.messages(request, VoiceTranscription.voiceMessages(request)),
                        true, 0.0, 8_192)
                : bench.encoder.body(request, bench.prompts.assemble(request));
        long inFlight = used(memory) - base;
        long files = media.attachments().stream().mapToLong(a -> a.size()).sum();
        System.out.printf("files %d bytes in %d attachment(s); held with files read: %d bytes; with the request body"
                        + " (%d bytes) during the AI call: %d bytes (%.2f x the media)%n", files,
                media.attachments().size(), read, body.length, inFlight, inFlight / (double) files);
        bench.timer.shutdownNow();
    }

    private static long used(MemoryMXBean memory) throws InterruptedException {
        for (int i = 0; i < 4; i++) {
            System.gc();
            Thread.sleep(50);
        }
        return memory.getHeapMemoryUsage().getUsed();
    }

    /** Files in memory: the lookup and the download complete at once. */
    private record InMemorySource(Map<String, byte[]> files, boolean copy) implements MediaSource {
        @Override
        public CompletableFuture<MediaInfo> mediaUrl(String mediaId) {
            return CompletableFuture.completedFuture(new MediaInfo(mediaId, "http://127.0.0.1/" + mediaId,
                    "audio/ogg", null, files.get(mediaId).length));
        }

        @Override
        public CompletableFuture<DownloadedMedia> downloadMedia(String urlOrMediaId) {
            String id = urlOrMediaId.substring(urlOrMediaId.lastIndexOf('/') + 1);
            byte[] file = files.get(id);
            return CompletableFuture.completedFuture(new DownloadedMedia(copy ? file.clone() : file, "audio/ogg"));
        }
    }
}
