package com.careledger.core.security;

import java.util.Collection;
import java.util.List;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.userdetails.UserDetails;

/**
 * The signed-in user: who they are, their role, the facility they belong to (none for the super admin and for
 * patients), and the token of the session {@code app.sign_in} opened, which the database demands for every
 * transaction of this user ({@code app.set_current_user}). The database context of every transaction is taken from
 * it. The portal never holds the password's hash.
 */
public record CareLedgerUser(UUID id, String email, String displayName, Role role,
                             @Nullable UUID facilityId, String sessionToken)
        implements UserDetails {

    /** Roles as the database names them; each grants the Spring authority ROLE_&lt;NAME&gt;. */
    public enum Role {
        SUPER_ADMIN, FACILITY_ADMIN, STAFF, PATIENT;

        public static Role of(String dbName) {
            return valueOf(dbName.toUpperCase(java.util.Locale.ROOT));
        }
    }

    @Override
    public Collection<? extends GrantedAuthority> getAuthorities() {
        return List.of(new SimpleGrantedAuthority("ROLE_" + role.name()));
    }

    /** The password is checked by the database; the portal keeps none. */
    @Override
    public @Nullable String getPassword() {
        return null;
    }

    @Override
    public String getUsername() {
        return email;
    }

    /** Never prints the token. */
    @Override
    public String toString() {
        return "CareLedgerUser[" + email + ", " + role + "]";
    }
}
