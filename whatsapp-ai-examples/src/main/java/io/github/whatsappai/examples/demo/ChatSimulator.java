package io.github.whatsappai.examples.demo;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Lets a person type as a WhatsApp user against the demo: each line is signed as Meta would sign it
 * and posted to the webhook; the bot's replies are printed as they arrive.
 *
 * <pre>
 * java -jar whatsapp-ai-demo.jar chat [--url http://127.0.0.1:8080] [--from 6281234567890]
 *      [--name "Budi"] [--secret …] [--phone-number-id …] [--burst "one | two | three"]
 * </pre>
 *
 * In the chat, {@code /burst a | b | c} sends several messages at once, {@code /dup} redelivers the
 * last message (the bot must not answer twice), {@code /voice FILE}, {@code /image FILE | caption} and
 * {@code /doc FILE | caption} upload a file to the demo's local Graph API stand-in and send it as a
 * voice note, photo or document, {@code /quit} leaves.
 */
public final class ChatSimulator {

    private ChatSimulator() {
    }

    public static void main(String[] args) throws Exception {
        Options o;
        try {
            o = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.println();
            System.err.println(Options.USAGE);
            System.exit(2);
            return;
        }
        if (o.help) {
            System.out.println(Options.USAGE);
            return;
        }
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        SimulatorClient client = new SimulatorClient(o.url, o.secret, o.phoneNumberId, o.from, o.name,
                Clock.systemUTC());
        AtomicLong seen = new AtomicLong(latestSeq(client));
        if (o.burst != null) {
            try {
                report(out, client.sendBurst(o.burst));
                out.println("waiting for the reply (the bot answers after the buffer's quiet window)…");
                for (var reply : client.replies(seen.get(), Duration.ofSeconds(90))) {
                    printReply(out, reply);
                }
            } catch (IOException e) {
                System.err.println(unreachable(o.url, e));
                System.exit(1);
            }
            return;
        }
        Thread poller = new Thread(() -> poll(client, seen, out, o.url), "simulator-replies");
        poller.setDaemon(true);
        poller.start();
        out.println("Chatting with " + o.url + " as +" + o.from + ". Type a message and press Enter.");
        out.println("/burst a | b | c sends several at once, /dup redelivers the last one, /quit leaves.");
        out.println("/voice FILE, /image FILE | caption, /doc FILE | caption send a file through the local Graph API.");
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        SimulatorClient.Delivery last = null;
        for (String line; (line = in.readLine()) != null; ) {
            line = line.strip();
            if (line.isEmpty()) {
                continue;
            }
            if (line.equals("/quit") || line.equals("/exit")) {
                break;
            }
            try {
                if (line.equals("/dup")) {
                    if (last == null) {
                        out.println("(nothing sent yet)");
                    } else {
                        out.println("(redelivered " + last.wamid() + ": webhook answered " + client.redeliver(last) + ")");
                    }
                } else if (line.startsWith("/voice ") || line.startsWith("/image ") || line.startsWith("/doc ")) {
                    int space = line.indexOf(' ');
                    String type = switch (line.substring(1, space)) {
                        case "voice" -> "audio";
                        case "image" -> "image";
                        default -> "document";
                    };
                    String[] fileAndCaption = line.substring(space + 1).strip().split("\\s*\\|\\s*", 2);
                    java.nio.file.Path file = java.nio.file.Path.of(fileAndCaption[0]);
                    if (!java.nio.file.Files.isReadable(file)) {
                        out.println("(cannot read " + file + ")");
                        continue;
                    }
                    last = client.sendMedia(o.url.resolve(DemoServer.LOCAL_GRAPH_PATH + "/"
                            + io.github.whatsappai.client.GraphSettings.DEFAULT_VERSION), type, file,
                            fileAndCaption.length > 1 ? fileAndCaption[1] : null);
                    report(out, List.of(last));
                } else if (line.startsWith("/burst ")) {
                    List<SimulatorClient.Delivery> sent = client.sendBurst(splitBurst(line.substring(7)));
                    report(out, sent);
                    last = sent.get(sent.size() - 1);
                } else {
                    last = client.send(line);
                    report(out, List.of(last));
                }
            } catch (IOException e) {
                out.println("(" + unreachable(o.url, e) + ")");
            }
        }
        poller.interrupt();
    }

    private static long latestSeq(SimulatorClient client) {
        try {
            return client.replies(0, Duration.ZERO).stream().mapToLong(SimulatorClient.Reply::seq).max().orElse(0);
        } catch (Exception e) {
            return 0;
        }
    }

    /**
     * Long-polls the demo's outbox. When the demo goes away it says so once (not every retry), keeps
     * trying quietly every 2 s, and says so again when the demo is back.
     */
    private static void poll(SimulatorClient client, AtomicLong seen, PrintStream out, URI url) {
        boolean gone = false;
        while (true) {
            try {
                List<SimulatorClient.Reply> replies = client.replies(seen.get(), Duration.ofSeconds(20));
                if (gone) {
                    gone = false;
                    out.println("(the demo at " + url + " is back)");
                }
                for (var reply : replies) {
                    printReply(out, reply);
                    seen.accumulateAndGet(reply.seq(), Math::max);
                }
            } catch (InterruptedException e) {
                return;
            } catch (IOException | RuntimeException e) {
                if (!gone) {
                    gone = true;
                    out.println("(" + unreachable(url, e) + "; replies show up when it is back, /quit leaves)");
                }
                try {
                    Thread.sleep(2_000);
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }
    }

    /** One line for a person: what could not be reached and what to check, never a stack trace. */
    static String unreachable(URI url, Exception e) {
        String why;
        if (e instanceof ConnectException) {
            why = "nothing listens there";
        } else if (e instanceof HttpTimeoutException) {
            why = "it did not answer in time";
        } else if (e.getMessage() != null && !e.getMessage().isBlank()) {
            why = e.getMessage();
        } else {
            why = e.getClass().getSimpleName();
        }
        return "the demo at " + url + " is not answering (" + why + "): is it running? Start it with "
                + "java -jar whatsapp-ai-examples/target/whatsapp-ai-demo.jar, or point --url (or PORT) at it";
    }

    private static void printReply(PrintStream out, SimulatorClient.Reply reply) {
        out.println();
        out.println("bot> " + reply.text().replace("\n", "\n     "));
        out.println();
    }

    private static void report(PrintStream out, List<SimulatorClient.Delivery> sent) {
        for (var d : sent) {
            if (d.status() != 200) {
                out.println("(webhook answered " + d.status() + " for " + d.wamid() + ": is the secret right?)");
            }
        }
    }

    static List<String> splitBurst(String text) {
        List<String> parts = new ArrayList<>();
        for (String p : text.split("\\|")) {
            if (!p.isBlank()) {
                parts.add(p.strip());
            }
        }
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("a burst needs at least one message: \"one | two | three\"");
        }
        return parts;
    }

    /** Command-line options; each has a default that matches the demo. */
    static final class Options {
        static final String USAGE = """
                usage: java -jar whatsapp-ai-demo.jar chat [options]
                  --url URL               the demo's base URL (default http://127.0.0.1:8080, or $PORT)
                  --from DIGITS           your WhatsApp number, 7-15 digits without '+' (default 6281234567890)
                  --name NAME             your profile name (default "Demo User")
                  --secret SECRET         app secret to sign with (default $META_APP_SECRET or the demo secret)
                  --phone-number-id ID    business phone number id (default $META_PHONE_NUMBER_ID or the demo's)
                  --burst "a | b | c"     send these messages at once, print the reply and exit
                  --help                  this text""";

        URI url;
        String from = "6281234567890";
        String name = "Demo User";
        String secret;
        String phoneNumberId;
        List<String> burst;
        boolean help;

        static Options parse(String[] args) {
            Options o = new Options();
            String port = System.getenv().getOrDefault("PORT", "8080");
            o.url = URI.create("http://127.0.0.1:" + port);
            String envSecret = System.getenv("META_APP_SECRET");
            o.secret = envSecret == null || envSecret.isBlank() ? DemoServer.DEMO_APP_SECRET
                    : envSecret.split(",")[0].strip();
            String envPnid = System.getenv("META_PHONE_NUMBER_ID");
            o.phoneNumberId = envPnid == null || envPnid.isBlank() ? DemoServer.DEMO_PHONE_NUMBER_ID
                    : envPnid.split(",")[0].strip();
            List<String> a = Arrays.asList(args);
            for (int i = 0; i < a.size(); i++) {
                String arg = a.get(i);
                switch (arg) {
                    case "--help", "-h" -> o.help = true;
                    case "--url" -> o.url = URI.create(value(a, ++i, arg));
                    case "--from" -> o.from = value(a, ++i, arg).replaceFirst("^\\+", "");
                    case "--name" -> o.name = value(a, ++i, arg);
                    case "--secret" -> o.secret = value(a, ++i, arg);
                    case "--phone-number-id" -> o.phoneNumberId = value(a, ++i, arg);
                    case "--burst" -> o.burst = splitBurst(value(a, ++i, arg));
                    default -> throw new IllegalArgumentException("unknown option " + arg);
                }
            }
            if (!o.from.matches("\\d{7,15}")) {
                throw new IllegalArgumentException("--from must be 7 to 15 digits (a WhatsApp number without '+'), was "
                        + o.from);
            }
            return o;
        }

        private static String value(List<String> args, int i, String option) {
            if (i >= args.size()) {
                throw new IllegalArgumentException(option + " needs a value");
            }
            return args.get(i);
        }
    }
}
