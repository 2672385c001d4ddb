package com.careledger.core.notification;

import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

import com.careledger.core.notification.NotificationRepository.Notification;

/**
 * The words of the account messages: an invitation, a sign-up confirmation, a password reset and "you already have
 * an account", each with its link ({@code <base URL>/set-password/<token>}) and when it stops working (in IST).
 */
final class AccountMessages {

    private static final DateTimeFormatter UNTIL =
            DateTimeFormatter.ofPattern("d MMM yyyy, HH:mm 'IST'", Locale.ENGLISH).withZone(ZoneId.of("Asia/Kolkata"));

    private AccountMessages() {
    }

    /** The address of the page that takes the link's new password. */
    static String link(String baseUrl, String token) {
        return stripSlash(baseUrl) + "/set-password/" + token;
    }

    static MailPort.Mail mail(Notification n, String baseUrl) {
        String link = link(baseUrl, n.linkToken());
        String until = UNTIL.format(n.linkExpiresAt());
        String signIn = stripSlash(baseUrl) + "/login";
        return switch (n.kind()) {
            case "invitation" -> new MailPort.Mail(n.recipient(), "You are invited to CareLedger", """
                    Hello %s,

                    You have been given a CareLedger sign-in%s. Choose your password here:

                    %s

                    The link works once, until %s. Then sign in at %s with this email address.
                    If you did not expect this message, you can ignore it.
                    """.formatted(n.displayName(), n.facilityName() == null ? "" : " at " + n.facilityName(), link,
                    until, signIn));
            case "sign_up" -> new MailPort.Mail(n.recipient(), "Finish creating your CareLedger account", """
                    Hello %s,

                    To finish creating your patient account, choose your password here:

                    %s

                    The link works once, until %s.
                    If you did not ask for an account, you can ignore this message: nothing is made without it.
                    """.formatted(n.displayName(), link, until));
            case "password_reset" -> new MailPort.Mail(n.recipient(), "Set a new CareLedger password", """
                    Hello %s,

                    Someone asked to set a new password for your CareLedger sign-in. If it was you, choose it here:

                    %s

                    The link works once, until %s. Setting a new password signs you out everywhere.
                    If it was not you, ignore this message: your password stays as it is.
                    """.formatted(n.displayName(), link, until));
            case "already_registered" -> new MailPort.Mail(n.recipient(), "You already have a CareLedger account", """
                    Hello %s,

                    Someone asked to create a CareLedger account with this email address, but it has one already.
                    Sign in at %s. If you have forgotten your password, set a new one here:

                    %s

                    The link works once, until %s. If you did not ask, ignore this message: nothing changes.
                    """.formatted(n.displayName(), signIn, link, until));
            default -> throw new IllegalArgumentException("no words for a message of kind " + n.kind());
        };
    }

    private static String stripSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
