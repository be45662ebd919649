package io.github.whatsappai.servlet;

import io.github.whatsappai.WhatsAppAi;
import io.github.whatsappai.webhook.WebhookResponse;
import jakarta.servlet.ServletConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The WhatsApp webhook endpoint for any Jakarta Servlet 6 container: {@code GET} answers Meta's
 * verification handshake, {@code POST} hands a delivery's raw bytes to
 * {@link WhatsAppAi#handle(io.github.whatsappai.webhook.WebhookRequest)}; every other method gets
 * {@code 405} with {@code Allow: GET, POST}. The servlet only translates (through
 * {@link WebhookServletAdapter}); verification, parsing and hand-off happen in the core, and a
 * correctly signed delivery is answered {@code 200} within milliseconds.
 *
 * <p>It is never registered automatically (no {@code @WebServlet}, no
 * {@code ServletContainerInitializer}): map it yourself, conventionally at {@code /webhook/whatsapp}.
 *
 * <p><b>Spring Boot</b>:
 * <pre>{@code
 * @Bean(destroyMethod = "close")
 * WhatsAppAi whatsAppAi() {
 *     return WhatsAppAi.fromEnvironment(System.getenv());
 * }
 *
 * @Bean
 * ServletRegistrationBean<WhatsAppWebhookServlet> whatsAppWebhook(WhatsAppAi ai) {
 *     ServletRegistrationBean<WhatsAppWebhookServlet> webhook =
 *             new ServletRegistrationBean<>(new WhatsAppWebhookServlet(ai), "/webhook/whatsapp");
 *     webhook.setAsyncSupported(true);   // slow bodies hold no container thread
 *     return webhook;
 * }
 * }</pre>
 *
 * <p><b>Plain container</b>, from a {@code ServletContextListener}:
 * <pre>{@code
 * public final class WhatsAppSetup implements ServletContextListener {
 *     private WhatsAppAi ai;
 *
 *     public void contextInitialized(ServletContextEvent event) {
 *         ai = WhatsAppAi.fromEnvironment(System.getenv());
 *         ServletRegistration.Dynamic webhook = event.getServletContext()
 *              .addServlet("whatsapp-webhook", new WhatsAppWebhookServlet(ai));
 *         webhook.setAsyncSupported(true);   // slow bodies hold no container thread
 *         webhook.addMapping("/webhook/whatsapp");
 *     }
 *
 *     public void contextDestroyed(ServletContextEvent event) {
 *         ai.close();
 *     }
 * }
 * }</pre>
 *
 * <p><b>{@code web.xml}</b>, with a {@link WhatsAppAiFactory} the servlet instantiates:
 * <pre>{@code
 * <servlet>
 *   <servlet-name>whatsapp-webhook</servlet-name>
 *   <servlet-class>io.github.whatsappai.servlet.WhatsAppWebhookServlet</servlet-class>
 *   <init-param>
 *     <param-name>whatsapp-ai.factory</param-name>
 *     <param-value>com.example.MyWhatsAppAiFactory</param-value>
 *   </init-param>
 *   <!-- optional; default WebhookSettings.maxBodyBytes(), 4 MiB -->
 *   <init-param>
 *     <param-name>whatsapp-ai.max-body-bytes</param-name>
 *     <param-value>4194304</param-value>
 *   </init-param>
 *   <!-- optional; default 10s (also 500ms, or ISO-8601 such as PT10S) -->
 *   <init-param>
 *     <param-name>whatsapp-ai.read-timeout</param-name>
 *     <param-value>10s</param-value>
 *   </init-param>
 *   <load-on-startup>1</load-on-startup>
 *   <async-supported>true</async-supported>
 * </servlet>
 * <servlet-mapping>
 *   <servlet-name>whatsapp-webhook</servlet-name>
 *   <url-pattern>/webhook/whatsapp</url-pattern>
 * </servlet-mapping>
 * }</pre>
 *
 * <p><b>Lifecycle.</b> Whoever creates the {@link WhatsAppAi} closes it. An instance passed to the
 * constructor belongs to the caller: {@link #destroy()} leaves it open (close it when the application
 * stops, e.g. Spring's {@code destroyMethod}). An instance the servlet created through its
 * {@link WhatsAppAiFactory} belongs to the servlet, which closes it in {@link #destroy()}.
 *
 * <p><b>Body cap.</b> A body above the cap is refused with {@code 413} before it is read (declared
 * {@code Content-Length}) or as soon as one byte more than the cap arrived (chunked). The cap is, in
 * order of precedence: the constructor argument, the init-param {@value #MAX_BODY_BYTES_PARAM}, then
 * {@link io.github.whatsappai.webhook.WebhookSettings#maxBodyBytes()} (4 MiB by default). Keep it at or above
 * Meta's 3 MB maximum, or Meta retries refused deliveries for days.
 *
 * <p><b>Slow clients.</b> Register the servlet, and every filter mapped in front of it, with
 * {@code asyncSupported} (as above). The body is then read with Servlet async I/O: a client that
 * trickles its body holds no container thread, and a body not complete within the read deadline is
 * answered {@code 408} and its connection closed. The deadline is, in order of precedence: the
 * constructor argument, the init-param {@value #READ_TIMEOUT_PARAM}, then
 * {@link WebhookServletAdapter#DEFAULT_READ_TIMEOUT} (10 s). Without async support the body is read on
 * the request thread as a plain blocking read, without the deadline, and a WARN says so once.
 * Every {@code 413} and {@code 408} is reported as an
 * {@link io.github.whatsappai.event.Event.RequestRejected} event.
 *
 * <p>Thread-safe: the container calls it concurrently; it holds no per-request state.
 */
public class WhatsAppWebhookServlet extends HttpServlet {

    /** Init-param naming the {@link WhatsAppAiFactory} class (used by the no-argument constructor). */
    public static final String FACTORY_PARAM = "whatsapp-ai.factory";

    /** Init-param with the body cap in bytes; optional. */
    public static final String MAX_BODY_BYTES_PARAM = "whatsapp-ai.max-body-bytes";

    /**
     * Init-param with the read deadline for a request body, from 1 ms to 1 hour: {@code 500ms},
     * {@code 10s}, {@code 1m} or ISO-8601 ({@code PT10S}); optional, 10 s by default.
     */
    public static final String READ_TIMEOUT_PARAM = "whatsapp-ai.read-timeout";

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(WhatsAppWebhookServlet.class);
    private static final String ALLOWED_METHODS = "GET, POST";
    /** Longest read deadline the init-param takes; anything longer is a typo. */
    private static final Duration MAX_READ_TIMEOUT = Duration.ofHours(1);
    private static final Pattern SHORT_DURATION = Pattern.compile("(\\d{1,9})\\s*(ms|s|m)");

    /** The constructor's cap, or 0 to take the init-param or the configuration's. */
    private final int explicitMaxBodyBytes;
    /** The constructor's read deadline, or {@code null} to take the init-param or the default. */
    private final Duration explicitReadTimeout;
    /** Whether the instance comes from the factory (no-argument constructor), so that this servlet owns it. */
    private final boolean ownsInstance;
    private transient volatile WhatsAppAi ai;
    private transient volatile WebhookServletAdapter adapter;

    /**
     * For {@code web.xml}: the servlet creates its {@link WhatsAppAi} in {@link #init()} through the
     * {@link WhatsAppAiFactory} named by the init-param {@value #FACTORY_PARAM}, and closes it in
     * {@link #destroy()}.
     */
    public WhatsAppWebhookServlet() {
        this.ai = null;
        this.explicitMaxBodyBytes = 0;
        this.explicitReadTimeout = null;
        this.ownsInstance = true;
    }

    /**
     * For programmatic registration. The caller keeps ownership of {@code ai} and closes it; the body cap
     * is the init-param {@value #MAX_BODY_BYTES_PARAM} when set, else {@code ai.config().webhook().maxBodyBytes()}.
     *
     * @param ai the instance to serve
     */
    public WhatsAppWebhookServlet(WhatsAppAi ai) {
        this.ai = Objects.requireNonNull(ai, "ai");
        this.explicitMaxBodyBytes = 0;
        this.explicitReadTimeout = null;
        this.ownsInstance = false;
    }

    /**
     * For programmatic registration with an explicit body cap. The caller keeps ownership of {@code ai}.
     *
     * @param ai the instance to serve
     * @param maxBodyBytes the largest accepted body in bytes; must be positive
     * @throws IllegalArgumentException when {@code maxBodyBytes} is not positive
     */
    public WhatsAppWebhookServlet(WhatsAppAi ai, int maxBodyBytes) {
        this.ai = Objects.requireNonNull(ai, "ai");
        if (maxBodyBytes <= 0) {
            throw new IllegalArgumentException("maxBodyBytes must be positive, was " + maxBodyBytes);
        }
        this.explicitMaxBodyBytes = maxBodyBytes;
        this.explicitReadTimeout = null;
        this.ownsInstance = false;
    }

    /**
     * For programmatic registration with an explicit body cap and read deadline. The caller keeps
     * ownership of {@code ai}.
     *
     * @param ai the instance to serve
     * @param maxBodyBytes the largest accepted body in bytes; must be positive
     * @param readTimeout how long a request body may take to arrive; at least one millisecond
     * @throws IllegalArgumentException when {@code maxBodyBytes} is not positive or {@code readTimeout} is
     *         shorter than a millisecond
     */
    public WhatsAppWebhookServlet(WhatsAppAi ai, int maxBodyBytes, Duration readTimeout) {
        this.ai = Objects.requireNonNull(ai, "ai");
        if (maxBodyBytes <= 0) {
            throw new IllegalArgumentException("maxBodyBytes must be positive, was " + maxBodyBytes);
        }
        Objects.requireNonNull(readTimeout, "readTimeout");
        if (readTimeout.toMillis() < 1) {
            throw new IllegalArgumentException("readTimeout must be at least 1 ms, was " + readTimeout);
        }
        this.explicitMaxBodyBytes = maxBodyBytes;
        this.explicitReadTimeout = readTimeout;
        this.ownsInstance = false;
    }

    /**
     * Creates the instance through the factory when constructed without one, and fixes the body cap.
     *
     * @throws ServletException when the factory init-param is missing, names a class that cannot be
     *         loaded, does not implement {@link WhatsAppAiFactory} or has no public no-argument
     *         constructor, when the factory fails or returns {@code null}, when the factory init-param
     *         is given to a servlet that was constructed with an instance, or when the cap init-param is
     *         not a positive whole number or the read-timeout init-param not a duration of at least 1 ms
     */
    @Override
    public void init() throws ServletException {
        ServletConfig config = getServletConfig();
        String factoryClass = trimmedInitParameter(config, FACTORY_PARAM);
        if (ownsInstance) {
            if (factoryClass == null) {
                throw new ServletException(getClass().getName() + " was created without a WhatsAppAi: set the "
                        + "init-param '" + FACTORY_PARAM + "' to the name of a class implementing "
                        + WhatsAppAiFactory.class.getName() + ", or register the servlet with "
                        + "new WhatsAppWebhookServlet(whatsAppAi)");
            }
            ai = createFromFactory(factoryClass, config);
        } else if (factoryClass != null) {
            throw new ServletException("init-param '" + FACTORY_PARAM + "' (" + factoryClass + ") is set, but this "
                    + "servlet was constructed with a WhatsAppAi instance; use one or the other");
        }
        try {
            adapter = new WebhookServletAdapter(maxBodyBytes(config), readTimeout(config));
        } catch (ServletException e) {
            closeOwned();
            throw e;
        }
    }

    private int maxBodyBytes(ServletConfig config) throws ServletException {
        if (explicitMaxBodyBytes > 0) {
            return explicitMaxBodyBytes;
        }
        String value = trimmedInitParameter(config, MAX_BODY_BYTES_PARAM);
        if (value == null) {
            return ai.config().webhook().maxBodyBytes();
        }
        int cap = value.matches("\\d{1,10}") ? (int) Math.min(Long.parseLong(value), Integer.MAX_VALUE) : 0;
        if (cap > 0) {
            return cap;
        }
        throw new ServletException("init-param '" + MAX_BODY_BYTES_PARAM + "' must be a positive whole number of "
                + "bytes (at least 3000000 in production), was '" + value + "'");
    }

    private Duration readTimeout(ServletConfig config) throws ServletException {
        if (explicitReadTimeout != null) {
            return explicitReadTimeout;
        }
        String value = trimmedInitParameter(config, READ_TIMEOUT_PARAM);
        if (value == null) {
            return WebhookServletAdapter.DEFAULT_READ_TIMEOUT;
        }
        Duration timeout = parseDuration(value);
        if (timeout != null && timeout.compareTo(Duration.ofMillis(1)) >= 0
                && timeout.compareTo(MAX_READ_TIMEOUT) <= 0) {
            return timeout;
        }
        throw new ServletException("init-param '" + READ_TIMEOUT_PARAM + "' must be a duration from 1 ms to 1 hour "
                + "such as 10s, 500ms, 1m or PT10S, was '" + value + "'");
    }

    /** {@code 500ms}, {@code 10s}, {@code 1m} or ISO-8601; {@code null} when it is none of these. */
    static Duration parseDuration(String value) {
        Matcher m = SHORT_DURATION.matcher(value);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                default -> Duration.ofMinutes(n);
            };
        }
        try {
            return Duration.parse(value);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static String trimmedInitParameter(ServletConfig config, String name) {
        String value = config == null ? null : config.getInitParameter(name);
        return value == null || value.isBlank() ? null : value.strip();
    }

    private static WhatsAppAi createFromFactory(String className, ServletConfig config) throws ServletException {
        Class<?> type = loadClass(className);
        if (!WhatsAppAiFactory.class.isAssignableFrom(type)) {
            throw new ServletException("init-param '" + FACTORY_PARAM + "' names " + className + ", which does not "
                    + "implement " + WhatsAppAiFactory.class.getName());
        }
        WhatsAppAiFactory factory;
        try {
            Constructor<?> constructor = type.getConstructor();
            factory = (WhatsAppAiFactory) constructor.newInstance();
        } catch (NoSuchMethodException e) {
            throw new ServletException("Factory " + className + " (init-param '" + FACTORY_PARAM + "') needs a public "
                    + "no-argument constructor", e);
        } catch (InvocationTargetException e) {
            throw new ServletException("Constructor of factory " + className + " failed: " + e.getCause(), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new ServletException("Cannot instantiate factory " + className + " (init-param '" + FACTORY_PARAM
                    + "'): it must be a public, non-abstract class with a public no-argument constructor", e);
        }
        WhatsAppAi created;
        try {
            created = factory.create(config);
        } catch (Exception e) {
            throw new ServletException("Factory " + className + " failed to create a WhatsAppAi: " + e.getMessage(), e);
        }
        if (created == null) {
            throw new ServletException("Factory " + className + " returned null instead of a WhatsAppAi");
        }
        return created;
    }

    private static Class<?> loadClass(String className) throws ServletException {
        ClassLoader contextLoader = Thread.currentThread().getContextClassLoader();
        try {
            return Class.forName(className, false,
                    contextLoader != null ? contextLoader : WhatsAppWebhookServlet.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            throw new ServletException("Factory class " + className + " named by init-param '" + FACTORY_PARAM
                    + "' cannot be loaded: " + e, e);
        }
    }

    /**
     * Dispatches {@code GET} and {@code POST} to the core through
     * {@link WebhookServletAdapter#serve(WhatsAppAi, HttpServletRequest, HttpServletResponse)} (a
     * {@code POST} body is read asynchronously when the request is async-capable); answers {@code 405} to
     * anything else, {@code 413} to a body above the cap, {@code 408} to a body not complete within the
     * read deadline, {@code 500} when the core failed unexpectedly and {@code 503} while the servlet has
     * no instance (before {@code init}, or after {@code destroy} closed the one its factory created).
     * Meta redelivers everything that was not answered {@code 200}.
     */
    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        WhatsAppAi target = ai;
        WebhookServletAdapter translator = adapter;
        if (target == null || translator == null) {
            WebhookServletAdapter.writeResponse(WebhookResponse.text(HttpServletResponse.SC_SERVICE_UNAVAILABLE,
                    "Service unavailable"), response);
            return;
        }
        String method = request.getMethod();
        if (!"GET".equals(method) && !"POST".equals(method)) {
            response.setHeader("Allow", ALLOWED_METHODS);
            WebhookServletAdapter.writeResponse(WebhookResponse.text(HttpServletResponse.SC_METHOD_NOT_ALLOWED,
                    "Method not allowed"), response);
            return;
        }
        translator.serve(target, request, response);
    }

    /**
     * Closes the {@link WhatsAppAi} when this servlet created it through its factory (a later {@code init}
     * creates a new one); otherwise leaves it open for its owner to close.
     */
    @Override
    public void destroy() {
        closeOwned();
    }

    private void closeOwned() {
        WhatsAppAi owned = ai;
        if (ownsInstance && owned != null) {
            ai = null;
            adapter = null;
            try {
                owned.close();
            } catch (RuntimeException e) {
                LOG.warn("Closing the WhatsAppAi created by the servlet's factory failed", e);
            }
        }
    }

    /**
     * The instance this servlet serves.
     *
     * @return the instance, or {@code null} in the {@code web.xml} case before {@link #init()} and after
     *         {@link #destroy()}
     */
    public WhatsAppAi whatsAppAi() {
        return ai;
    }

    /**
     * The body cap in effect.
     *
     * @return the cap in bytes, or {@code 0} before {@link #init()}
     */
    public int maxBodyBytes() {
        return adapter == null ? 0 : adapter.maxBodyBytes();
    }

    /**
     * The read deadline in effect.
     *
     * @return how long a request body may take to arrive, or {@code null} before {@link #init()}
     */
    public Duration readTimeout() {
        return adapter == null ? null : adapter.readTimeout();
    }
}
