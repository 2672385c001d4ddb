package com.careledger.core.notification;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The default mail port: writes every mail, body included, to the log. In development that is how an invitation or
 * a password-reset link reaches its reader, so the log then holds links that set passwords: a deployment that
 * serves real people provides a {@link MailPort} that sends mail.
 */
public class LoggingMailPort implements MailPort {

    private static final Logger LOG = LoggerFactory.getLogger(LoggingMailPort.class);

    @Override
    public void send(Mail mail) {
        LOG.info("Mail (not sent: written to the log) to {}\nSubject: {}\n\n{}", mail.to(), mail.subject(), mail.body());
    }
}
