package io.github.whatsappai.examples.demo;

import java.util.Arrays;

/**
 * Entry point of {@code whatsapp-ai-demo.jar}: no argument (or {@code server}) starts the
 * {@link DemoServer}; {@code chat …} starts the {@link ChatSimulator}.
 */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && (args[0].equals("chat") || args[0].equals("simulator"))) {
            ChatSimulator.main(Arrays.copyOfRange(args, 1, args.length));
        } else if (args.length == 0 || args[0].equals("server")) {
            DemoServer.main(new String[0]);
        } else {
            System.err.println("usage: java -jar whatsapp-ai-demo.jar [server | chat [options]]");
            System.err.println("       java -jar whatsapp-ai-demo.jar chat --help");
            System.exit(2);
        }
    }
}
