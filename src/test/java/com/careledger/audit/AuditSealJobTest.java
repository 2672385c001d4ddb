package com.careledger.audit;

import static com.careledger.test.TestDatabase.SANJEEVANI;
import static com.careledger.test.TestDatabase.SANJEEVANI_ADMIN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.careledger.audit.domain.AuditSeal;
import com.careledger.audit.domain.AuditSealRepository;
import com.careledger.core.db.DbContext;
import com.careledger.test.RlsWiring;
import com.careledger.test.TestSessions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/**
 * The sealing job as Spring wires it: a {@code @Transactional} repository on the RLS transaction manager, called as
 * the audit-seal principal, commits its seals; a facility admin then checks their chain through the repository. What
 * it seals stays valid, so the seals it commits on the test database harm no other test.
 */
class AuditSealJobTest {

    @Configuration(proxyBeanMethods = false)
    @Import({RlsWiring.class, AuditSealRepository.class, AuditSeal.class})
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
    void theJobSealsAsTheSealPrincipalAndTheFacilitysAdminFindsEverySealVerified() throws Exception {
        AuditSeal job = context.getBean(AuditSeal.class);
        job.sealNow();
        assertThat(job.sealNow()).as("a second run right after finds nothing new of Sanjeevani's")
                .noneMatch(seal -> SANJEEVANI.equals(seal.facilityId()));
        AuditSealRepository repository = context.getBean(AuditSealRepository.class);
        var checks = DbContext.callAs(TestSessions.context(SANJEEVANI_ADMIN, SANJEEVANI), () -> repository.verify(SANJEEVANI));
        assertThat(checks).isNotEmpty().allMatch(AuditSealRepository.SealCheck::verified);
        assertThat(checks.getLast().rowsFound()).isPositive();
    }

    @Test
    void theRepositoryWithoutThePrincipalIsRefused() {
        AuditSealRepository repository = context.getBean(AuditSealRepository.class);
        assertThatThrownBy(() -> DbContext.runAs(DbContext.NONE, repository::seal))
                .hasMessageContaining("only the audit seal principal");
    }
}
