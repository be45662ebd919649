package io.github.whatsappai.examples.docs;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keeps the documentation self-contained: every relative link in README.md, CHANGELOG.md and
 * docs/ points at a file of the repository (and at a heading that exists, when it names one), and
 * no source, script or page refers to design or protocol files that live outside the repository,
 * which users of the SDK do not have.
 */
class DocsLinksTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");
    private static final Pattern HEADING = Pattern.compile("^#{1,6} +(.+?) *$", Pattern.MULTILINE);
    private static final Pattern CODE_SPAN = Pattern.compile("`[^`\\n]+`");
    private static final Pattern FENCE = Pattern.compile("^```.*?^```", Pattern.MULTILINE | Pattern.DOTALL);

    /** Names of files outside the repository that earlier sources cited; split so this file does not match. */
    private static final List<String> OUTSIDE = List.of(
            "PROTOCOL" + ".md", "DESIGN" + ".md", "STYLE" + ".md", "../" + "shared", "shared" + "/bench");

    @Test
    void everyRelativeLinkResolves() throws IOException {
        List<String> broken = new ArrayList<>();
        int checked = 0;
        for (Path doc : markdownFiles()) {
            String text = CODE_SPAN.matcher(FENCE.matcher(Files.readString(doc)).replaceAll("")).replaceAll("");
            Matcher m = LINK.matcher(text);
            while (m.find()) {
                String target = m.group(1);
                if (target.matches("^[a-z]+:.*")) {
                    continue;
                }
                int hash = target.indexOf('#');
                String file = hash < 0 ? target : target.substring(0, hash);
                Path resolved = file.isEmpty() ? doc : doc.getParent().resolve(file).normalize();
                String where = ROOT.relativize(doc) + " → " + target;
                checked++;
                if (!Files.exists(resolved)) {
                    broken.add(where + " (no such file)");
                } else if (hash >= 0 && resolved.toString().endsWith(".md")
                        && !anchors(resolved).contains(target.substring(hash + 1))) {
                    broken.add(where + " (no such heading; headings give " + anchors(resolved) + ")");
                }
            }
        }
        assertThat(broken).as("broken links in the docs").isEmpty();
        assertThat(checked).as("links checked").isGreaterThanOrEqualTo(20);
    }

    @Test
    void nothingCitesAFileOutsideTheRepository() throws IOException {
        List<String> found = new ArrayList<>();
        List<Path> files = new ArrayList<>(markdownFiles());
        for (String module : List.of("whatsapp-ai-core", "whatsapp-ai-servlet", "whatsapp-ai-examples")) {
            files.add(ROOT.resolve(module).resolve("pom.xml"));
            try (Stream<Path> walk = Files.walk(ROOT.resolve(module).resolve("src"))) {
                walk.filter(Files::isRegularFile).filter(DocsLinksTest::isText).forEach(files::add);
            }
        }
        files.add(ROOT.resolve("pom.xml"));
        Path self = ROOT.resolve("whatsapp-ai-examples/src/test/java/io/github/whatsappai/examples/docs/DocsLinksTest.java");
        for (Path file : files) {
            if (file.equals(self)) {
                continue;
            }
            List<String> lines = Files.readAllLines(file);
            for (int i = 0; i < lines.size(); i++) {
                for (String name : OUTSIDE) {
                    if (lines.get(i).contains(name)) {
                        found.add(ROOT.relativize(file) + ":" + (i + 1) + " cites " + name);
                    }
                }
            }
        }
        assertThat(found).as("references to files users do not have; put the facts in docs/ instead").isEmpty();
    }

    private static List<Path> markdownFiles() throws IOException {
        List<Path> docs = new ArrayList<>(List.of(ROOT.resolve("README.md"), ROOT.resolve("CHANGELOG.md")));
        try (Stream<Path> walk = Files.walk(ROOT.resolve("docs"))) {
            walk.filter(p -> p.toString().endsWith(".md")).sorted().forEach(docs::add);
        }
        return docs;
    }

    private static boolean isText(Path p) {
        String name = p.getFileName().toString();
        return name.endsWith(".java") || name.endsWith(".xml") || name.endsWith(".sh") || name.endsWith(".sql")
                || name.endsWith(".md") || name.endsWith(".properties") || name.endsWith(".txt");
    }

    /** GitHub's heading anchors: lower case, punctuation dropped, spaces as hyphens, repeats numbered. */
    static Set<String> anchors(Path markdown) throws IOException {
        String text = FENCE.matcher(Files.readString(markdown)).replaceAll("");
        Set<String> anchors = new HashSet<>();
        Matcher m = HEADING.matcher(text);
        while (m.find()) {
            String slug = m.group(1).toLowerCase(java.util.Locale.ROOT)
                    .replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-');
            String unique = slug;
            for (int n = 1; !anchors.add(unique); n++) {
                unique = slug + "-" + n;
            }
        }
        return anchors;
    }
}
