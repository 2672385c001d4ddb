package com.careledger.bench;

import java.io.IOException;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import com.vaadin.flow.server.VaadinSession;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;
import jakarta.servlet.http.HttpSessionEvent;
import jakarta.servlet.http.HttpSessionListener;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.boot.web.servlet.ServletListenerRegistrationBean;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.core.Ordered;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.util.ClassUtils;

/**
 * What the session benchmark ({@link SessionCost}) reads inside the portal it starts: the server time of every
 * request with the database transactions it made, and the HTTP sessions alive with the Vaadin sessions and UIs they
 * hold.
 *
 * <p>All are registered by {@link #initializer()} on that one application context only, as beans made by hand: this
 * class is no {@code @Configuration}, so the portal's component scan, which also sees the test class path, never
 * picks it up in a test.
 *
 * <p>The server time of a request is the time from entering the first filter of the servlet container (this one,
 * ahead of the redirect filter and Spring Security) to leaving it, after the handler has written the response: what
 * the server spends on the request, without the client, the socket and Tomcat's parsing of the request line. Times go
 * into a {@link TimingLog}, arrays made before the sessions open, so recording them does not grow the measured heap.
 */
final class ServerTiming {

    /**
     * What a request was, as the benchmark's client names it in the {@link #HEADER} it adds to each request (the
     * portal ignores the header; only this filter reads it).
     */
    enum Kind {
        SIGN_IN_PAGE("GET /login: the sign-in page"),
        SIGN_IN_UI("GET ?v-r=init: the sign-in page's UI"),
        SIGN_IN_VIEW("POST ?v-r=uidl: ui-navigate, the sign-in view"),
        SIGN_IN("POST /login: sign-in (the database's bcrypt)"),
        UNLOAD("POST ?v-r=uidl: the sign-in page's unload beacon"),
        PAGE("GET /: the app's page"),
        UI_INIT("GET ?v-r=init: the app's UI"),
        LANDING("POST ?v-r=uidl: ui-navigate, root to landing page"),
        HEARTBEAT("POST ?v-r=heartbeat"),
        REVISIT("POST ?v-r=uidl: router link to the landing page"),
        OTHER("other");

        final String label;

        Kind(String label) {
            this.label = label;
        }

        static Kind of(HttpServletRequest request) {
            String named = request.getHeader(HEADER);
            for (Kind kind : values()) {
                if (kind.name().equals(named)) {
                    return kind;
                }
            }
            return OTHER;
        }
    }

    /** The request header in which the benchmark's client names the {@link Kind} of a request. */
    static final String HEADER = "X-Bench-Request";

    /** The server time of every request since the last {@link TimingLog#reset()}. */
    final TimingLog log;

    /** Every HTTP session the container made and has not yet destroyed. */
    private final Set<HttpSession> sessions = ConcurrentHashMap.newKeySet();

    ServerTiming(int capacity) {
        this.log = new TimingLog(capacity);
    }

    /** Registers the timing filter (first of all filters) and the session listener on the portal's context. */
    ApplicationContextInitializer<GenericApplicationContext> initializer() {
        return context -> {
            context.registerBean("benchServerTiming", FilterRegistrationBean.class, () -> {
                var registration = new FilterRegistrationBean<Filter>(new TimingFilter());
                registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
                return registration;
            });
            context.registerBean("benchSessionTracker", ServletListenerRegistrationBean.class,
                    () -> new ServletListenerRegistrationBean<HttpSessionListener>(new SessionTracker()));
            context.registerBean("benchTransactionTiming", BeanPostProcessor.class, TransactionTiming::new);
        };
    }

    /** Per request thread: the outermost transactions begun and ended during the request, and the time they were open. */
    private static final class RequestTransactions {
        int depth;
        long openedAt;
        int count;
        long nanos;
    }

    private static final ThreadLocal<RequestTransactions> TRANSACTIONS = ThreadLocal.withInitial(RequestTransactions::new);

    /**
     * Wraps the portal's transaction manager (all its interfaces kept) to count, per request, the database transactions
     * it opens and the time each is open, from {@code getTransaction} of the outermost to its commit or rollback:
     * where a request's server time goes.
     */
    private static final class TransactionTiming implements BeanPostProcessor {
        @Override
        public Object postProcessAfterInitialization(Object bean, String beanName) {
            if (!(bean instanceof PlatformTransactionManager)) {
                return bean;
            }
            InvocationHandler timed = (proxy, method, args) -> {
                RequestTransactions t = TRANSACTIONS.get();
                String name = method.getName();
                boolean begin = name.equals("getTransaction");
                boolean end = name.equals("commit") || name.equals("rollback");
                long now = System.nanoTime();
                try {
                    Object result = method.invoke(bean, args);
                    if (begin && t.depth++ == 0) {
                        t.openedAt = now;
                    }
                    return result;
                } catch (InvocationTargetException e) {
                    throw e.getCause();
                } finally {
                    if (end && t.depth > 0 && --t.depth == 0) {
                        t.count++;
                        t.nanos += System.nanoTime() - t.openedAt;
                    }
                }
            };
            return Proxy.newProxyInstance(bean.getClass().getClassLoader(), ClassUtils.getAllInterfaces(bean), timed);
        }
    }

    /** The HTTP sessions alive now, and how many of them hold a Vaadin session and how many UIs those hold. */
    record Alive(int httpSessions, int vaadinSessions, int uis) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%d HTTP sessions, %d Vaadin sessions, %d UIs", httpSessions, vaadinSessions, uis);
        }
    }

    Alive alive() {
        int http = 0;
        int vaadin = 0;
        int uis = 0;
        for (HttpSession session : sessions) {
            http++;
            VaadinSession found = null;
            try {
                for (String name : java.util.Collections.list(session.getAttributeNames())) {
                    if (session.getAttribute(name) instanceof VaadinSession v) {
                        found = v;
                    }
                }
            } catch (IllegalStateException invalidated) {
                http--;
                continue;
            }
            if (found != null) {
                vaadin++;
                found.lock();
                try {
                    uis += found.getUIs().size();
                } finally {
                    found.unlock();
                }
            }
        }
        return new Alive(http, vaadin, uis);
    }

    /** Ends every HTTP session (the warm-up's), as their timeout would. */
    void invalidateAll() {
        for (HttpSession session : sessions) {
            try {
                session.invalidate();
            } catch (IllegalStateException alreadyInvalidated) {
                sessions.remove(session);
            }
        }
    }

    private final class TimingFilter implements Filter {
        @Override
        public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
                throws IOException, ServletException {
            RequestTransactions t = TRANSACTIONS.get();
            t.depth = 0;
            t.count = 0;
            t.nanos = 0;
            long t0 = System.nanoTime();
            try {
                chain.doFilter(request, response);
            } finally {
                log.record(Kind.of((HttpServletRequest) request), System.nanoTime() - t0, t.count, t.nanos);
            }
        }
    }

    private final class SessionTracker implements HttpSessionListener {
        @Override
        public void sessionCreated(HttpSessionEvent se) {
            sessions.add(se.getSession());
        }

        @Override
        public void sessionDestroyed(HttpSessionEvent se) {
            sessions.remove(se.getSession());
        }
    }
}
