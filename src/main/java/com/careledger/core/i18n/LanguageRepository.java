package com.careledger.core.i18n;

import static org.jooq.impl.DSL.field;
import static org.jooq.impl.DSL.name;
import static org.jooq.impl.DSL.table;

import java.util.Optional;

import org.jooq.DSLContext;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/** The signed-in person's own language choice, kept on their sign-in (users.language) by the database. */
@Repository
@Transactional
public class LanguageRepository {

    private final DSLContext db;

    LanguageRepository(DSLContext db) {
        this.db = db;
    }

    /** What the signed-in person chose; empty when they never chose. */
    @Transactional(readOnly = true)
    public Optional<Language> mine() {
        return db.select(field(name("language"), String.class))
                .from(table(name("users")))
                .where("id = app.current_user_id()")
                .fetchOptional(0, String.class)
                .flatMap(Language::ofCode);
    }

    /** Keeps the choice on the signed-in person's sign-in. */
    public void setMine(Language language) {
        db.execute("select app.set_my_language(?)", language.code());
    }
}
