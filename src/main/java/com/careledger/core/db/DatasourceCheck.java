package com.careledger.core.db;

import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.boot.context.logging.LoggingApplicationListener;
import org.springframework.context.ApplicationListener;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;
import org.springframework.util.ClassUtils;

/**
 * Stops the start at once when the portal has no database: no {@code spring.datasource.url}, and no embedded
 * PostgreSQL to start instead. The production jar never carries the embedded one (it lives in src/dev, see the
 * pom's dev profile), and {@code careledger.embedded-postgres.enabled=false} switches it off in development.
 * Runs as soon as the environment is ready and logging configured, before the banner and any bean;
 * {@link NoDatasourceFailureAnalyzer} turns the failure into one report naming the properties to set.
 * Registered in META-INF/spring.factories.
 */
public final class DatasourceCheck implements ApplicationListener<ApplicationEnvironmentPreparedEvent>, Ordered {

    /** The embedded PostgreSQL's auto-configuration, present in development builds only. */
    static final String EMBEDDED_POSTGRES = "com.careledger.core.db.embedded.EmbeddedPostgresAutoConfiguration";

    @Override
    public void onApplicationEvent(ApplicationEnvironmentPreparedEvent event) {
        check(event.getEnvironment(), ClassUtils.isPresent(EMBEDDED_POSTGRES, event.getSpringApplication().getClassLoader()));
    }

    @Override
    public int getOrder() {
        return LoggingApplicationListener.DEFAULT_ORDER + 1;
    }

    /** Throws {@link NoDatasource} unless a datasource URL is set or the embedded server will start. */
    static void check(Environment environment, boolean embeddedPostgresPresent) {
        String url = environment.getProperty("spring.datasource.url");
        if (url != null) {
            if (url.isBlank()) {
                throw new NoDatasource("spring.datasource.url (SPRING_DATASOURCE_URL) is set, but empty.");
            }
            return;
        }
        if (!embeddedPostgresPresent) {
            throw new NoDatasource("spring.datasource.url (SPRING_DATASOURCE_URL) is not set, and this build carries"
                    + " no embedded PostgreSQL (a production jar never does).");
        }
        if (!environment.getProperty("careledger.embedded-postgres.enabled", Boolean.class, true)) {
            throw new NoDatasource("spring.datasource.url (SPRING_DATASOURCE_URL) is not set, and"
                    + " careledger.embedded-postgres.enabled=false keeps the embedded PostgreSQL off.");
        }
    }

    /** The portal was started without a database to use. */
    public static final class NoDatasource extends IllegalStateException {
        NoDatasource(String reason) {
            super(reason);
        }
    }
}
