package com.careledger.core.ui;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Keeps the Host header out of redirects. Spring Security builds absolute addresses from the request (the sign-in
 * entry point, the saved request it returns to after sign-in), and their host is whatever the client sent as
 * {@code Host}. Every redirect whose host is the request's own becomes relative (path, query, fragment), so the
 * browser stays on the origin it asked; Tomcat leaves relative redirects as they are
 * ({@code server.tomcat.use-relative-redirects=true}). A redirect to another host is left alone.
 */
final class RelativeRedirectFilter extends OncePerRequestFilter {

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        chain.doFilter(request, new RelativeRedirects(request, response));
    }

    /** {@code location} without scheme and authority when its host is the one the request named; else unchanged. */
    static String relative(HttpServletRequest request, String location) {
        URI uri;
        try {
            uri = new URI(location);
        } catch (URISyntaxException e) {
            return location;
        }
        if (uri.getRawAuthority() == null || uri.getHost() == null
                || !uri.getHost().equalsIgnoreCase(request.getServerName())) {
            return location;
        }
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        return path + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery())
                + (uri.getRawFragment() == null ? "" : "#" + uri.getRawFragment());
    }

    private static final class RelativeRedirects extends HttpServletResponseWrapper {

        private final HttpServletRequest request;

        RelativeRedirects(HttpServletRequest request, HttpServletResponse response) {
            super(response);
            this.request = request;
        }

        @Override
        public void sendRedirect(String location) throws IOException {
            super.sendRedirect(relative(request, location));
        }

        @Override
        public void sendRedirect(String location, boolean clearBuffer) throws IOException {
            super.sendRedirect(relative(request, location), clearBuffer);
        }

        @Override
        public void sendRedirect(String location, int sc) throws IOException {
            super.sendRedirect(relative(request, location), sc);
        }

        @Override
        public void sendRedirect(String location, int sc, boolean clearBuffer) throws IOException {
            super.sendRedirect(relative(request, location), sc, clearBuffer);
        }

        @Override
        public void setHeader(String name, String value) {
            super.setHeader(name, isLocation(name) && value != null ? relative(request, value) : value);
        }

        @Override
        public void addHeader(String name, String value) {
            super.addHeader(name, isLocation(name) && value != null ? relative(request, value) : value);
        }

        private static boolean isLocation(String name) {
            return "Location".equalsIgnoreCase(name);
        }
    }
}
