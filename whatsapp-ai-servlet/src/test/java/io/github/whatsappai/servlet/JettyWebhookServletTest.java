package io.github.whatsappai.servlet;

import org.eclipse.jetty.ee11.servlet.ServletContextHandler;
import org.eclipse.jetty.ee11.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

import java.net.URI;
import java.util.List;

/** The container contract in embedded Jetty 12.1 ({@code ee11}, Servlet 6.1). */
class JettyWebhookServletTest extends WebhookServletContainerTest {

    private Server server;

    @Override
    protected URI start(List<Deployment> deployments) throws Exception {
        if (maxThreads > 0) {
            // acceptor and selector take one thread each; no reserved threads, so the rest serve requests
            QueuedThreadPool pool = new QueuedThreadPool(maxThreads + 2, 2);
            pool.setReservedThreads(0);
            server = new Server(pool);
        } else {
            server = new Server();
        }
        ServerConnector connector = maxThreads > 0 ? new ServerConnector(server, 1, 1) : new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler("/");
        for (Deployment d : deployments) {
            ServletHolder holder = d.instance() != null ? new ServletHolder(d.name(), d.instance()) : new ServletHolder();
            if (d.className() != null) {
                holder.setName(d.name());
                holder.setClassName(d.className());
            }
            holder.setInitParameters(d.initParams());
            holder.setAsyncSupported(d.asyncSupported());
            holder.setInitOrder(1);
            context.addServlet(holder, d.path());
        }
        server.setHandler(context);
        server.start();
        return URI.create("http://127.0.0.1:" + connector.getLocalPort());
    }

    @Override
    protected boolean countsAnArrivedBodyAsAvailable() {
        return true; // Jetty counts the bytes it has buffered with the request's head
    }

    @Override
    protected void stop() throws Exception {
        if (server != null) {
            server.stop();
            server = null;
        }
    }
}
