package io.github.whatsappai.servlet;

import jakarta.servlet.http.HttpServlet;

import java.util.Map;
import java.util.Objects;

/**
 * One servlet to deploy in a test container: either an instance (programmatic registration) or a class
 * the container instantiates itself ({@code web.xml} style), with init-params, at a path, registered with
 * {@code asyncSupported} unless {@link #withoutAsync()} says otherwise.
 */
record Deployment(String name, String path, HttpServlet instance, String className, Map<String, String> initParams,
                  boolean asyncSupported) {

    Deployment {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(path, "path");
        if ((instance == null) == (className == null)) {
            throw new IllegalArgumentException("exactly one of instance and className");
        }
        initParams = Map.copyOf(initParams);
    }

    static Deployment instance(String name, String path, HttpServlet servlet, Map<String, String> initParams) {
        return new Deployment(name, path, servlet, null, initParams, true);
    }

    static Deployment byClassName(String name, String path, Class<? extends HttpServlet> type,
                                  Map<String, String> initParams) {
        return new Deployment(name, path, null, type.getName(), initParams, true);
    }

    /** The same servlet registered without {@code asyncSupported}, as a filter chain without it leaves it. */
    Deployment withoutAsync() {
        return new Deployment(name, path, instance, className, initParams, false);
    }
}
