package io.github.whatsappai;

import org.junit.jupiter.api.Test;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keeps the root package on top: the feature packages take their own settings records and never
 * refer to {@link WhatsAppAiConfig} or any other class of the root package, so the packages form no
 * cycle. The one exception is {@link WhatsAppAiException}, the base of every SDK exception, which
 * itself refers to no other SDK class. Reads the compiled classes' constant pools, which hold every
 * class a class refers to (imports used only in Javadoc leave no trace and are harmless).
 */
class PackageDependencyTest {

    private static final String ROOT = "io/github/whatsappai/";
    /** A root-package class in a constant: {@code io/github/whatsappai/Name} not followed by {@code /}. */
    private static final Pattern ROOT_CLASS = Pattern.compile("io/github/whatsappai/([A-Za-z0-9_]+)(?![A-Za-z0-9_/])");

    @Test
    void noFeaturePackageRefersToTheRootPackage() throws IOException, URISyntaxException {
        Path classes = Path.of(WhatsAppAiConfig.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<String> violations = new ArrayList<>();
        int checked = 0;
        try (Stream<Path> files = Files.walk(classes)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                String name = classes.relativize(file).toString().replace('\\', '/');
                if (!name.startsWith(ROOT) || name.indexOf('/', ROOT.length()) < 0) {
                    continue;
                }
                checked++;
                for (String referenced : rootClasses(file)) {
                    if (!referenced.equals("WhatsAppAiException")) {
                        violations.add(name + " refers to " + referenced);
                    }
                }
            }
        }
        assertThat(checked).as("classes of the feature packages").isGreaterThan(100);
        assertThat(violations).as("feature classes referring to the root package").isEmpty();
        assertThat(rootClasses(classes.resolve(ROOT + "WhatsAppAiException.class")))
                .as("root classes WhatsAppAiException refers to").containsOnly("WhatsAppAiException");
    }

    /**
     * The allowed dependencies between core's packages (names below {@code io.github.whatsappai}; "" is
     * the root). Every package may use itself and {@link WhatsAppAiException}. The table is the one
     * drawn in {@code docs/architecture.md}; a new edge is a design decision made in both places.
     */
    static final Map<String, Set<String>> ALLOWED = Map.ofEntries(
            Map.entry("internal", Set.of()),
            Map.entry("internal.http", Set.of()),
            Map.entry("webhook.model", Set.of("internal")),
            Map.entry("event", Set.of("internal", "webhook.model")),
            Map.entry("internal.retry", Set.of("internal", "event")),
            Map.entry("webhook", Set.of("internal", "webhook.model")),
            Map.entry("internal.webhook", Set.of("internal", "webhook", "webhook.model")),
            Map.entry("ai.knowledge", Set.of("internal", "internal.http", "internal.retry", "event")),
            Map.entry("ai", Set.of("internal", "internal.http", "internal.retry", "event", "webhook.model",
                    "ai.knowledge")),
            Map.entry("client", Set.of("internal", "internal.http", "internal.retry", "event", "webhook.model")),
            Map.entry("spi", Set.of("ai", "webhook.model")),
            Map.entry("store", Set.of("internal", "event", "spi", "webhook.model")),
            Map.entry("store.postgres", Set.of("internal", "spi", "store", "webhook.model")),
            Map.entry("buffer", Set.of("internal", "store", "webhook.model")),
            Map.entry("conversation", Set.of("internal")),
            Map.entry("internal.ingress", Set.of("internal", "internal.webhook", "event", "store", "webhook",
                    "webhook.model")),
            Map.entry("internal.media", Set.of("internal", "internal.retry", "ai", "client", "conversation",
                    "store", "webhook.model")),
            Map.entry("internal.conversation", Set.of("internal", "internal.media", "internal.retry", "ai", "buffer",
                    "client", "conversation", "event", "spi", "store", "webhook", "webhook.model")),
            Map.entry("testing", Set.of("ai", "client", "spi", "webhook", "webhook.model")));

