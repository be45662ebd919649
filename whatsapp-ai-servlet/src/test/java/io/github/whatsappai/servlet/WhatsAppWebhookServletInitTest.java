package io.github.whatsappai.servlet;

import io.github.whatsappai.WhatsAppAi;
import io.github.whatsappai.testing.SignedWebhooks;
import io.github.whatsappai.webhook.WebhookRequest;
import jakarta.servlet.ServletConfig;
import jakarta.servlet.ServletException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static io.github.whatsappai.servlet.WhatsAppWebhookServlet.FACTORY_PARAM;
import static io.github.whatsappai.servlet.WhatsAppWebhookServlet.MAX_BODY_BYTES_PARAM;
import static io.github.whatsappai.servlet.WhatsAppWebhookServlet.READ_TIMEOUT_PARAM;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Construction, {@code init} and {@code destroy} of the servlet, outside a container. */
class WhatsAppWebhookServletInitTest {

    private WhatsAppAi ai;

    @BeforeEach
    void createInstance() {
        ai = WhatsAppAi.builder().config(WebhookServletContainerTest.config())
                .clock(WebhookServletContainerTest.CLOCK).inboundHandler(message -> { }).build();
    }

    @AfterEach
    void closeInstance() {
        ai.close();
    }

    @Test
    void capDefaultsToTheConfiguredMaximumBodySize() throws ServletException {
        WhatsAppWebhookServlet servlet = new WhatsAppWebhookServlet(ai);
        servlet.init(new TestServletConfig(Map.of()));

        assertThat(servlet.maxBodyBytes()).isEqualTo(ai.config().webhook().maxBodyBytes()).isEqualTo(4 * 1024 * 1024);
    }

    @Test
    void capInitParamOverridesTheConfigAndTheConstructorOverridesBoth() throws ServletException {
        WhatsAppWebhookServlet fromParam = new WhatsAppWebhookServlet(ai);
        fromParam.init(new TestServletConfig(Map.of(MAX_BODY_BYTES_PARAM, " 5000000 ")));
        WhatsAppWebhookServlet fromConstructor = new WhatsAppWebhookServlet(ai, 3_500_000);
        fromConstructor.init(new TestServletConfig(Map.of(MAX_BODY_BYTES_PARAM, "5000000")));

        assertThat(fromParam.maxBodyBytes()).isEqualTo(5_000_000);
        assertThat(fromConstructor.maxBodyBytes()).isEqualTo(3_500_000);
    }

