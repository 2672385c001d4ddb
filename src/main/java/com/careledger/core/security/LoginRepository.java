package com.careledger.core.security;

import static org.jooq.Records.mapping;
import static org.jooq.impl.DSL.field;
import static org.jooq.impl.DSL.name;

import java.util.Optional;
import java.util.UUID;

import org.jooq.DSLContext;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/**
 * Sign-in lookup. There is no tenant context before sign-in, so it reads through the SECURITY DEFINER
 * function {@code app.find_login(email)} rather than the users table.
 */
@Repository
@Transactional(readOnly = true)
public class LoginRepository {

    private final DSLContext db;

    LoginRepository(DSLContext db) {
        this.db = db;
    }

    public Optional<CareLedgerUser> findByEmail(String email) {
        return db.select(field(name("l", "id"), UUID.class),
                        field(name("l", "email"), String.class),
                        field(name("l", "display_name"), String.class),
                        field(name("l", "password_hash"), String.class),
                        field(name("l", "role"), String.class),
                        field(name("l", "facility_id"), UUID.class),
                        field(name("l", "status"), String.class))
                .from("app.find_login(?) as l", email)
                .fetchOptional(mapping((id, mail, displayName, passwordHash, role, facility, status) ->
                        new CareLedgerUser(id, mail, displayName, CareLedgerUser.Role.of(role), facility, passwordHash,
                                "active".equals(status))));
    }
}
