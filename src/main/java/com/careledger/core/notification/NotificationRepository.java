package com.careledger.core.notification;

import static org.jooq.impl.DSL.field;
import static org.jooq.impl.DSL.name;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

import org.jooq.DSLContext;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/**
 * The notification sender's two calls, each a transaction of its own that must run as the notification-sender
 * principal: {@code app.take_notifications} (the database looks each request's account up and makes its link, whose
 * token it returns only here) and {@code app.mark_notification_sent}.
 */
@Repository
@Transactional
public class NotificationRepository {

    /**
     * A message to compose and send.
     *
     * @param kind          invitation, sign_up, password_reset or already_registered
     * @param channel       mail or sms
     * @param facilityName  the facility of an invited admin or staff member, else null
     * @param linkToken     the token of the link the message carries (it sets a password); never logged
     */
    public record Notification(UUID id, String kind, String channel, String recipient, String displayName,
                               @Nullable String facilityName, String linkToken, OffsetDateTime linkExpiresAt) {

        /** Never prints the link's token. */
        @Override
        public String toString() {
            return "Notification[id=" + id + ", kind=" + kind + ", channel=" + channel + ", to=" + recipient + "]";
        }
    }

    private final DSLContext db;

    NotificationRepository(DSLContext db) {
        this.db = db;
    }

    /** Takes up to {@code limit} messages; each is taken once (again only if not marked sent within 10 minutes). */
    public List<Notification> take(int limit) {
        return db.select(field(name("n", "id"), UUID.class),
                        field(name("n", "kind"), String.class),
                        field(name("n", "channel"), String.class),
                        field(name("n", "recipient"), String.class),
                        field(name("n", "display_name"), String.class),
                        field(name("n", "facility_name"), String.class),
                        field(name("n", "link_token"), String.class),
                        field(name("n", "link_expires_at"), OffsetDateTime.class))
                .from("app.take_notifications(?) as n", limit)
                .fetch(r -> new Notification(r.value1(), r.value2(), r.value3(), r.value4(), r.value5(), r.value6(),
                        r.value7(), r.value8()));
    }

    /** Marks a taken message sent; false if it was not taken or is finished already. */
    public boolean markSent(UUID id) {
        return Boolean.TRUE.equals(db.fetchValue("select app.mark_notification_sent(?)", id));
    }
}
