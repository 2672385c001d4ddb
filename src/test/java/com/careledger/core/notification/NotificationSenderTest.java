package com.careledger.core.notification;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.sql.DataSource;

import com.careledger.core.db.RlsTransactionManager;
import com.careledger.core.db.SystemSecret;
import com.careledger.core.db.embedded.EmbeddedPostgresAutoConfiguration;
import com.careledger.test.AppSession;
import com.careledger.test.CommittedDatabase;
import com.careledger.test.TestDatabase;
import com.careledger.test.TestSessions;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.context.support.PropertySourcesPlaceholderConfigurer;
import org.springframework.jdbc.datasource.TransactionAwareDataSourceProxy;
import org.springframework.transaction.annotation.EnableTransactionManagement;

/**
 * The notification sender as Spring wires it, on the committed test database (its transactions must commit): it
 * enters the notification-sender principal with the job runner's secret, takes what the database queued, hands each
 * message to the mail port with a link that works, marks it sent, and never hands the same message twice. Other
 * tests of the JVM may have queued messages there too (onboarding invites admins), so this one looks at its own
 * addresses only.
 */
class NotificationSenderTest {

    /** A mail port that keeps what it is given. */
    static final class RecordingMailPort implements MailPort {
        final List<Mail> mails = new CopyOnWriteArrayList<>();

        @Override
        public void send(Mail mail) {
            mails.add(mail);
        }
    }

    @Configuration(proxyBeanMethods = false)
    @EnableTransactionManagement
    @Import({NotificationRepository.class, NotificationSender.class})
    static class Wiring {
        @Bean
        static PropertySourcesPlaceholderConfigurer placeholders() {
            return new PropertySourcesPlaceholderConfigurer();
        }

        @Bean
        SystemSecret systemSecret() {
            // stores the test secret's digest in the committed database (what the migrate step does)
            TestSessions.proof(CommittedDatabase.DATABASE, NotificationSender.SYSTEM_USER);
            return new SystemSecret(TestSessions.SYSTEM_SECRET);
        }

        @Bean
        RecordingMailPort mailPort() {
            return new RecordingMailPort();
        }

        @Bean
        DataSource dataSource() {
            PGSimpleDataSource ds = new PGSimpleDataSource();
            ds.setUrl(CommittedDatabase.url());
            ds.setUser(EmbeddedPostgresAutoConfiguration.APP_ROLE);
            ds.setPassword(TestDatabase.server().password(EmbeddedPostgresAutoConfiguration.APP_ROLE));
            ds.setReadOnlyMode("ignore");
            return ds;
        }

        @Bean
        RlsTransactionManager transactionManager(DataSource dataSource) {
            return new RlsTransactionManager(dataSource);
        }

        @Bean
        DSLContext dsl(DataSource dataSource) {
            return DSL.using(new TransactionAwareDataSourceProxy(dataSource), SQLDialect.POSTGRES);
        }
    }

    private static final Pattern LINK = Pattern.compile("http://localhost:8080/set-password/([0-9a-f]{64})");

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
    void theSenderHandsEachQueuedMessageToTheMailPortOnceWithALinkThatWorks() throws SQLException {
        String email = "sign-up-" + UUID.randomUUID() + "@notifications.test";
        try (AppSession s = CommittedDatabase.open()) {
            assertThat(s.string("select outcome from app.sign_up_patient(?, 'Kiran Rao', 'test-sender')", email))
                    .isEqualTo("accepted");
            s.commit();
        }
        NotificationSender sender = context.getBean(NotificationSender.class);
        RecordingMailPort port = context.getBean(RecordingMailPort.class);

        assertThat(sender.sendPending()).isGreaterThanOrEqualTo(1);
        sender.sendPending();

        List<MailPort.Mail> mine = port.mails.stream().filter(m -> m.to().equals(email)).toList();
        assertThat(mine).hasSize(1);
        assertThat(mine.getFirst().subject()).isEqualTo("Finish creating your CareLedger account");
        assertThat(mine.getFirst().body()).contains("Hello Kiran Rao").contains("IST");
        Matcher link = LINK.matcher(mine.getFirst().body());
        assertThat(link.find()).as("a link in %s", mine.getFirst().body()).isTrue();
        assertThat(mine.getFirst().toString()).doesNotContain(link.group(1));

        try (AppSession s = CommittedDatabase.open()) {
            assertThat(s.string("select outcome from app.redeem_account_link(?, 'kiran keeps the ledger straight', 'test-sender')",
                    link.group(1))).isEqualTo("password_set");
            s.commit();
            assertThat(s.string("select outcome from app.sign_in(?, 'kiran keeps the ledger straight', 'test-sender')", email))
                    .isEqualTo("signed_in");
        }
    }
}
