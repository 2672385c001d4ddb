package com.careledger.core.security;

import java.util.Collection;
import java.util.List;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.userdetails.UserDetails;

/**
 * The signed-in user: who they are, their role, and the facility they belong to (none for the super
 * admin and for patients). The database context of every transaction is taken from it.
 */
public record CareLedgerUser(UUID id, String email, String displayName, Role role,
                             @Nullable UUID facilityId, String passwordHash, boolean active)
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

    @Override
    public String getPassword() {
        return passwordHash;
    }

    @Override
    public String getUsername() {
        return email;
    }

    @Override
    public boolean isEnabled() {
        return active;
    }

    /** Never print the hash. */
    @Override
    public String toString() {
        return "CareLedgerUser[" + email + ", " + role + "]";
    }
}
