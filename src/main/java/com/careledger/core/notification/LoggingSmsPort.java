package com.careledger.core.notification;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The default SMS port: writes every message, text included, to the log. */
public class LoggingSmsPort implements SmsPort {

    private static final Logger LOG = LoggerFactory.getLogger(LoggingSmsPort.class);

    @Override
    public void send(Sms sms) {
        LOG.info("SMS (not sent: written to the log) to {}: {}", sms.to(), sms.text());
    }
}
