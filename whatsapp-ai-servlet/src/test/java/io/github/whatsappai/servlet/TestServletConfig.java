package io.github.whatsappai.servlet;

import jakarta.servlet.ServletConfig;
import jakarta.servlet.ServletContext;

import java.util.Collections;
import java.util.Enumeration;
import java.util.Map;

/** A servlet configuration with fixed init-params and no context, for calling {@code init} directly. */
record TestServletConfig(Map<String, String> initParams) implements ServletConfig {

    @Override
    public String getServletName() {
        return "whatsapp-webhook";
    }

    @Override
    public ServletContext getServletContext() {
        return null;
    }

    @Override
    public String getInitParameter(String name) {
        return initParams.get(name);
    }

    @Override
    public Enumeration<String> getInitParameterNames() {
        return Collections.enumeration(initParams.keySet());
    }
}
