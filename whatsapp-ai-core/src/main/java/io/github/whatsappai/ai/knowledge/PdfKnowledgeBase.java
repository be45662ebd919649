package io.github.whatsappai.ai.knowledge;

import io.github.whatsappai.event.Event;
import io.github.whatsappai.event.EventListener;
import io.github.whatsappai.internal.NamedDaemonThreads;
import io.github.whatsappai.internal.SettingsCheck;
import io.github.whatsappai.internal.TextAnalyzer;
import io.github.whatsappai.internal.http.HttpClients;
import io.github.whatsappai.internal.retry.Backoff;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A knowledge base made of PDFs fetched from {@code http(s)} URLs or read from files
 * ({@code KNOWLEDGE_BASE_URLS}), searched with a lexical BM25 index and, when an {@link Embedder}
 * is given, with passage vectors as well (hybrid retrieval, fused by reciprocal rank).
 *
 * <p><b>Loading.</b> {@link #start()} loads every source at once on the scheduler and then again
 * every refresh interval (default {@link #DEFAULT_REFRESH_INTERVAL}); {@link #refreshNow()} does
 * the same synchronously. A URL is re-fetched with a conditional GET ({@code If-None-Match} with
 * the ETag, {@code If-Modified-Since} with the Last-Modified date of the copy held): a
 * {@code 304 Not Modified} keeps that copy. A file is re-read when its modification time or size
 * changes. A fetch that fails, answers other than 2xx, exceeds the size limit (default
 * {@link #DEFAULT_MAX_PDF_BYTES}; bodies are streamed and cut off above it) or the time limit
 * (default {@link #DEFAULT_FETCH_TIMEOUT}), or returns something that is not a readable PDF within
 * the page limit (default {@link #DEFAULT_MAX_PAGES}) keeps the last good copy of that source and
 * is reported as {@link Event.KnowledgeBaseLoadFailed} with the reason; each successful load is
 * reported as {@link Event.KnowledgeBaseLoaded}. Nothing here throws at startup because a source
 * is unreachable: while a source has never loaded, it is retried sooner (starting after
 * {@link #DEFAULT_RETRY_DELAY}, doubling up to the refresh interval).
 *
 * <p><b>Indexing.</b> Text is extracted page by page with PDFBox, cut into passages of about
 * {@link #DEFAULT_PASSAGE_CHARS} characters that respect paragraphs and sentences, with an overlap
 * of about {@link #DEFAULT_OVERLAP_CHARS} characters where a paragraph is cut, each passage keeping
 * the page where it starts. Terms come from {@link TextAnalyzer} (Unicode-aware, English and
 * Indonesian), scored with BM25 plus a bonus for query words found next to each other; a
 * document's title (its PDF title and its file name) counts as part of every passage, so a
 * question naming the document can tell near-identical documents apart. Each refresh that changes anything
 * builds a new index and swaps it in at once: a search sees the old index or the new one, never a
 * half-built one.
 *
 * <p><b>Vectors.</b> With an embedder, each index version's passages are embedded in batches
 * ({@link Event.KnowledgeBaseEmbeddingProgress} after each batch of a long document), cached in
 * memory by model and text, so a refresh embeds only new text. An embedder that fails keeps the
 * vectors computed before, leaves the rest to lexical retrieval until a later refresh succeeds, and
 * is reported as {@link Event.KnowledgeBaseEmbeddingFailed}; a query that cannot be embedded
 * ({@link Embedder#embedQuery}) is answered lexically, and so are the searches of the next 30 s,
 * without asking the embedder; then one search tries it again. {@link #searchWithinBudget} fills a character budget, joining neighbouring
 * passages and counting their overlap once. With a durable {@link VectorCache}, vectors the memory
 * lacks are read from it before anything is embedded; after a scheduled refresh, at most once a
 * day, the vectors of the index in use are marked in use there and entries nobody used within the
 * vector retention (default {@link #DEFAULT_VECTOR_RETENTION}) are deleted.
 *
 * <p><b>Threads.</b> Thread-safe: {@link #search} never blocks on a refresh; refreshes run one at
 * a time. With no scheduler given, {@link #start()} creates one named daemon thread, which
 * {@link #close()} shuts down; an injected scheduler is left running.
 */
public final class PdfKnowledgeBase implements KnowledgeBase, AutoCloseable {

    /** Largest PDF accepted: 50 MiB. */
    public static final long DEFAULT_MAX_PDF_BYTES = 50L * 1024 * 1024;
    /** Most pages accepted in one PDF: 2000. */
    public static final int DEFAULT_MAX_PAGES = 2000;
    /** Longest one fetch may take, from request to last byte: 60 s. */
    public static final Duration DEFAULT_FETCH_TIMEOUT = Duration.ofSeconds(60);
    /** How often sources are re-checked: 1 h (the configuration's default as well). */
    public static final Duration DEFAULT_REFRESH_INTERVAL = Duration.ofHours(1);
    /** First retry after a source that has never loaded failed: 30 s, doubling up to the refresh interval. */
    public static final Duration DEFAULT_RETRY_DELAY = Duration.ofSeconds(30);
    /** Passage size the chunker aims at: 500 characters. */
    public static final int DEFAULT_PASSAGE_CHARS = 500;
    /** Text repeated where a paragraph is cut between passages: 100 characters. */
    public static final int DEFAULT_OVERLAP_CHARS = 100;
    /** Cached vectors no knowledge base has used for this long are deleted from a durable cache: 30 days. */
    public static final Duration DEFAULT_VECTOR_RETENTION = Duration.ofDays(30);
    /** How often the durable vector cache's upkeep runs at most (after a scheduled refresh): 1 day. */
    static final Duration VECTOR_UPKEEP_INTERVAL = Duration.ofDays(1);

    /** Query terms beyond this many are ignored (a long message is still searched by its start). */
    private static final int MAX_QUERY_TERMS = 256;
    /** Query text beyond this is not embedded (models read a few hundred tokens at most). */
    private static final int MAX_QUERY_EMBEDDING_CHARS = 2_000;
    /** After a search's query could not be embedded, searches are lexical this long; then one tries again. */
    static final Duration QUERY_EMBEDDING_PAUSE = Duration.ofSeconds(30);
    /** Most candidates {@link #searchWithinBudget} ranks. */
    private static final int MAX_BUDGET_CANDIDATES = 200;
    private static final Logger LOG = LoggerFactory.getLogger(PdfKnowledgeBase.class);

    /**
     * What is loaded.
     *
     * @param documents sources with a good copy in the index
     * @param pages pages of those documents
     * @param passages passages in the index
     * @param builtAt when the index in use was built, or {@code null} before the first successful load
     */
    public record Stats(int documents, int pages, int passages, Instant builtAt) {
    }

    /** The last good copy of one source. */
    private record Loaded(SourceFetcher.Validators validators, String title, int pages,
                          List<TextChunker.Chunk> chunks) {
    }

    /** An index and the passages it numbers; replaced as a whole. */
    private record Snapshot(Bm25Index index, VectorIndex vectors, String[] sources, int[] documents, int[] pages,
                            String[] texts, Stats stats) {

        static final Snapshot EMPTY = new Snapshot(new Bm25Index.Builder().build(), VectorIndex.EMPTY, new String[0],
                new int[0], new int[0], new String[0], new Stats(0, 0, 0, null));
    }

    private final List<String> sources;
    private final SourceFetcher fetcher;
    private final PdfTextExtractor extractor;
    private final TextChunker chunker;
    private final ScheduledExecutorService injectedScheduler;
    private final Clock clock;
    private final EventListener listener;
    private final Duration refreshInterval;
    /** The waits before a source that has never loaded is tried again: doubling up to the refresh interval. */
    private final Backoff retryBackoff;
    private final TextAnalyzer analyzer = TextAnalyzer.standard();
    /** Null without an embedder: lexical retrieval only. */
    private final Embedder embedder;
    /** Guarded by refreshLock; null without an embedder. */
    private final PassageVectors passageVectors;
    private final boolean durableVectors;
    private final Duration vectorRetention;
    /** When the durable cache's upkeep last succeeded; guarded by refreshLock. */
    private Instant lastVectorUpkeep;
    private final AtomicBoolean queryEmbeddingFailing = new AtomicBoolean();
    /** While the query embedding fails: the clock's millis when a search may try it again. */
    private final AtomicLong queryEmbeddingRetryAt = new AtomicLong();

    private final ReentrantLock refreshLock = new ReentrantLock();
    /** Guarded by refreshLock. */
    private final Map<String, Loaded> loaded = new LinkedHashMap<>();
    private volatile Snapshot snapshot = Snapshot.EMPTY;

    /** Guarded by this. */
    private ScheduledExecutorService scheduler;
    private ScheduledFuture<?> pending;
    /** Scheduled refreshes in a row that left a source unloaded. */
    private int failedRefreshes;
    private boolean started;
    private volatile boolean closed;

    private PdfKnowledgeBase(Builder b) {
        this.sources = List.copyOf(b.sources);
        HttpClient http = b.httpClient != null ? b.httpClient : HttpClients.standard();
        this.fetcher = new SourceFetcher(http, b.maxPdfBytes, b.fetchTimeout);
        this.extractor = new PdfTextExtractor(b.maxPages);
        this.chunker = new TextChunker(b.passageChars, b.overlapChars);
        this.injectedScheduler = b.scheduler;
        this.clock = b.clock;
        this.listener = b.listener;
        this.embedder = b.embedder;
        this.passageVectors = b.embedder == null ? null : new PassageVectors(b.embedder, b.vectorCache, this::emit);
        this.durableVectors = passageVectors != null && b.vectorCache != null;
        this.vectorRetention = b.vectorRetention;
        this.refreshInterval = b.refreshInterval;
        Duration firstRetry = b.retryDelay.compareTo(b.refreshInterval) > 0 ? b.refreshInterval : b.retryDelay;
        this.retryBackoff = Backoff.exponential(firstRetry, b.refreshInterval).withJitter(Backoff.Jitter.NONE);
    }

    /** A builder; at least one source is required. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A knowledge base over the settings' sources ({@code KNOWLEDGE_BASE_URLS}), refreshed every
     * {@code KNOWLEDGE_BASE_REFRESH_INTERVAL}, hybrid when the settings name an embeddings endpoint
     * ({@code EMBEDDINGS_BASE_URL}), with the default limits, its own HTTP client and its own
     * scheduler thread. Call {@link #start()} to load it.
     *
     * @throws IllegalArgumentException when the settings name no source
     */
    public static PdfKnowledgeBase create(KnowledgeBaseSettings settings, EventListener listener) {
        return builder()
                .settings(settings)
                .eventListener(listener)
                .build();
    }

    /**
     * Loads every source now on the scheduler, and again every refresh interval. Returns at once;
     * a source that cannot be loaded yet is reported and retried, never thrown. Calling it again
     * does nothing.
     *
     * @throws IllegalStateException after {@link #close()}
     */
    public synchronized void start() {
        if (closed) {
            throw new IllegalStateException("this knowledge base is closed");
        }
        if (started) {
            return;
        }
        started = true;
        scheduler = injectedScheduler != null ? injectedScheduler : Executors.newSingleThreadScheduledExecutor(
                NamedDaemonThreads.named("whatsapp-ai-knowledge-refresh"));
        pending = scheduler.schedule(this::scheduledRefresh, 0, TimeUnit.MILLISECONDS);
    }

    /**
     * Checks every source now, on the calling thread, and swaps in a new index if anything changed.
     * Failures are reported as events, never thrown. Waits while another refresh runs.
     *
     * @return what is loaded afterwards
     */
    public Stats refreshNow() {
        refreshLock.lock();
        try {
            boolean changed = false;
            for (String source : sources) {
                changed |= refreshSource(source);
            }
            boolean vectorsMissing = passageVectors != null && snapshot.vectors().missing() > 0;
            if (changed || vectorsMissing || snapshot == Snapshot.EMPTY && !loaded.isEmpty()) {
                snapshot = buildSnapshot();
            }
            return snapshot.stats();
        } finally {
            refreshLock.unlock();
        }
    }

    /**
     * The best passages for {@code query}, best first, at most {@code limit}; empty before the first
     * load, for a blank query or when nothing matches. With an embedder, the BM25 ranking and the
     * vector ranking are fused by reciprocal rank ({@link HybridRanking}); the score is then the
     * fused score. Never blocks on a refresh.
     */
    @Override
    public List<Passage> search(String query, int limit) {
        if (query == null || limit <= 0 || query.isBlank()) {
            return List.of();
        }
        Snapshot s = snapshot;
        List<Ranked> ranked = rank(s, query, limit);
        List<Passage> out = new ArrayList<>(ranked.size());
        for (Ranked r : ranked) {
            int d = r.doc();
            out.add(new Passage(s.sources()[d], s.pages()[d], s.texts()[d], r.score()));
        }
        return out;
    }

    /**
     * The best passages for {@code query} whose texts together fit in {@code maxChars}, best first.
     * Candidates are taken in rank order until the budget is full; two passages that follow each
     * other in one document are joined into one, the text they share (the chunk overlap) written
     * once and counted once, so an answer that spans a passage boundary arrives whole and no
     * character of the budget is spent twice. A joined passage keeps the page where it starts and
     * the better score. One that no longer fits is skipped so a shorter one after it may still fit.
     */
    @Override
    public List<Passage> searchWithinBudget(String query, int maxChars) {
        if (query == null || maxChars <= 0 || query.isBlank()) {
            return List.of();
        }
        Snapshot s = snapshot;
        int candidates = Math.min(MAX_BUDGET_CANDIDATES, maxChars / 100 + 10);
        List<Ranked> ranked = rank(s, query, candidates);
        BudgetFill fill = new BudgetFill(maxChars, s.texts(), s.documents());
        for (Ranked r : ranked) {
            fill.offer(r.doc(), r.score());
        }
        List<Passage> out = new ArrayList<>();
        for (BudgetFill.Group g : fill.groups()) {
            out.add(new Passage(s.sources()[g.first()], s.pages()[g.first()], g.text(), g.score()));
        }
        return out;
    }

    private record Ranked(int doc, double score) {
    }

    private List<Ranked> rank(Snapshot s, String query, int limit) {
        List<String> terms = analyzer.terms(query);
        if (terms.size() > MAX_QUERY_TERMS) {
            terms = terms.subList(0, MAX_QUERY_TERMS);
        }
        float[] queryVector = s.vectors().present() > 0 ? embedQuery(query) : null;
        if (queryVector == null || queryVector.length != s.vectors().dimension()) {
            List<Bm25Index.Hit> hits = s.index().search(terms, limit);
            List<Ranked> out = new ArrayList<>(hits.size());
            for (Bm25Index.Hit hit : hits) {
                out.add(new Ranked(hit.doc(), hit.score()));
            }
            return out;
        }
        int depth = Math.max(limit, HybridRanking.DEFAULT_DEPTH);
        List<Bm25Index.Hit> lexical = s.index().search(terms, depth);
        List<VectorIndex.Hit> dense = s.vectors().search(queryVector, depth);
        int[] lexicalDocs = new int[lexical.size()];
        for (int i = 0; i < lexicalDocs.length; i++) {
            lexicalDocs[i] = lexical.get(i).doc();
        }
        int[] denseDocs = new int[dense.size()];
        for (int i = 0; i < denseDocs.length; i++) {
            denseDocs[i] = dense.get(i).doc();
        }
        List<Ranked> out = new ArrayList<>();
        for (HybridRanking.Fused f : HybridRanking.fuse(lexicalDocs, denseDocs, limit)) {
            out.add(new Ranked(f.doc(), f.score()));
        }
        return out;
    }

    /**
     * The query's unit vector, or null (lexical only) when the embedder fails, reported once per
     * outage. After a failure, searches stay lexical for {@link #QUERY_EMBEDDING_PAUSE} without
     * calling the embedder; then one search tries it again. So an embedder that is down or hangs
     * costs one search per pause its wait, not every reply.
     */
    private float[] embedQuery(String query) {
        if (embedder == null) {
            return null;
        }
        if (queryEmbeddingFailing.get()) {
            long retryAt = queryEmbeddingRetryAt.get();
            long now = clock.millis();
            if (now < retryAt || !queryEmbeddingRetryAt.compareAndSet(retryAt, now + QUERY_EMBEDDING_PAUSE.toMillis())) {
                return null; // paused, or another search is trying it now
            }
        }
        try {
            float[] raw = embedder.embedQuery(query.length() > MAX_QUERY_EMBEDDING_CHARS
                    ? query.substring(0, MAX_QUERY_EMBEDDING_CHARS) : query);
            if (raw == null) {
                throw new EmbeddingException("the embedder returned no vector for the query");
            }
            float[] v = VectorIndex.normalized(raw);
            int expected = snapshot.vectors().dimension();
            if (v.length != expected) {
                throw new EmbeddingException("the embedder returned a query vector of " + v.length
                        + " dimensions but the passages have " + expected
                        + "; passages and queries must be embedded by the same model");
            }
            if (queryEmbeddingFailing.compareAndSet(true, false)) {
                emit(new Event.KnowledgeBaseEmbeddingRecovered());
            }
            return v;
        } catch (RuntimeException e) {
            queryEmbeddingRetryAt.set(clock.millis() + QUERY_EMBEDDING_PAUSE.toMillis());
            if (queryEmbeddingFailing.compareAndSet(false, true)) {
                emit(new Event.KnowledgeBaseEmbeddingFailed((e.getMessage() == null ? e.getClass().getSimpleName()
                        : e.getMessage()) + "; answering with lexical retrieval, trying the embedder again every "
                        + QUERY_EMBEDDING_PAUSE.toSeconds() + " s", true));
            }
            return null;
        }
    }

    /** Whether at least one source is loaded and searchable. */
    public boolean isReady() {
        return snapshot.stats().documents() > 0;
    }

    /** {@code true} while no passage is loaded (before the first load, or when every source is empty). */
    @Override
    public boolean isEmpty() {
        return snapshot.stats().passages() == 0;
    }

    /** What is loaded now. */
    public Stats stats() {
        return snapshot.stats();
    }

    /** The configured sources, in order. */
    public List<String> sources() {
        return sources;
    }

    /**
     * Stops refreshing and, if this knowledge base created its scheduler thread, shuts it down. The
     * loaded index stays searchable. Idempotent.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (pending != null) {
            pending.cancel(false);
        }
        if (scheduler != null && scheduler != injectedScheduler) {
            scheduler.shutdownNow();
        }
    }

    private void scheduledRefresh() {
        if (closed) {
            return;
        }
        try {
            refreshNow();
            vectorUpkeep();
        } catch (RuntimeException e) {
            LOG.error("Knowledge-base refresh failed unexpectedly", e);
        }
        boolean allLoaded;
        refreshLock.lock();
        try {
            allLoaded = loaded.keySet().containsAll(sources);
        } finally {
            refreshLock.unlock();
        }
        synchronized (this) {
            if (closed) {
                return;
            }
            Duration delay;
            if (allLoaded) {
                delay = refreshInterval;
                failedRefreshes = 0;
            } else {
                delay = retryBackoff.delay(++failedRefreshes, null);
            }
            pending = scheduler.schedule(this::scheduledRefresh, delay.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /**
     * At most once a {@link #VECTOR_UPKEEP_INTERVAL}, once an index is loaded: marks its vectors in
     * use in the durable cache and deletes what nobody used within the retention. A failure (logged
     * once) is tried again after the next refresh.
     */
    private void vectorUpkeep() {
        if (!durableVectors) {
            return;
        }
        refreshLock.lock();
        try {
            Instant now = clock.instant();
            if (!isReady() || lastVectorUpkeep != null && now.isBefore(lastVectorUpkeep.plus(VECTOR_UPKEEP_INTERVAL))) {
                return;
            }
            if (passageVectors.maintain(now, vectorRetention)) {
                lastVectorUpkeep = now;
            }
        } finally {
            refreshLock.unlock();
        }
    }

    /** Refreshes one source; true when its copy changed. Caller holds refreshLock. */
    private boolean refreshSource(String source) {
        String name = displayName(source);
        Loaded held = loaded.get(source);
        try {
            SourceFetcher.Result result = fetcher.fetch(source,
                    held == null ? SourceFetcher.Validators.NONE : held.validators());
            if (result.notModified()) {
                return false;
            }
            PdfTextExtractor.Extracted text = extractor.extract(result.bytes());
            List<TextChunker.Chunk> chunks = chunker.chunk(text.pages());
            String title = (text.title() + " " + fileName(source)).strip();
            loaded.put(source, new Loaded(result.validators(), title, text.pages().size(), chunks));
            emit(new Event.KnowledgeBaseLoaded(name, text.pages().size(), chunks.size()));
            return true;
        } catch (SourceException e) {
            emit(new Event.KnowledgeBaseLoadFailed(name, e.getMessage()
                    + (held == null ? "" : "; keeping the copy loaded before")));
            return false;
        } catch (RuntimeException e) {
            emit(new Event.KnowledgeBaseLoadFailed(name, "unexpected error: " + e
                    + (held == null ? "" : "; keeping the copy loaded before")));
            return false;
        }
    }

    private Snapshot buildSnapshot() {
        Bm25Index.Builder index = new Bm25Index.Builder();
        List<String> passageSources = new ArrayList<>();
        List<Integer> passageDocuments = new ArrayList<>();
        List<Integer> passagePages = new ArrayList<>();
        List<String> passageTexts = new ArrayList<>();
        int pages = 0;
        int documentNumber = 0;
        for (Map.Entry<String, Loaded> e : loaded.entrySet()) {
            Loaded doc = e.getValue();
            String name = displayName(e.getKey());
            List<String> titleTerms = analyzer.terms(doc.title());
            pages += doc.pages();
            documentNumber++;
            for (TextChunker.Chunk chunk : doc.chunks()) {
                index.add(titleTerms, analyzer.terms(chunk.text()));
                passageSources.add(name);
                passageDocuments.add(documentNumber);
                passagePages.add(chunk.page());
                passageTexts.add(chunk.text());
            }
        }
        int[] pageArray = new int[passagePages.size()];
        int[] documentArray = new int[passagePages.size()];
        for (int i = 0; i < pageArray.length; i++) {
            pageArray[i] = passagePages.get(i);
            documentArray[i] = passageDocuments.get(i);
        }
        VectorIndex vectors = passageVectors == null ? VectorIndex.EMPTY : passageVectors.build(passageTexts);
        Stats stats = new Stats(loaded.size(), pages, passageTexts.size(), clock.instant());
        return new Snapshot(index.build(), vectors, passageSources.toArray(String[]::new), documentArray, pageArray,
                passageTexts.toArray(String[]::new), stats);
    }

    private void emit(Event event) {
        try {
            listener.onEvent(event);
        } catch (RuntimeException e) {
            LOG.warn("Event listener failed on {}", event.getClass().getSimpleName(), e);
        }
    }

    /** A source as shown in events and passages: a URL without user info, query or fragment. */
    static String displayName(String source) {
        if (!SourceFetcher.isHttp(source)) {
            return source;
        }
        try {
            URI uri = URI.create(source);
            return new URI(uri.getScheme(), null, uri.getHost(), uri.getPort(), uri.getPath(), null, null).toString();
        } catch (IllegalArgumentException | java.net.URISyntaxException e) {
            return "(invalid URL)";
        }
    }

    /** The last path segment without {@code .pdf}, indexed as part of the title. */
    private static String fileName(String source) {
        String path = SourceFetcher.isHttp(source) ? displayName(source) : source;
        String name = path.substring(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1);
        return name.regionMatches(true, Math.max(0, name.length() - 4), ".pdf", 0, 4)
                ? name.substring(0, name.length() - 4) : name;
    }

    /**
     * Builds a {@link PdfKnowledgeBase}. Defaults: no sources (one is required), a new HTTP client
     * following redirects, refresh every {@link #DEFAULT_REFRESH_INTERVAL}, retry a never-loaded
     * source after {@link #DEFAULT_RETRY_DELAY} (doubling), its own scheduler thread, the system
     * UTC clock, no event listener, and the {@code DEFAULT_*} limits. Not thread-safe.
     */
    public static final class Builder {
        private final List<String> sourceProblems = new ArrayList<>();

        private final Set<String> sources = new LinkedHashSet<>();
        private HttpClient httpClient;
        private Duration refreshInterval = DEFAULT_REFRESH_INTERVAL;
        private Duration retryDelay = DEFAULT_RETRY_DELAY;
        private ScheduledExecutorService scheduler;
        private Clock clock = Clock.systemUTC();
        private EventListener listener = EventListener.noop();
        private long maxPdfBytes = DEFAULT_MAX_PDF_BYTES;
        private int maxPages = DEFAULT_MAX_PAGES;
        private Duration fetchTimeout = DEFAULT_FETCH_TIMEOUT;
        private int passageChars = DEFAULT_PASSAGE_CHARS;
        private int overlapChars = DEFAULT_OVERLAP_CHARS;
        private Embedder embedder;
        private KnowledgeBaseSettings embeddings;
        private VectorCache vectorCache;
        private Duration vectorRetention = DEFAULT_VECTOR_RETENTION;

        private Builder() {
        }

        /**
         * Takes the settings' sources and refresh interval and, when they name an embeddings endpoint
         * ({@link KnowledgeBaseSettings#hybrid()}), an {@link OpenAiCompatibleEmbedder} for it, built
         * at {@link #build()} over this builder's HTTP client. An {@link #embedder(Embedder)} given
         * as well takes precedence.
         */
        public Builder settings(KnowledgeBaseSettings settings) {
            sources(settings.sources());
            refreshInterval(settings.refreshInterval());
            this.embeddings = settings.hybrid() ? settings : null;
            return this;
        }

        /**
         * Turns on hybrid retrieval: passages are embedded when a version is indexed (cached by
         * content, so a refresh embeds only new text) and each query is embedded at search time;
         * BM25 and vector rankings are fused. Default none: lexical retrieval only.
         */
        public Builder embedder(Embedder embedder) {
            this.embedder = Objects.requireNonNull(embedder, "embedder");
            return this;
        }

        /**
         * A durable cache of passage vectors (e.g. {@link PostgresVectorCache} on the state store's
         * database) consulted before embedding and filled after, so a restart embeds only passages
         * whose text is new. Used only with an embedder. Default none: vectors are cached in memory.
         */
        public Builder vectorCache(VectorCache cache) {
            this.vectorCache = Objects.requireNonNull(cache, "cache");
            return this;
        }

        /**
         * How long vectors in the {@linkplain #vectorCache durable cache} may go unused before they
         * are deleted. After a scheduled refresh, at most once a day, this knowledge base marks the
         * vectors of its index in use there and deletes the entries nobody has used for this long:
         * those of passages that left every document. Knowledge bases sharing the cache (replicas,
         * other documents) each mark their own, so none deletes another's while it runs; one
         * stopped for longer loses its vectors and embeds them again when it starts. Default
         * {@link #DEFAULT_VECTOR_RETENTION}.
         *
         * <p>{@link #build()} refuses a retention not longer than the refresh interval plus a day:
         * a running knowledge base marks its vectors only that often.
         */
        public Builder vectorRetention(Duration retention) {
            this.vectorRetention = retention;
            return this;
        }

        /** Adds sources: {@code http(s)} URLs, file paths or {@code file:} URIs. Duplicates count once. */
        public Builder sources(List<String> sources) {
            for (String s : sources) {
                source(s);
            }
            return this;
        }

        /** Adds one source: an {@code http(s)} URL, a file path or a {@code file:} URI. */
        public Builder source(String source) {
            Objects.requireNonNull(source, "source");
            if (source.isBlank()) {
                sourceProblems.add("must not be blank");
                return this;
            }
            if (SourceFetcher.isHttp(source)) {
                URI uri;
                try {
                    uri = URI.create(source.strip());
                } catch (IllegalArgumentException e) {
                    sourceProblems.add("not a valid URL: " + displayName(source));
                    return this;
                }
                if (uri.getHost() == null) {
                    sourceProblems.add("URL has no host: " + displayName(source));
                    return this;
                }
            }
            sources.add(source.strip());
            return this;
        }

        /** The HTTP client to share (its redirect policy and proxy apply). Default: a new client. */
        public Builder httpClient(HttpClient client) {
            this.httpClient = Objects.requireNonNull(client, "client");
            return this;
        }

        /** How often sources are re-checked. Default {@link #DEFAULT_REFRESH_INTERVAL}. */
        public Builder refreshInterval(Duration interval) {
            this.refreshInterval = interval;
            return this;
        }

        /**
         * The first retry delay while a source has never loaded; doubles on each failure up to the
         * refresh interval. Default {@link #DEFAULT_RETRY_DELAY}.
         */
        public Builder retryDelay(Duration delay) {
            this.retryDelay = delay;
            return this;
        }

        /** The scheduler that runs refreshes; left running by {@link #close()}. Default: an own daemon thread. */
        public Builder scheduler(ScheduledExecutorService scheduler) {
            this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
            return this;
        }

        /** The clock that stamps {@link Stats#builtAt()}. Default: the system UTC clock. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Receives {@link Event.KnowledgeBaseLoaded} and {@link Event.KnowledgeBaseLoadFailed}. Default: none. */
        public Builder eventListener(EventListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /** Largest PDF accepted, in bytes. Default {@link #DEFAULT_MAX_PDF_BYTES}. */
        public Builder maxPdfBytes(long bytes) {
            this.maxPdfBytes = bytes;
            return this;
        }

        /** Most pages accepted in one PDF. Default {@link #DEFAULT_MAX_PAGES}. */
        public Builder maxPages(int pages) {
            this.maxPages = pages;
            return this;
        }

        /** Longest one fetch may take, from request to last byte. Default {@link #DEFAULT_FETCH_TIMEOUT}. */
        public Builder fetchTimeout(Duration timeout) {
            this.fetchTimeout = timeout;
            return this;
        }

        /**
         * Passage size and overlap in characters. Defaults {@link #DEFAULT_PASSAGE_CHARS} and
         * {@link #DEFAULT_OVERLAP_CHARS}.
         *
         * <p>{@link #build()} refuses a size below 100 or an overlap not below half of it.
         */
        public Builder passageSize(int passageChars, int overlapChars) {
            this.passageChars = passageChars;
            this.overlapChars = overlapChars;
            return this;
        }

        /**
         * Builds the knowledge base (nothing is fetched until {@link #start()} or {@link #refreshNow()}).
         *
         * @throws IllegalArgumentException listing every problem: no source, a malformed source, an
         *                                  invalid value
         */
        public PdfKnowledgeBase build() {
            String passageProblem = null;
            try {
                TextChunker.validate(passageChars, overlapChars);
            } catch (IllegalArgumentException e) {
                passageProblem = e.getMessage();
            }
            SettingsCheck check = new SettingsCheck("PdfKnowledgeBase")
                    .problemIf(sources.isEmpty() && sourceProblems.isEmpty(), "sources",
                            "need at least one source (KNOWLEDGE_BASE_URLS: comma-separated http(s) URLs or file paths)");
            sourceProblems.forEach(problem -> check.problem("source", problem));
            check.positive("refreshInterval", refreshInterval)
                    .positive("retryDelay", retryDelay)
                    .positive("fetchTimeout", fetchTimeout)
                    .problemIf(maxPdfBytes <= 0 || maxPdfBytes > Integer.MAX_VALUE - 16, "maxPdfBytes",
                            "must be between 1 and ~2 GiB, was " + maxPdfBytes)
                    .problemIf(maxPages <= 0, "maxPages", "must be positive, was " + maxPages)
                    .problemIf(passageProblem != null, "passageSize", "is invalid: " + passageProblem)
                    .positive("vectorRetention", vectorRetention);
            if (vectorCache != null && vectorRetention != null && refreshInterval != null
                    && vectorRetention.compareTo(refreshInterval.plus(VECTOR_UPKEEP_INTERVAL)) <= 0) {
                check.problem("vectorRetention", "must be longer than the refresh interval plus a day ("
                        + refreshInterval.plus(VECTOR_UPKEEP_INTERVAL) + "), was " + vectorRetention
                        + ": a running knowledge base marks its cached vectors in use only that often");
            }
            check.done();
            if (embedder == null && embeddings != null) {
                OpenAiCompatibleEmbedder.Builder b = embeddings.embedderBuilder();
                if (httpClient != null) {
                    b.httpClient(httpClient);
                }
                embedder = b.build();
            }
            return new PdfKnowledgeBase(this);
        }

    }
}
