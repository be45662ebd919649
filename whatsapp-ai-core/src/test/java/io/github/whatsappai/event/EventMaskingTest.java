package io.github.whatsappai.event;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.whatsappai.webhook.model.MessageContent;
import io.github.whatsappai.webhook.model.TextContent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.slf4j.LoggerFactory;

import java.lang.reflect.Constructor;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Every event type, built by reflection with a raw phone number, a business-scoped id and a
 * profile name in its fields, prints none of them: neither through {@code toString} nor through
 * {@link LoggingEventListener} (message and logged exception chain). A new event type nested in
 * {@link Event} is covered without touching this test; a field of a type the test cannot build
 * fails it with a pointer to {@link #value}.
 */
class EventMaskingTest {

    static final String PHONE = "6281234567890";
    static final String BSUID = "ID.1349120865530000077";
    static final String NAME = "Siti Rahayu";
    static final List<String> FORBIDDEN = List.of(PHONE, BSUID, NAME, "Siti", "Rahayu",
            // the digits of the id without its country prefix
            BSUID.substring(3));

    /** The business's own ids: not personal data, printed in full. */
    private static final Set<String> BUSINESS_IDS = Set.of("wabaId", "phoneNumberId", "displayPhoneNumber");
    /** The model slug OpenRouter reports ({@code anthropic/claude-3-5-sonnet-20241022}): printed in full. */
    private static final String MODEL = "anthropic/claude-3-5-sonnet-20241022";
    /**
     * Free text the SDK, Meta or a server writes about a failure, and ids of messages: they may
     * quote a phone number or a business-scoped id (so both are put in), never a profile name or
     * message text. Every other string field is treated as personal: it gets the name too.
     */
    private static final Set<String> DIAGNOSTICS = Set.of("reason", "problem", "kind", "type", "spi",
            "source", "message", "fbtraceId", "title", "details", "href", "field", "rawStatus", "recipientType",
            "pricingCategory", "conversationId", "id", "messageId", "messageIds",
            // the name the SDK gives a circuit breaker (OpenRouterResponder.CIRCUIT_NAME)
            "circuit");

    /** What a personal string field holds in one run. */
    enum Variant {
        PHONE_NUMBER(PHONE), BUSINESS_SCOPED_ID(BSUID), PROFILE_NAME(NAME),
        FREE_TEXT("Hi, I am " + NAME + ", my number is " + PHONE + " and my id " + BSUID + ".");

        final String personal;

        Variant(String personal) {
            this.personal = personal;
        }

        String diagnostic() {
            return "lookup of " + PHONE + " (" + BSUID + ") failed: Key (wa_id)=(" + PHONE + ") already exists";
        }
    }

    private final Logger logger = (Logger) LoggerFactory.getLogger("io.github.whatsappai.events");
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private Level previousLevel;
    private boolean previousAdditive;

    @BeforeEach
    void attach() {
        previousLevel = logger.getLevel();
        previousAdditive = logger.isAdditive();
        logger.setLevel(Level.DEBUG);
        logger.setAdditive(false); // keep the build output quiet
        appender.start();
        logger.addAppender(appender);
    }

    @AfterEach
    void detach() {
        logger.detachAppender(appender);
        logger.setLevel(previousLevel);
        logger.setAdditive(previousAdditive);
    }

    static List<Class<?>> eventTypes() {
        return Arrays.stream(Event.class.getDeclaredClasses())
                .filter(c -> c.isRecord() && Event.class.isAssignableFrom(c))
                .toList();
    }

    @Test
    void findsEveryEventType() {
        assertThat(eventTypes()).hasSizeGreaterThanOrEqualTo(27)
                .contains(Event.SpiFailed.class, Event.SendFailed.class, Event.StatusReceived.class);
    }

    @TestFactory
    Stream<DynamicTest> noEventPrintsARawNumberIdOrName() {
        return eventTypes().stream().flatMap(type -> Arrays.stream(Variant.values()).map(variant ->
                DynamicTest.dynamicTest(type.getSimpleName() + " with " + variant, () -> check(type, variant))));
    }

    private void check(Class<?> type, Variant variant) throws Exception {
        Event event = (Event) build(type, variant);
        assertClean("toString of " + event.getClass().getSimpleName(), event.toString());
        if (event instanceof Event.AiCompleted) {
            assertThat(event.toString()).contains("model=" + MODEL);
        }

        appender.list.clear();
        new LoggingEventListener().onEvent(event);
        assertThat(appender.list).as("one log line per event").hasSize(1);
        ILoggingEvent line = appender.list.get(0);
        assertClean("log line", line.getFormattedMessage());
        List<String> chain = new ArrayList<>();
        collect(line.getThrowableProxy(), chain);
        for (String logged : chain) {
            assertClean("logged exception", logged);
        }
    }

    private static void assertClean(String what, String text) {
        for (String raw : FORBIDDEN) {
            assertThat(text).as("%s must not contain %s", what, raw).doesNotContain(raw);
        }
    }

    private static void collect(IThrowableProxy proxy, List<String> out) {
        if (proxy == null) {
            return;
        }
        out.add(proxy.getClassName() + ": " + proxy.getMessage());
        collect(proxy.getCause(), out);
        for (IThrowableProxy suppressed : proxy.getSuppressed()) {
            collect(suppressed, out);
        }
    }

    /** Builds a record through its canonical constructor, every component filled by {@link #value}. */
    private static Object build(Class<?> record, Variant variant) throws Exception {
        RecordComponent[] components = record.getRecordComponents();
        Class<?>[] types = Arrays.stream(components).map(RecordComponent::getType).toArray(Class<?>[]::new);
        Object[] args = new Object[components.length];
        for (int i = 0; i < components.length; i++) {
            args[i] = value(components[i].getGenericType(), components[i].getName(), variant);
        }
        Constructor<?> canonical = record.getDeclaredConstructor(types);
        canonical.setAccessible(true);
        return canonical.newInstance(args);
    }

    private static Object value(Type generic, String name, Variant variant) throws Exception {
        if (generic instanceof ParameterizedType p && p.getRawType() == List.class) {
            return List.of(value(p.getActualTypeArguments()[0], name, variant));
        }
        Class<?> type = (Class<?>) (generic instanceof ParameterizedType p ? p.getRawType() : generic);
        if (type == String.class) {
            if (BUSINESS_IDS.contains(name)) {
                return name.equals("wabaId") ? "200000000000002"
                        : name.equals("phoneNumberId") ? "100000000000001" : "15555550100";
            }
            if (name.equals("model")) {
                return MODEL;
            }
            return DIAGNOSTICS.contains(name) ? variant.diagnostic() : variant.personal;
        }
        if (type == int.class || type == Integer.class) {
            return 3;
        }
        if (type == long.class || type == Long.class) {
            return 3L;
        }
        if (type == boolean.class || type == Boolean.class) {
            return true;
        }
        if (type == double.class || type == Double.class) {
            return 0.5;
        }
        if (type == Duration.class) {
            return Duration.ofSeconds(3);
        }
        if (type == Instant.class) {
            return Instant.EPOCH;
        }
        if (type.isEnum()) {
            Object[] constants = type.getEnumConstants();
            return constants[constants.length - 1];
        }
        if (Throwable.class.isAssignableFrom(type)) {
            return throwable(type, variant);
        }
        if (type == JsonNode.class || type == ObjectNode.class) {
            ObjectNode node = JsonNodeFactory.instance.objectNode();
            node.put(PHONE, variant.personal);
            node.putObject("profile").put("name", NAME);
            return node;
        }
        if (type == MessageContent.class) {
            return new TextContent(variant.personal);
        }
        if (type.isRecord()) {
            return build(type, variant);
        }
        return fail("EventMaskingTest cannot build a %s for the field '%s': teach value(...) to make one",
                type.getName(), name);
    }

    /** An exception whose message, cause and suppressed exception quote the number and the id. */
    private static Throwable throwable(Class<?> type, Variant variant) throws Exception {
        SQLException driver = new SQLException("ERROR: duplicate key value violates unique constraint \"users_wa_id_key\""
                + "\n  Detail: Key (wa_id)=(" + PHONE + ") already exists.", "23505");
        String message = "could not store the message of " + PHONE + " / " + BSUID;
        Throwable error;
        if (type.isAssignableFrom(RuntimeException.class)) {
            error = new RuntimeException(message, driver);
        } else {
            try {
                error = (Throwable) type.getConstructor(String.class, Throwable.class).newInstance(message, driver);
            } catch (NoSuchMethodException e) {
                return fail("EventMaskingTest cannot build a %s: teach throwable(...) to make one", type.getName());
            }
        }
        error.addSuppressed(new IllegalStateException("rollback failed for " + BSUID));
        return error;
    }
}
