package io.github.whatsappai.examples.docs;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Keeps every Java snippet in README.md and the Markdown files under docs/ compiling: each {@code ```java} block must be
 * preceded by {@code <!-- snippet: path#tag -->} and equal the region between {@code // tag::tag[]}
 * and {@code // end::tag[]} of that source file, which the build compiles (and, for tests, runs).
 */
class DocsSnippetsTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Pattern JAVA_BLOCK = Pattern.compile(
            "(?:<!-- snippet: (\\S+)#(\\S+) -->\\s*\\n)?```java\\n(.*?)```", Pattern.DOTALL);

    @Test
    void everyJavaSnippetInTheDocsIsCompiledSource() throws IOException {
        List<Path> docs = new ArrayList<>();
        docs.add(ROOT.resolve("README.md"));
        try (Stream<Path> files = Files.walk(ROOT.resolve("docs"))) {
            files.filter(p -> p.toString().endsWith(".md")).sorted().forEach(docs::add);
        }
        int checked = 0;
        for (Path doc : docs) {
            String text = Files.readString(doc);
            Matcher m = JAVA_BLOCK.matcher(text);
            while (m.find()) {
                String where = ROOT.relativize(doc) + " at offset " + m.start();
                if (m.group(1) == null) {
                    fail("a java block in " + where + " has no <!-- snippet: path#tag --> marker, so nothing "
                            + "compiles it");
                }
                String expected = region(ROOT.resolve(m.group(1)), m.group(2));
                assertThat(normalise(m.group(3)))
                        .as("snippet %s#%s in %s", m.group(1), m.group(2), where)
                        .isEqualTo(normalise(expected));
                checked++;
            }
        }
        assertThat(checked).as("snippets checked").isGreaterThanOrEqualTo(5);
    }

    /** The lines between the tag markers, with their common indentation removed. */
    static String region(Path file, String tag) throws IOException {
        assertThat(file).as("snippet source").exists();
        List<String> lines = Files.readAllLines(file);
        int start = -1;
        int end = -1;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.equals("// tag::" + tag + "[]")) {
                start = i + 1;
            } else if (line.equals("// end::" + tag + "[]") && start >= 0) {
                end = i;
                break;
            }
        }
        assertThat(start).as("tag %s in %s", tag, file).isGreaterThanOrEqualTo(0);
        assertThat(end).as("end of tag %s in %s", tag, file).isGreaterThan(start);
        List<String> region = lines.subList(start, end);
        int indent = region.stream().filter(l -> !l.isBlank())
                .mapToInt(l -> l.length() - l.stripLeading().length()).min().orElse(0);
        StringBuilder sb = new StringBuilder();
        for (String l : region) {
            sb.append(l.isBlank() ? "" : l.substring(indent)).append('\n');
        }
        return sb.toString();
    }

    private static String normalise(String code) {
        return code.lines().map(String::stripTrailing).reduce((a, b) -> a + "\n" + b).orElse("").strip();
    }
}