    @Test
    void everyPackageUsesOnlyTheDependenciesAllowedForIt() throws IOException, URISyntaxException {
        Path classes = Path.of(WhatsAppAiConfig.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Pattern sdkClass = Pattern.compile("io/github/whatsappai/((?:[a-z0-9_]+/)*)[A-Z][A-Za-z0-9_$]*");
        Set<String> violations = new TreeSet<>();
        Set<String> seenPackages = new TreeSet<>();
        try (Stream<Path> files = Files.walk(classes)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                String name = classes.relativize(file).toString().replace('\\', '/');
                if (!name.startsWith(ROOT) || name.indexOf('/', ROOT.length()) < 0) {
                    continue;
                }
                String pkg = packageOf(name.substring(ROOT.length(), name.lastIndexOf('/') + 1));
                seenPackages.add(pkg);
                Set<String> allowed = ALLOWED.get(pkg);
                if (allowed == null) {
                    violations.add(pkg + " is a new package: add it to ALLOWED and to docs/architecture.md");
                    continue;
                }
                for (String utf8 : utf8Constants(file)) {
                    Matcher m = sdkClass.matcher(utf8);
                    while (m.find()) {
                        String used = packageOf(m.group(1));
                        if (!used.isEmpty() && !used.equals(pkg) && !allowed.contains(used)) {
                            violations.add(name + " uses " + used);
                        }
                    }
                }
            }
        }
        assertThat(violations).as("dependencies not in the allowed table").isEmpty();
        assertThat(seenPackages).as("packages in the table that no longer exist")
                .containsAll(ALLOWED.keySet());
    }

    @Test
    void theAllowedTableHasNoCycle() {
        for (String start : ALLOWED.keySet()) {
            Set<String> reached = new HashSet<>();
            List<String> todo = new ArrayList<>(ALLOWED.get(start));
            while (!todo.isEmpty()) {
                String next = todo.remove(todo.size() - 1);
                assertThat(next).as("a cycle through " + start).isNotEqualTo(start);
                if (reached.add(next)) {
                    todo.addAll(ALLOWED.getOrDefault(next, Set.of()));
                }
            }
        }
    }

    /** {@code "ai/knowledge/"} to {@code "ai.knowledge"}; {@code ""} stays the root. */
    private static String packageOf(String path) {
        return path.isEmpty() ? "" : path.substring(0, path.length() - 1).replace('/', '.');
    }

    @Test
    void theCheckSeesTheRootConfigWhereItIsUsed() throws IOException, URISyntaxException {
        Path classes = Path.of(WhatsAppAiConfig.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        assertThat(rootClasses(classes.resolve(ROOT + "WhatsAppAi.class"))).contains("WhatsAppAiConfig");
    }

    /** The simple names of the root-package classes that the class file's constant pool refers to. */
    static Set<String> rootClasses(Path classFile) throws IOException {
        Set<String> found = new TreeSet<>();
        for (String utf8 : utf8Constants(classFile)) {
            Matcher m = ROOT_CLASS.matcher(utf8);
            while (m.find()) {
                String simple = m.group(1);
                int nested = simple.indexOf('$');
                found.add(nested < 0 ? simple : simple.substring(0, nested));
            }
        }
        return found;
    }

    /** Every UTF-8 constant of a class file (class names, descriptors, signatures, strings). */
    private static List<String> utf8Constants(Path classFile) throws IOException {
        List<String> out = new ArrayList<>();
        try (InputStream raw = Files.newInputStream(classFile); DataInputStream in = new DataInputStream(raw)) {
            if (in.readInt() != 0xCAFEBABE) {
                throw new IOException(classFile + " is not a class file");
            }
            in.readUnsignedShort();
            in.readUnsignedShort();
            int count = in.readUnsignedShort();
            for (int i = 1; i < count; i++) {
                int tag = in.readUnsignedByte();
                switch (tag) {
                    case 1 -> out.add(in.readUTF());
                    case 7, 8, 16, 19, 20 -> in.skipBytes(2);
                    case 15 -> in.skipBytes(3);
                    case 3, 4, 9, 10, 11, 12, 17, 18 -> in.skipBytes(4);
                    case 5, 6 -> {
                        in.skipBytes(8);
                        i++;
                    }
                    default -> throw new IOException("unknown constant tag " + tag + " in " + classFile);
                }
            }
        }
        return out;
    }
}
