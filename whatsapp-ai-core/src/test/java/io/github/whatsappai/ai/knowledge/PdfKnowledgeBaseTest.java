package io.github.whatsappai.ai.knowledge;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.github.whatsappai.WhatsAppAiConfig;
import io.github.whatsappai.event.Event;
import io.github.whatsappai.testing.VirtualScheduler;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.encryption.AccessPermission;
import org.apache.pdfbox.pdmodel.encryption.StandardProtectionPolicy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PdfKnowledgeBaseTest {

    private static final String PATH = "/docs/handbook.pdf";
    private static final String LAST_MODIFIED = "Wed, 21 Oct 2026 07:28:00 GMT";
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static byte[] edition1;
    private static byte[] edition2;

    private final List<Event> events = new CopyOnWriteArrayList<>();
    private final Clock clock = Clock.fixed(Instant.parse("2026-11-25T10:00:00Z"), ZoneOffset.UTC);
    private WireMockServer server;

    @TempDir
    Path dir;

    @BeforeAll
    static void pdfs() {
        edition1 = Handbook.pdf(30);
        edition2 = Handbook.pdf(60);
    }

    @BeforeEach
    void startServer() {
        server = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"));
        server.start();
    }

    @AfterEach
    void stopServer() {
        server.stop();
    }

    private String url() {
        return "http://127.0.0.1:" + server.port() + PATH;
    }

    private PdfKnowledgeBase.Builder http() {
        return PdfKnowledgeBase.builder().source(url()).httpClient(HTTP).clock(clock).eventListener(events::add);
    }

    private void serve(byte[] pdf, String etag) {
        server.stubFor(get(PATH).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/pdf").withHeader("ETag", etag)
                .withHeader("Last-Modified", LAST_MODIFIED).withBody(pdf)));
    }

    private List<String> failures() {
        return events.stream().filter(e -> e instanceof Event.KnowledgeBaseLoadFailed)
                .map(e -> ((Event.KnowledgeBaseLoadFailed) e).reason()).toList();
    }

    private long loads() {
        return events.stream().filter(e -> e instanceof Event.KnowledgeBaseLoaded).count();
    }

    private static Passage top(PdfKnowledgeBase kb, String query) {
        List<Passage> hits = kb.search(query, 3);
        assertThat(hits).as("hits for '%s'", query).isNotEmpty();
        return hits.get(0);
    }

    @Test
    void loadsOverHttpAndFindsTheRightPageInEveryLanguage() {
        serve(edition1, "\"v1\"");
        try (PdfKnowledgeBase kb = http().build()) {
            assertThat(kb.isReady()).isFalse();
            assertThat(kb.search("refund", 5)).isEmpty();

            PdfKnowledgeBase.Stats stats = kb.refreshNow();

            assertThat(kb.isReady()).isTrue();
            assertThat(stats.documents()).isEqualTo(1);
            assertThat(stats.pages()).isEqualTo(5);
            assertThat(stats.passages()).isPositive();
            assertThat(stats.builtAt()).isEqualTo(clock.instant());
            assertThat(events).singleElement().isEqualTo(new Event.KnowledgeBaseLoaded(url(), 5, stats.passages()));

            Passage refund = top(kb, "How many days do I have to send shoes back for my money?");
            assertThat(refund.page()).isEqualTo(2);
            assertThat(refund.text()).contains("within 30 days of delivery");
            assertThat(refund.source()).isEqualTo(url());

            Passage payment = top(kb, "Bagaimana cara membayar pesanan saya?");
            assertThat(payment.page()).isEqualTo(3);
            assertThat(payment.text()).contains("transfer bank");
            assertThat(top(kb, "berapa lama pengiriman ke Surabaya").text()).contains("dua sampai lima hari kerja");

            assertThat(top(kb, "creme brulee in Malaga").page()).isEqualTo(4);
            assertThat(top(kb, "Partner MÜNCHEN").text()).contains("Größenberatung");
            assertThat(top(kb, "is the sole covered by a warranty").page()).isEqualTo(5);
            assertThat(top(kb, "opening hours of the shop on Saturday").page()).isEqualTo(1);

            assertThat(kb.search("quantum chromodynamics", 5)).isEmpty();
            assertThat(kb.search("", 5)).isEmpty();
            assertThat(kb.search("refund", 0)).isEmpty();
        }
    }

    @Test
    void conditionalRefreshWithEtagKeepsTheCopyOn304AndReplacesAChangedDocument() {
        serve(edition1, "\"v1\"");
        server.stubFor(get(PATH).atPriority(1).withHeader("If-None-Match", equalTo("\"v1\""))
                .willReturn(aResponse().withStatus(304)));
        try (PdfKnowledgeBase kb = http().build()) {
            kb.refreshNow();
            PdfKnowledgeBase.Stats second = kb.refreshNow();

            assertThat(loads()).isEqualTo(1);
            assertThat(failures()).isEmpty();
            assertThat(second.documents()).isEqualTo(1);
            server.verify(1, getRequestedFor(urlEqualTo(PATH)).withHeader("If-None-Match", absent()));
            server.verify(1, getRequestedFor(urlEqualTo(PATH)).withHeader("If-None-Match", equalTo("\"v1\""))
                    .withHeader("If-Modified-Since", equalTo(LAST_MODIFIED)));
            assertThat(top(kb, "return shoes refund days").text()).contains("within 30 days");

            server.resetAll();
            serve(edition2, "\"v2\"");
            kb.refreshNow();

            assertThat(loads()).isEqualTo(2);
            assertThat(top(kb, "return shoes refund days").text()).contains("within 60 days").doesNotContain("30 days");
            kb.refreshNow();
            server.verify(getRequestedFor(urlEqualTo(PATH)).withHeader("If-None-Match", equalTo("\"v2\"")));
        }
    }

    @Test
    void conditionalRefreshWithLastModifiedOnly() {
        server.stubFor(get(PATH).willReturn(aResponse().withStatus(200)
                .withHeader("Last-Modified", LAST_MODIFIED).withBody(edition1)));
        server.stubFor(get(PATH).atPriority(1).withHeader("If-Modified-Since", equalTo(LAST_MODIFIED))
                .willReturn(aResponse().withStatus(304)));
        try (PdfKnowledgeBase kb = http().build()) {
            kb.refreshNow();
            kb.refreshNow();
            assertThat(loads()).isEqualTo(1);
            assertThat(failures()).isEmpty();
            server.verify(1, getRequestedFor(urlEqualTo(PATH)).withHeader("If-Modified-Since", equalTo(LAST_MODIFIED))
                    .withHeader("If-None-Match", absent()));
        }
    }

    @Test
    void failedRefreshesKeepTheLastGoodCopyAndAreReported() {
        serve(edition1, "\"v1\"");
        try (PdfKnowledgeBase kb = http().build()) {
            kb.refreshNow();
            int passages = kb.stats().passages();

            server.stubFor(get(PATH).willReturn(aResponse().withStatus(500)));
            kb.refreshNow();
            server.stubFor(get(PATH).willReturn(aResponse().withStatus(200)
                    .withHeader("Content-Type", "text/html").withBody("<html><body>Maintenance</body></html>")));
            kb.refreshNow();
            byte[] truncated = Arrays.copyOf(edition1, 400);
            server.stubFor(get(PATH).willReturn(aResponse().withStatus(200).withBody(truncated)));
            kb.refreshNow();
            server.stubFor(get(PATH).willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
            kb.refreshNow();

            assertThat(failures()).hasSize(4);
            assertThat(failures().get(0)).startsWith("HTTP 500 from 127.0.0.1");
            assertThat(failures().get(1)).startsWith("not a PDF: the content starts with '<html><body>Maintenance");
            assertThat(failures().get(2)).startsWith("the PDF cannot be parsed");
            assertThat(failures().get(3)).startsWith("cannot fetch: ");
            assertThat(failures()).allSatisfy(r -> assertThat(r).endsWith("keeping the copy loaded before"));
            assertThat(kb.isReady()).isTrue();
            assertThat(kb.stats().passages()).isEqualTo(passages);
            assertThat(top(kb, "refund").page()).isEqualTo(2);
        }
    }

    @Test
    void notAPdfAndAnUnparseablePdfAreRefusedWithAClearError() {
        server.stubFor(get(PATH).willReturn(aResponse().withStatus(200).withBody("PK\u0003\u0004 a zip file")));
        try (PdfKnowledgeBase kb = http().build()) {
            kb.refreshNow();
            assertThat(failures()).containsExactly("not a PDF: the content starts with 'PK.. a zip file'");
            assertThat(kb.isReady()).isFalse();

            server.stubFor(get(PATH).willReturn(aResponse().withStatus(200)
                    .withBody("%PDF-1.7\nthis is not really a PDF\n%%EOF".getBytes(StandardCharsets.US_ASCII))));
            kb.refreshNow();
            assertThat(failures().get(1)).startsWith("the PDF cannot be parsed: ");
            server.stubFor(get(PATH).willReturn(aResponse().withStatus(200).withBody(new byte[0])));
            kb.refreshNow();
            assertThat(failures().get(2)).isEqualTo("not a PDF: the content is empty");
            assertThat(kb.isReady()).isFalse();
            assertThat(kb.search("refund", 3)).isEmpty();
        }
    }

    @Test
    void oversizeDocumentsAreRefusedWithOrWithoutContentLength() {
        int limit = edition1.length / 2;
        serve(edition1, "\"v1\"");
        try (PdfKnowledgeBase kb = http().maxPdfBytes(limit).build()) {
            kb.refreshNow();
            server.stubFor(get(PATH).willReturn(aResponse().withStatus(200).withBody(edition1)
                    .withChunkedDribbleDelay(20, 10)));
            kb.refreshNow();
            assertThat(failures()).hasSize(2).allSatisfy(r -> assertThat(r).startsWith("too large: ")
                    .contains("(the limit is " + limit + " bytes)"));
            assertThat(failures().get(0)).startsWith("too large: " + edition1.length + " bytes");
            assertThat(kb.isReady()).isFalse();
        }
    }

    @Test
    void slowServersTimeOut() {
        server.stubFor(get(PATH).willReturn(aResponse().withStatus(200).withBody(edition1).withFixedDelay(5_000)));
        try (PdfKnowledgeBase kb = http().fetchTimeout(Duration.ofMillis(300)).build()) {
            kb.refreshNow();
            assertThat(failures()).containsExactly("timed out after 300 ms");
        }
    }

    @Test
    void tooManyPagesAreRefused() {
        serve(edition1, "\"v1\"");
        try (PdfKnowledgeBase kb = http().maxPages(3).build()) {
            kb.refreshNow();
            assertThat(failures()).containsExactly("too many pages: 5 (the limit is 3)");
        }
    }

    private static void assertOnlyTaskDueIn(VirtualScheduler scheduler, Duration delay) {
        assertThat(scheduler.pendingTasks()).isEqualTo(1);
        assertThat(scheduler.nextTaskDelay()).contains(delay);
    }

    @Test
    void startsWithAnUnreachableSourceRetriesAndThenRefreshesOnTheInterval() {
        server.stubFor(get(PATH).inScenario("outage").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)).willSetStateTo("up"));
        server.stubFor(get(PATH).inScenario("outage").whenScenarioStateIs("up")
                .willReturn(aResponse().withStatus(200).withHeader("ETag", "\"v1\"").withBody(edition1)));
        server.stubFor(get(PATH).atPriority(1).withHeader("If-None-Match", equalTo("\"v1\""))
                .willReturn(aResponse().withStatus(304)));
        VirtualScheduler scheduler = new VirtualScheduler();
        PdfKnowledgeBase kb = http().scheduler(scheduler).retryDelay(Duration.ofSeconds(30))
                .refreshInterval(Duration.ofHours(1)).build();

        kb.start();
        kb.start();
        assertOnlyTaskDueIn(scheduler, Duration.ZERO);
        scheduler.advance(Duration.ZERO);
        assertThat(kb.isReady()).isFalse();
        assertThat(failures()).singleElement().asString().startsWith("cannot fetch: ");
        assertOnlyTaskDueIn(scheduler, Duration.ofSeconds(30));

        scheduler.advance(Duration.ofSeconds(30));
        assertThat(kb.isReady()).isTrue();
        assertThat(top(kb, "refund").page()).isEqualTo(2);
        assertOnlyTaskDueIn(scheduler, Duration.ofHours(1));

        scheduler.advance(Duration.ofHours(1));
        server.verify(3, getRequestedFor(urlEqualTo(PATH)));
        server.verify(1, getRequestedFor(urlEqualTo(PATH)).withHeader("If-None-Match", equalTo("\"v1\"")));
        assertThat(loads()).isEqualTo(1);
        assertOnlyTaskDueIn(scheduler, Duration.ofHours(1));

        kb.close();
        assertThat(scheduler.pendingTasks()).isZero();
        assertThat(scheduler.isShutdown()).as("an injected scheduler is not ours to shut down").isFalse();
        assertThatThrownBy(kb::start).isInstanceOf(IllegalStateException.class);
        assertThat(kb.isReady()).as("the loaded index stays searchable").isTrue();
    }

    @Test
    void retriesOfANeverLoadedSourceBackOffUpToTheRefreshInterval() {
        server.stubFor(get(PATH).willReturn(aResponse().withStatus(503)));
        VirtualScheduler scheduler = new VirtualScheduler();
        try (PdfKnowledgeBase kb = http().scheduler(scheduler).retryDelay(Duration.ofSeconds(30))
                .refreshInterval(Duration.ofMinutes(2)).build()) {
            kb.start();
            scheduler.advance(Duration.ZERO);
            assertOnlyTaskDueIn(scheduler, Duration.ofSeconds(30));
            scheduler.advance(Duration.ofSeconds(30));
            assertOnlyTaskDueIn(scheduler, Duration.ofSeconds(60));
            scheduler.advance(Duration.ofSeconds(60));
            assertOnlyTaskDueIn(scheduler, Duration.ofMinutes(2));
            scheduler.advance(Duration.ofMinutes(2));
            assertOnlyTaskDueIn(scheduler, Duration.ofMinutes(2));
            assertThat(failures()).hasSize(4).allSatisfy(r -> assertThat(r).isEqualTo("HTTP 503 from 127.0.0.1"));
        }
    }

    @Test
    void fileSourcesReloadWhenModificationTimeOrSizeChange() throws Exception {
        Path file = dir.resolve("handbook.pdf");
        Files.write(file, edition1);
        Files.setLastModifiedTime(file, FileTime.from(Instant.parse("2026-11-01T00:00:00Z")));
        try (PdfKnowledgeBase kb = PdfKnowledgeBase.builder().source(file.toString()).eventListener(events::add)
                .build()) {
            kb.refreshNow();
            kb.refreshNow();
            assertThat(loads()).isEqualTo(1);
            assertThat(top(kb, "refund").source()).isEqualTo(file.toString());
            assertThat(top(kb, "refund").text()).contains("30 days");

            Files.write(file, edition2);
            Files.setLastModifiedTime(file, FileTime.from(Instant.parse("2026-11-02T00:00:00Z")));
            kb.refreshNow();
            assertThat(loads()).isEqualTo(2);
            assertThat(top(kb, "refund").text()).contains("60 days");

            Files.delete(file);
            kb.refreshNow();
            assertThat(failures()).singleElement().asString()
                    .startsWith("cannot read file " + file + ": NoSuchFileException");
            assertThat(top(kb, "refund").text()).contains("60 days");
        }
    }

    @Test
    void encryptedPdfsAreRefusedWithAClearError() throws Exception {
        byte[] encrypted;
        try (PDDocument doc = Loader.loadPDF(edition1)) {
            StandardProtectionPolicy policy = new StandardProtectionPolicy("owner-secret", "user-secret",
                    new AccessPermission());
            policy.setEncryptionKeyLength(128);
            doc.protect(policy);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            doc.save(out);
            encrypted = out.toByteArray();
        }
        server.stubFor(get(PATH).willReturn(aResponse().withStatus(200).withBody(encrypted)));
        try (PdfKnowledgeBase kb = http().build()) {
            kb.refreshNow();
            assertThat(failures()).containsExactly("the PDF is encrypted and needs a password");
        }
    }

    @Test
    void searchesDuringRefreshesSeeTheOldOrTheNewIndexNeverAHalfBuiltOne() throws Exception {
        Path file = dir.resolve("handbook.pdf");
        Files.write(file, edition1);
        try (PdfKnowledgeBase kb = PdfKnowledgeBase.builder().source(file.toString()).build()) {
            kb.refreshNow();
            AtomicBoolean running = new AtomicBoolean(true);
            List<String> bad = new CopyOnWriteArrayList<>();
            AtomicInteger searches = new AtomicInteger();
            Thread reader = new Thread(() -> {
                while (running.get()) {
                    List<Passage> hits = kb.search("return shoes refund days", 1);
                    if (hits.isEmpty() || !hits.get(0).text().matches("(?s).*within (30|60) days.*")) {
                        bad.add(hits.toString());
                    }
                    searches.incrementAndGet();
                }
            });
            reader.start();
            for (int i = 1; i <= 8; i++) {
                Files.write(file, i % 2 == 0 ? edition1 : edition2);
                Files.setLastModifiedTime(file, FileTime.from(Instant.parse("2026-11-01T00:00:00Z").plusSeconds(i)));
                kb.refreshNow();
                assertThat(top(kb, "refund").text()).contains(i % 2 == 0 ? "30 days" : "60 days");
            }
            running.set(false);
            reader.join();
            assertThat(bad).isEmpty();
            assertThat(searches.get()).isPositive();
        }
    }

    @Test
    void oversizeFilesAndFileUrisAndSeveralSources() throws Exception {
        Path small = dir.resolve("a.pdf");
        Files.write(small, edition1);
        Path big = dir.resolve("b.pdf");
        byte[] padded = Arrays.copyOf(edition2, edition1.length + 5_000);
        Files.write(big, padded);
        try (PdfKnowledgeBase kb = PdfKnowledgeBase.builder().sources(List.of(small.toUri().toString(), big.toString()))
                .maxPdfBytes(edition1.length + 10).eventListener(events::add).build()) {
            kb.refreshNow();
            assertThat(kb.stats().documents()).isEqualTo(1);
            assertThat(failures()).singleElement().asString().startsWith("too large: " + Files.size(big) + " bytes");
            assertThat(kb.sources()).containsExactly(small.toUri().toString(), big.toString());
        }
    }

    @Test
    void createReadsSourcesAndIntervalAndRejectsNoSources() {
        WhatsAppAiConfig config = WhatsAppAiConfig.fromEnvironment(Map.of(
                "META_APP_SECRET", "s", "META_WEBHOOK_VERIFY_TOKEN", "t", "META_PHONE_NUMBER_ID", "123",
                "KNOWLEDGE_BASE_URLS", url() + ", /srv/kb/faq.pdf"));
        serve(edition1, "\"v1\"");
        try (PdfKnowledgeBase kb = PdfKnowledgeBase.create(config.knowledgeBase(), events::add)) {
            assertThat(kb.sources()).containsExactly(url(), "/srv/kb/faq.pdf");
            kb.refreshNow();
            assertThat(kb.stats().documents()).isEqualTo(1);
            assertThat(failures()).singleElement().asString().startsWith("cannot read file /srv/kb/faq.pdf");
        }
        WhatsAppAiConfig none = config.toBuilder().knowledgeBaseSources(List.of()).build();
        assertThatThrownBy(() -> PdfKnowledgeBase.create(none.knowledgeBase(), events::add))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("KNOWLEDGE_BASE_URLS");
        assertThatThrownBy(() -> PdfKnowledgeBase.builder().source("http:///nohost.pdf").source(" ").maxPages(0)
                .passageSize(10, 50).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("source URL has no host")
                .hasMessageContaining("source must not be blank")
                .hasMessageContaining("maxPages must be positive")
                .hasMessageContaining("passageSize is invalid");
    }

    @Test
    void eventsAndPassagesNeverShowUrlCredentialsOrQueries() {
        assertThat(PdfKnowledgeBase.displayName("https://user:pw@example.com:8443/kb/a.pdf?sig=secret#x"))
                .isEqualTo("https://example.com:8443/kb/a.pdf");
        assertThat(PdfKnowledgeBase.displayName("/srv/a.pdf")).isEqualTo("/srv/a.pdf");
    }

    @Test
    void ownSchedulerThreadIsADaemonAndCloseStopsIt() throws Exception {
        serve(edition1, "\"v1\"");
        PdfKnowledgeBase kb = http().build();
        kb.start();
        Thread refresher = waitForThread("whatsapp-ai-knowledge-refresh");
        assertThat(refresher.isDaemon()).isTrue();
        kb.close();
        refresher.join(10_000);
        assertThat(refresher.isAlive()).isFalse();
    }

    private static Thread waitForThread(String name) throws InterruptedException {
        for (int i = 0; i < 1000; i++) {
            for (Thread t : Thread.getAllStackTraces().keySet()) {
                if (t.getName().equals(name)) {
                    return t;
                }
            }
            Thread.onSpinWait();
            Thread.yield();
        }
        throw new AssertionError("no thread " + name);
    }
}
