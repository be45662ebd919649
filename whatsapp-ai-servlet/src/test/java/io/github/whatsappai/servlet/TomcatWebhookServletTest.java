package io.github.whatsappai.servlet;

import org.apache.catalina.Context;
import org.apache.catalina.Wrapper;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.core.StandardContext;
import org.apache.catalina.startup.Tomcat;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;

/** The container contract in embedded Tomcat 11 (Servlet 6.1). */
class TomcatWebhookServletTest extends WebhookServletContainerTest {

    /** Tomcat logs through java.util.logging; keep its start/stop lines out of the test output. */
    private static final Logger TOMCAT_LOG = Logger.getLogger("org.apache");

    static {
        TOMCAT_LOG.setLevel(Level.WARNING);
    }

    private Tomcat tomcat;
    private Path baseDir;

    @Override
    protected URI start(List<Deployment> deployments) throws Exception {
        baseDir = Files.createTempDirectory("tomcat-test");
        tomcat = new Tomcat();
        tomcat.setBaseDir(baseDir.toString());
        tomcat.setHostname("127.0.0.1");
        Connector connector = tomcat.getConnector();
        connector.setPort(0);
        connector.setProperty("address", "127.0.0.1");
        if (maxThreads > 0) {
            connector.setProperty("maxThreads", Integer.toString(maxThreads));
            connector.setProperty("minSpareThreads", "1");
        }
        Path docBase = Files.createDirectories(baseDir.resolve("docbase"));
        Context context = tomcat.addContext("", docBase.toString());
        if (context instanceof StandardContext standard) {
            // these leak checks need --add-opens and only warn about it
            standard.setClearReferencesThreadLocals(false);
            standard.setClearReferencesRmiTargets(false);
        }
        for (Deployment d : deployments) {
            Wrapper wrapper = d.instance() != null
                    ? Tomcat.addServlet(context, d.name(), d.instance())
                    : Tomcat.addServlet(context, d.name(), d.className());
            d.initParams().forEach(wrapper::addInitParameter);
            wrapper.setAsyncSupported(d.asyncSupported());
            wrapper.setLoadOnStartup(1);
            context.addServletMapping(d.path(), d.name());
        }
        tomcat.start();
        return URI.create("http://127.0.0.1:" + connector.getLocalPort());
    }

    @Override
    protected boolean countsAnArrivedBodyAsAvailable() {
        return false; // Tomcat reports at most one byte until the body is first read
    }

    @Override
    protected void stop() throws Exception {
        if (tomcat != null) {
            tomcat.stop();
            tomcat.destroy();
            tomcat = null;
        }
        if (baseDir != null) {
            try (Stream<Path> files = Files.walk(baseDir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
            baseDir = null;
        }
    }
}
