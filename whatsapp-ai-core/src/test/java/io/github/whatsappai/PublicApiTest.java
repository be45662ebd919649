package io.github.whatsappai;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Member;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Makes a change to the public API a visible decision. Lists every public type of core outside the
 * {@code internal} packages, with its public and protected members, and compares the list with
 * {@code src/test/resources/public-api.txt}. A difference fails the build with the lines added and
 * removed; after deciding that the change is wanted, rewrite the file with
 * {@code ./mvnw -pl whatsapp-ai-core test -Dtest=PublicApiTest -Dpublic-api.update=true} and commit it
 * with the change.
 */
class PublicApiTest {

    private static final Path LISTING = Path.of("src/test/resources/public-api.txt");
    private static final String ROOT = "io.github.whatsappai.";

    @Test
    void thePublicApiIsTheListedOne() throws IOException, URISyntaxException {
        List<String> actual = listing();
        if (Boolean.getBoolean("public-api.update")) {
            Files.write(LISTING, actual, StandardCharsets.UTF_8);
        }
        List<String> expected = Files.readAllLines(LISTING, StandardCharsets.UTF_8);
        List<String> added = new ArrayList<>(actual);
        added.removeAll(expected);
        List<String> removed = new ArrayList<>(expected);
        removed.removeAll(actual);
        assertThat(added).as("public API added; if intended, rerun with -Dpublic-api.update=true and commit "
                + LISTING).isEmpty();
        assertThat(removed).as("public API removed; if intended, rerun with -Dpublic-api.update=true and commit "
                + LISTING).isEmpty();
    }

    @Test
    void internalPackagesAndPackagePrivateClassesAreNotListed() throws IOException, URISyntaxException {
        List<String> listing = listing();
        assertThat(listing).as("public signatures naming internal types").noneMatch(line -> line.matches("(.*[ (<,])?internal\\..*"));
        assertThat(listing).noneMatch(line -> line.startsWith("class client.MessageSplitter"));
        assertThat(listing).anyMatch(line -> line.matches("final class WhatsAppAi( .*)?"));
        assertThat(listing.size()).as("lines in the listing").isGreaterThan(500);
    }

    /** Every public type outside {@code internal}, then its public and protected members, one line each. */
    static List<String> listing() throws IOException, URISyntaxException {
        Path classes = Path.of(WhatsAppAi.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<String> names;
        try (Stream<Path> files = Files.walk(classes)) {
            names = files.map(f -> classes.relativize(f).toString().replace('\\', '/'))
                    .filter(n -> n.endsWith(".class") && !n.equals("module-info.class") && !n.endsWith("package-info.class"))
                    .map(n -> n.substring(0, n.length() - ".class".length()).replace('/', '.'))
                    .filter(n -> n.startsWith(ROOT) && !n.contains(".internal."))
                    .sorted()
                    .toList();
        }
        List<String> out = new ArrayList<>();
        for (String name : names) {
            Class<?> type;
            try {
                type = Class.forName(name, false, PublicApiTest.class.getClassLoader());
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException(name, e);
            }
            if (!isExported(type)) {
                continue;
            }
            out.add(describeType(type));
            TreeSet<String> members = new TreeSet<>();
            for (Constructor<?> c : type.getDeclaredConstructors()) {
                if (visible(c) && !c.isSynthetic()) {
                    members.add("  " + shorten(c.toGenericString()));
                }
            }
            for (Method m : type.getDeclaredMethods()) {
                if (visible(m) && !m.isSynthetic() && !m.isBridge()) {
                    members.add("  " + shorten(m.toGenericString()));
                }
            }
            for (Field f : type.getDeclaredFields()) {
                if (visible(f) && !f.isSynthetic()) {
                    members.add("  " + shorten(f.toGenericString()));
                }
            }
            out.addAll(members);
        }
        return out;
    }

    /** Public, and every enclosing type public too. */
    private static boolean isExported(Class<?> type) {
        for (Class<?> t = type; t != null; t = t.getEnclosingClass()) {
            if (!Modifier.isPublic(t.getModifiers()) || t.isAnonymousClass() || t.isLocalClass()) {
                return false;
            }
        }
        return true;
    }

    private static boolean visible(Member member) {
        int mod = member.getModifiers();
        boolean subclassable = !Modifier.isFinal(member.getDeclaringClass().getModifiers());
        return Modifier.isPublic(mod) || (Modifier.isProtected(mod) && subclassable);
    }

    private static String describeType(Class<?> type) {
        StringBuilder line = new StringBuilder();
        int mod = type.getModifiers() & (Modifier.ABSTRACT | Modifier.FINAL | Modifier.STATIC);
        if (type.isInterface()) {
            mod &= ~Modifier.ABSTRACT;
        }
        String modifiers = Modifier.toString(mod);
        if (!modifiers.isEmpty() && !type.isEnum() && !type.isRecord()) {
            line.append(modifiers).append(' ');
        }
        line.append(type.isAnnotation() ? "@interface" : type.isInterface() ? "interface"
                : type.isEnum() ? "enum" : type.isRecord() ? "record" : "class");
        line.append(' ').append(shorten(type.getName())).append(' ');
        if (type.getGenericSuperclass() != null && !type.isEnum() && !type.isRecord()
                && type.getSuperclass() != Object.class) {
            line.append("extends ").append(shorten(type.getGenericSuperclass().getTypeName())).append(' ');
        }
        if (type.getGenericInterfaces().length > 0) {
            line.append(type.isInterface() ? "extends" : "implements");
            for (var i : type.getGenericInterfaces()) {
                line.append(' ').append(shorten(i.getTypeName()));
            }
        }
        return line.toString().strip();
    }

    private static String shorten(String s) {
        return s.replace(ROOT, "").replace("java.lang.", "").replace("java.util.", "");
    }
}
