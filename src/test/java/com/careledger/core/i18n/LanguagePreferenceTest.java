package com.careledger.core.i18n;

import static com.careledger.test.TestDatabase.PATIENT_ANIL;
import static com.careledger.test.TestDatabase.SANJEEVANI;
import static com.careledger.test.TestDatabase.SANJEEVANI_BILLING;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;

import com.careledger.test.AppSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A person's language choice, as the app's own roles: kept on their own sign-in only through app.set_my_language,
 * which takes English or Hindi and nothing else, and only from someone signed in. Rolled back after each test.
 */
class LanguagePreferenceTest {

    private AppSession app;

    @BeforeEach
    void open() throws SQLException {
        app = AppSession.open();
    }

    @AfterEach
    void close() throws SQLException {
        app.close();
    }

    @Test
    void aSignedInPersonKeepsTheirOwnChoice() throws SQLException {
        app.as(SANJEEVANI_BILLING, SANJEEVANI);
        assertThat(app.string("select coalesce(language, 'none') from users where id = app.current_user_id()")).isEqualTo("none");
        app.execute("select app.set_my_language('hi')");
        assertThat(app.string("select language from users where id = app.current_user_id()")).isEqualTo("hi");

        app.as(PATIENT_ANIL, null);
        app.execute("select app.set_my_language('en')");
        assertThat(app.string("select language from users where id = app.current_user_id()")).isEqualTo("en");
    }

    @Test
    void anotherLanguageNobodySignedInOrAWriteOfTheColumnChangeNothing() throws SQLException {
        app.as(SANJEEVANI_BILLING, SANJEEVANI);
        assertThat(app.sqlFailure("select app.set_my_language('fr')").getSQLState()).isEqualTo("22023");
        assertThat(app.sqlFailure("select app.set_my_language(null)").getSQLState()).isEqualTo("22023");
        assertThat(app.sqlFailure("update users set language = 'hi' where id = app.current_user_id()").getMessage())
                .contains("permission denied");
        assertThat(app.string("select coalesce(language, 'none') from users where id = app.current_user_id()")).isEqualTo("none");

        app.as(null, null);
        assertThat(app.sqlFailure("select app.set_my_language('hi')").getSQLState()).isEqualTo("28000");
    }
}
