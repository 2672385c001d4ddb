/**
 * Messages the portal sends: the mail and SMS ports ({@link com.careledger.core.notification.MailPort},
 * {@link com.careledger.core.notification.SmsPort}), whose default implementations write each message to the log, and
 * the notification sender job, which takes the messages the database queued (invitations, sign-up and password-reset
 * links) and hands them to the ports.
 */
@NullMarked
package com.careledger.core.notification;

import org.jspecify.annotations.NullMarked;
