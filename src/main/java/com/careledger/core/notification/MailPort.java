package com.careledger.core.notification;

/**
 * Where mail goes. The default ({@link LoggingMailPort}) writes it to the log; a deployment that sends real mail
 * provides a bean of its own. {@link #send} returns once the message is accepted for delivery and throws when it is
 * not (the sender then tries again later).
 */
public interface MailPort {

    /** One plain-text mail. */
    record Mail(String to, String subject, String body) {

        /** Never prints the body: it may carry a link that sets a password. */
        @Override
        public String toString() {
            return "Mail[to=" + to + ", subject=" + subject + "]";
        }
    }

    void send(Mail mail);
}
