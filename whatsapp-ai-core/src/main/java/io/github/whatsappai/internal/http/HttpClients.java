package io.github.whatsappai.internal.http;

import java.net.http.HttpClient;
import java.time.Duration;

/** The one kind of {@link HttpClient} the SDK creates when it is given none. */
public final class HttpClients {

    /** Connect timeout of the clients created here. */
    public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

    private HttpClients() {
    }

    /**
     * A new client: 10 s connect timeout, redirects followed except from https to http (knowledge-base
     * PDFs are often behind one; the Graph API and OpenRouter do not redirect). Needs no shutdown.
     */
    public static HttpClient standard() {
        return HttpClient.newBuilder()
                .connectTimeout(CONNECT_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build();
    }
}