    @Test
    void invalidCapIsAStartupError() {
        for (String bad : new String[] {"0", "-1", "4MB", "99999999999999"}) {
            WhatsAppWebhookServlet servlet = new WhatsAppWebhookServlet(ai);
            assertThatThrownBy(() -> servlet.init(new TestServletConfig(Map.of(MAX_BODY_BYTES_PARAM, bad))))
                    .isInstanceOf(ServletException.class)
                    .hasMessageContaining(MAX_BODY_BYTES_PARAM).hasMessageContaining("'" + bad + "'");
        }
        assertThatThrownBy(() -> new WhatsAppWebhookServlet(ai, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void readTimeoutComesFromTheConstructorTheInitParamOrTheDefault() throws ServletException {
        WhatsAppWebhookServlet byDefault = new WhatsAppWebhookServlet(ai);
        byDefault.init(new TestServletConfig(Map.of()));
        WhatsAppWebhookServlet seconds = new WhatsAppWebhookServlet(ai);
        seconds.init(new TestServletConfig(Map.of(READ_TIMEOUT_PARAM, " 5s ")));
        WhatsAppWebhookServlet millis = new WhatsAppWebhookServlet(ai);
        millis.init(new TestServletConfig(Map.of(READ_TIMEOUT_PARAM, "750ms")));
        WhatsAppWebhookServlet iso = new WhatsAppWebhookServlet(ai);
        iso.init(new TestServletConfig(Map.of(READ_TIMEOUT_PARAM, "PT1M")));
        WhatsAppWebhookServlet fromConstructor = new WhatsAppWebhookServlet(ai, 4_000_000, Duration.ofSeconds(3));
        fromConstructor.init(new TestServletConfig(Map.of(READ_TIMEOUT_PARAM, "5s")));

        assertThat(byDefault.readTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(seconds.readTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(millis.readTimeout()).isEqualTo(Duration.ofMillis(750));
        assertThat(iso.readTimeout()).isEqualTo(Duration.ofMinutes(1));
        assertThat(fromConstructor.readTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(fromConstructor.maxBodyBytes()).isEqualTo(4_000_000);
    }

    @Test
    void invalidReadTimeoutIsAStartupError() {
        for (String bad : new String[] {"0s", "0ms", "10", "ten seconds", "-PT1S", "PT0.0005S", "PT2H",
                "PT9999999999999H"}) {
            WhatsAppWebhookServlet servlet = new WhatsAppWebhookServlet(ai);
            assertThatThrownBy(() -> servlet.init(new TestServletConfig(Map.of(READ_TIMEOUT_PARAM, bad))))
                    .isInstanceOf(ServletException.class)
                    .hasMessageContaining(READ_TIMEOUT_PARAM).hasMessageContaining("'" + bad + "'")
                    .hasMessageContaining("10s");
        }
        assertThatThrownBy(() -> new WhatsAppWebhookServlet(ai, 4_000_000, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("readTimeout");
        assertThatThrownBy(() -> new WebhookServletAdapter(4_000_000, Duration.ofNanos(999_999)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("readTimeout");
    }

    @Test
    void servletDoesNotCloseAnInstanceItWasGiven() throws ServletException {
        WhatsAppWebhookServlet servlet = new WhatsAppWebhookServlet(ai);
        servlet.init(new TestServletConfig(Map.of()));

        servlet.destroy();

        assertThat(ai.handle(signedTextDelivery()).status()).isEqualTo(200);
    }

    @Test
    void servletClosesTheInstanceItsFactoryCreated() throws ServletException {
        RecordingWhatsAppAiFactory.reset();
        WhatsAppWebhookServlet servlet = new WhatsAppWebhookServlet();
        servlet.init(new TestServletConfig(Map.of(FACTORY_PARAM, RecordingWhatsAppAiFactory.class.getName())));
        WhatsAppAi created = servlet.whatsAppAi();
        assertThat(RecordingWhatsAppAiFactory.created()).containsExactly(created);
        assertThat(servlet.maxBodyBytes()).isEqualTo(created.config().webhook().maxBodyBytes());

        servlet.destroy();

        assertThat(created.handle(signedTextDelivery()).status()).isEqualTo(503);
    }

    @Test
    void reinitialisedServletCreatesAFreshInstance() throws ServletException {
        RecordingWhatsAppAiFactory.reset();
        WhatsAppWebhookServlet servlet = new WhatsAppWebhookServlet();
        TestServletConfig config = new TestServletConfig(Map.of(FACTORY_PARAM, RecordingWhatsAppAiFactory.class.getName()));
        servlet.init(config);
        servlet.destroy();
        assertThat(servlet.whatsAppAi()).isNull();

        servlet.init(config);

        assertThat(RecordingWhatsAppAiFactory.created()).hasSize(2);
        assertThat(servlet.whatsAppAi()).isSameAs(RecordingWhatsAppAiFactory.created().get(1));
        assertThat(servlet.whatsAppAi().handle(signedTextDelivery()).status()).isEqualTo(200);
        servlet.destroy();
    }

    @Test
    void factoryIsGivenTheServletConfig() throws ServletException {
        CapturingFactory.seen = null;
        TestServletConfig config = new TestServletConfig(Map.of(FACTORY_PARAM, CapturingFactory.class.getName(),
                "app.name", "shop"));
        WhatsAppWebhookServlet servlet = new WhatsAppWebhookServlet();
        servlet.init(config);

        assertThat(CapturingFactory.seen).isSameAs(config);
        servlet.destroy();
    }

    @Test
    void missingFactoryParamSaysWhatToSet() {
        assertThatThrownBy(() -> new WhatsAppWebhookServlet().init(new TestServletConfig(Map.of())))
                .isInstanceOf(ServletException.class)
                .hasMessageContaining(FACTORY_PARAM)
                .hasMessageContaining(WhatsAppAiFactory.class.getName());
    }

    @Test
    void unknownFactoryClassIsNamed() {
        assertThatThrownBy(() -> initWithFactory("com.example.NoSuchFactory"))
                .isInstanceOf(ServletException.class)
                .hasMessageContaining("com.example.NoSuchFactory").hasMessageContaining("cannot be loaded");
    }

    @Test
    void classThatIsNotAFactoryIsRefused() {
        assertThatThrownBy(() -> initWithFactory(String.class.getName()))
                .isInstanceOf(ServletException.class)
                .hasMessageContaining("java.lang.String").hasMessageContaining("does not implement");
    }

    @Test
    void factoryWithoutNoArgumentConstructorIsRefused() {
        assertThatThrownBy(() -> initWithFactory(NeedsArgumentFactory.class.getName()))
                .isInstanceOf(ServletException.class)
                .hasMessageContaining("public no-argument constructor");
    }

    @Test
    void abstractFactoryIsRefused() {
        assertThatThrownBy(() -> initWithFactory(AbstractFactory.class.getName()))
                .isInstanceOf(ServletException.class)
                .hasMessageContaining(AbstractFactory.class.getName());
    }

    @Test
    void failingFactoryConstructorIsReportedWithItsCause() {
        assertThatThrownBy(() -> initWithFactory(ExplodingConstructorFactory.class.getName()))
                .isInstanceOf(ServletException.class)
                .hasMessageContaining("Constructor of factory")
                .hasRootCauseMessage("constructor boom");
    }

    @Test
    void failingFactoryIsReportedWithItsCause() {
        assertThatThrownBy(() -> initWithFactory(FailingFactory.class.getName()))
                .isInstanceOf(ServletException.class)
                .hasMessageContaining("failed to create a WhatsAppAi").hasMessageContaining("META_APP_SECRET missing")
                .hasCauseInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void factoryReturningNullIsRefused() {
        assertThatThrownBy(() -> initWithFactory(NullFactory.class.getName()))
                .isInstanceOf(ServletException.class).hasMessageContaining("returned null");
    }

    @Test
    void factoryParamOnAServletGivenAnInstanceIsAnError() {
        WhatsAppWebhookServlet servlet = new WhatsAppWebhookServlet(ai);
        assertThatThrownBy(() -> servlet.init(new TestServletConfig(Map.of(FACTORY_PARAM,
                RecordingWhatsAppAiFactory.class.getName()))))
                .isInstanceOf(ServletException.class).hasMessageContaining("one or the other");
    }

    @Test
    void badCapClosesTheInstanceTheFactoryJustCreated() {
        RecordingWhatsAppAiFactory.reset();
        WhatsAppWebhookServlet servlet = new WhatsAppWebhookServlet();

        assertThatThrownBy(() -> servlet.init(new TestServletConfig(Map.of(FACTORY_PARAM,
                RecordingWhatsAppAiFactory.class.getName(), MAX_BODY_BYTES_PARAM, "lots"))))
                .isInstanceOf(ServletException.class);

        assertThat(RecordingWhatsAppAiFactory.created()).singleElement()
                .satisfies(created -> assertThat(created.handle(signedTextDelivery()).status()).isEqualTo(503));
    }

    private static void initWithFactory(String className) throws ServletException {
        new WhatsAppWebhookServlet().init(new TestServletConfig(Map.of(FACTORY_PARAM, className)));
    }

    private static WebhookRequest signedTextDelivery() {
        byte[] body = WebhookServletContainerTest.textDelivery("wamid.INIT-TEST-1");
        return SignedWebhooks.signedPost(body, WebhookServletContainerTest.SECRET);
    }

    /** Remembers the configuration it was given. */
    public static final class CapturingFactory implements WhatsAppAiFactory {
        static ServletConfig seen;

        @Override
        public WhatsAppAi create(ServletConfig config) {
            seen = config;
            return WhatsAppAi.builder().config(WebhookServletContainerTest.config()).inboundHandler(message -> { }).build();
        }
    }

    /** Has no no-argument constructor. */
    public static final class NeedsArgumentFactory implements WhatsAppAiFactory {
        private final String name;

        public NeedsArgumentFactory(String name) {
            this.name = name;
        }

        @Override
        public WhatsAppAi create(ServletConfig config) {
            throw new UnsupportedOperationException(name);
        }
    }

    /** Cannot be instantiated. */
    public abstract static class AbstractFactory implements WhatsAppAiFactory {
    }

    /** Its constructor throws. */
    public static final class ExplodingConstructorFactory implements WhatsAppAiFactory {
        public ExplodingConstructorFactory() {
            throw new IllegalStateException("constructor boom");
        }

        @Override
        public WhatsAppAi create(ServletConfig config) {
            throw new UnsupportedOperationException();
        }
    }

    /** Fails as a factory reading a broken environment would. */
    public static final class FailingFactory implements WhatsAppAiFactory {
        @Override
        public WhatsAppAi create(ServletConfig config) {
            throw new IllegalArgumentException("META_APP_SECRET missing");
        }
    }

    /** Returns nothing. */
    public static final class NullFactory implements WhatsAppAiFactory {
        @Override
        public WhatsAppAi create(ServletConfig config) {
            return null;
        }
    }
}
