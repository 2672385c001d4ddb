package com.careledger.core.db;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.HexFormat;
import java.util.UUID;

import org.flywaydb.core.api.callback.Callback;
import org.flywaydb.core.api.callback.Context;
import org.flywaydb.core.api.callback.Event;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * The job runner's secret: the proof with which the portal's jobs (partition upkeep, report refresh, the payment
 * webhook) enter their system principals. The database keeps only its SHA-256 digest ({@code app.system_keys}),
 * stored by the migrate step, which this Flyway callback is: after every migration it stores the digest under the
 * key id {@value #KEY_ID} with the migrating role, the only one allowed to. No role the portal connects as reads the
 * digest, and an injected statement cannot enter a system principal without the secret, which lives only in this
 * process.
 *
 * <p>{@code careledger.system-secret} sets it; when unset, each start makes a random one (a portal that migrates its
 * own database). Where a separate job migrates, give both the same secret.
 */
@Component
public class SystemSecret implements Callback {

    static final String KEY_ID = "portal";

    private final String secret;

    public SystemSecret(@Value("${careledger.system-secret:}") @Nullable String configured) {
        if (configured == null || configured.isBlank()) {
            byte[] random = new byte[32];
            new SecureRandom().nextBytes(random);
            this.secret = HexFormat.of().formatHex(random);
        } else if (configured.length() < 32) {
            throw new IllegalStateException("careledger.system-secret must be at least 32 characters");
        } else {
            this.secret = configured;
        }
    }

    /** The context of a system principal, for work off the request thread. */
    public DbContext contextOf(UUID systemPrincipal) {
        return new DbContext(systemPrincipal, null, secret);
    }

    /** The SHA-256 digest of a secret, as {@code app.token_digest} computes it. */
    public static byte[] digest(String secret) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public boolean supports(Event event, @Nullable Context context) {
        return event == Event.AFTER_MIGRATE;
    }

    @Override
    public boolean canHandleInTransaction(Event event, @Nullable Context context) {
        return true;
    }

    @Override
    public void handle(Event event, Context context) {
        try (PreparedStatement ps = context.getConnection().prepareStatement("select app.store_system_key(?, ?)")) {
            ps.setString(1, KEY_ID);
            ps.setBytes(2, digest(secret));
            ps.execute();
        } catch (SQLException e) {
            throw new IllegalStateException("Could not store the digest of the job runner's secret", e);
        }
    }

    @Override
    public String getCallbackName() {
        return "system-secret";
    }

    /** Never prints the secret. */
    @Override
    public String toString() {
        return "SystemSecret[hidden]";
    }
}
