package com.careledger.core.notification;

/**
 * Where text messages go. The default ({@link LoggingSmsPort}) writes them to the log; a deployment with an SMS
 * gateway provides a bean of its own. {@link #send} throws when the message is not accepted.
 */
public interface SmsPort {

    /** One text message to a mobile number. */
    record Sms(String to, String text) {

        /** Never prints the text: it may carry a one-time code. */
        @Override
        public String toString() {
            return "Sms[to=" + to + "]";
        }
    }

    void send(Sms sms);
}
