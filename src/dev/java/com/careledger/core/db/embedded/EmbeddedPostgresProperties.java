package com.careledger.core.db.embedded;

import java.nio.file.Path;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the embedded PostgreSQL, used only while no {@code spring.datasource.url} is configured.
 *
 * @param enabled           start the embedded server when no datasource is configured
 * @param dataDirectory     the cluster's data, kept across restarts (git-ignored)
 * @param installDirectory  where the PostgreSQL binaries are unpacked
 * @param port              TCP port on 127.0.0.1; 0 picks a free one at every start
 * @param ephemeral         a throw-away cluster per JVM (tests): data in a fresh folder, no fsync
 * @param demoData          load the demo facilities and sign-ins from {@code db/demo}
 * @param demoActivity      with the demo data, also ninety days of activity up to today from {@code db/demo-activity}
 *                          (bills, payments, cash, refunds, gateway batches, settlements); the database tests
 *                          switch it off and keep the small fixture of {@code db/demo}
 * @param demoPassword      the password of every demo sign-in
 */
@ConfigurationProperties("careledger.embedded-postgres")
public record EmbeddedPostgresProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue(".careledger/postgres") Path dataDirectory,
        @DefaultValue(".careledger/postgres-binaries") Path installDirectory,
        @DefaultValue("0") int port,
        @DefaultValue("false") boolean ephemeral,
        @DefaultValue("true") boolean demoData,
        @DefaultValue("true") boolean demoActivity,
        @DefaultValue("CareLedger#2026") String demoPassword) {
}
