package com.careledger.core.notification;

import java.util.List;
import java.util.UUID;

import com.careledger.core.db.DbContext;
import com.careledger.core.db.SystemSecret;
import com.careledger.core.notification.NotificationRepository.Notification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Sends what the database queued (invitations, sign-up and password-reset links), acting as the notification-sender
 * system principal, which only the job runner's secret enters: on {@code careledger.notifications.cron} (default
 * every 10 seconds; {@code -} turns the schedule off, as the browser tests do, which run it themselves) it takes pending messages ({@code app.take_notifications}, one transaction), writes each in
 * words with its link on {@code careledger.base-url}, hands it to the {@link MailPort} (or {@link SmsPort}) and marks
 * it sent (a transaction per message). A message the port refuses stays taken and is taken again after 10 minutes,
 * with a new link. The ports default to writing to the log ({@link LoggingMailPort}, {@link LoggingSmsPort}).
 */
@Component
public class NotificationSender {

    /** The system principal the sender acts as (seeded in V0051__account_links.sql). */
    public static final UUID SYSTEM_USER = UUID.fromString("00000000-0000-4000-8000-000000000005");

    /** Messages taken per transaction. */
    static final int BATCH = 50;

    private static final Logger LOG = LoggerFactory.getLogger(NotificationSender.class);

    private final NotificationRepository repository;
    private final SystemSecret systemSecret;
    private final MailPort mail;
    private final SmsPort sms;
    private final String baseUrl;

    NotificationSender(NotificationRepository repository, SystemSecret systemSecret, ObjectProvider<MailPort> mail,
                       ObjectProvider<SmsPort> sms, @Value("${careledger.base-url:http://localhost:8080}") String baseUrl) {
        this.repository = repository;
        this.systemSecret = systemSecret;
        this.mail = mail.getIfAvailable(LoggingMailPort::new);
        this.sms = sms.getIfAvailable(LoggingSmsPort::new);
        this.baseUrl = baseUrl;
    }

    @Scheduled(cron = "${careledger.notifications.cron:*/10 * * * * *}")
    void scheduled() {
        try {
            sendPending();
        } catch (RuntimeException e) {
            LOG.error("Sending notifications failed; they are taken again within 10 minutes", e);
        }
    }

    /** Takes and sends what is pending, batch after batch, until nothing is; returns how many were sent. */
    public int sendPending() {
        DbContext context = systemSecret.contextOf(SYSTEM_USER);
        int sent = 0;
        while (true) {
            List<Notification> batch = DbContext.callAsUnchecked(context, () -> repository.take(BATCH));
            for (Notification n : batch) {
                if (send(n)) {
                    DbContext.runAs(context, () -> repository.markSent(n.id()));
                    sent++;
                }
            }
            if (batch.size() < BATCH) {
                return sent;
            }
        }
    }

    private boolean send(Notification n) {
        try {
            switch (n.channel()) {
                case "mail" -> mail.send(AccountMessages.mail(n, baseUrl));
                case "sms" -> sms.send(new SmsPort.Sms(n.recipient(),
                        "CareLedger: " + AccountMessages.link(baseUrl, n.linkToken())));
                default -> throw new IllegalArgumentException("no port for channel " + n.channel());
            }
            return true;
        } catch (RuntimeException e) {
            LOG.warn("Could not send {}; it is taken again within 10 minutes", n, e);
            return false;
        }
    }
}
