package com.careledger.core.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.careledger.test.RlsWiring;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/**
 * The upkeep job as Spring wires it: a {@code @Transactional} repository on the RLS transaction manager, called as
 * the partition-upkeep principal. Runs for today, where the migrations have made everything already, so it commits
 * nothing (or, just past a month end, only the partition the calendar now needs).
 */
class PartitionUpkeepJobTest {

    @Configuration(proxyBeanMethods = false)
    @Import({RlsWiring.class, PartitionUpkeepRepository.class, PartitionUpkeep.class})
    static class Wiring {
    }

    private static AnnotationConfigApplicationContext context;

    @BeforeAll
    static void start() {
        context = new AnnotationConfigApplicationContext(Wiring.class);
    }

    @AfterAll
    static void stop() {
        context.close();
    }

    @Test
    void theJobRunsAsTheUpkeepPrincipalAndASecondRunFindsNothingToDo() {
        PartitionUpkeep upkeep = context.getBean(PartitionUpkeep.class);
        upkeep.run(null);
        assertThat(upkeep.run(null)).isEmpty();
    }

    @Test
    void theRepositoryWithoutThePrincipalIsRefused() {
        PartitionUpkeepRepository repository = context.getBean(PartitionUpkeepRepository.class);
        assertThatThrownBy(() -> DbContext.runAs(DbContext.NONE, () -> repository.maintain(null)))
                .hasMessageContaining("only the partition upkeep principal");
    }
}
