package com.careledger.patient;

import static com.careledger.test.TestDatabase.ANIL_CARD_NUMBER;
import static com.careledger.test.TestDatabase.RAHUL_CARD_NUMBER;
import static com.careledger.test.TestDatabase.SUNITA_CARD_NUMBER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import com.careledger.test.AppSession;
import com.careledger.test.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Health card numbers: 16 digits, a leading 8, a Verhoeff check digit, checked by the database and
 * cross-checked here against an independent Java implementation of Verhoeff.
 */
class HealthCardNumberTest {

    private AppSession tx;

    @BeforeEach
    void open() throws SQLException {
        tx = AppSession.open();
    }

    @AfterEach
    void rollBack() throws SQLException {
        tx.close();
    }

    @Test
    void theDemoCardNumbersAreValid() throws SQLException {
        for (String number : List.of(ANIL_CARD_NUMBER, SUNITA_CARD_NUMBER, RAHUL_CARD_NUMBER)) {
            assertThat(valid(number)).as(number).isTrue();
            assertThat(Verhoeff.isValid(number)).as(number).isTrue();
        }
    }

    @Test
    void spacesAndHyphensAsPrintedAreIgnored() throws SQLException {
        assertThat(valid("8026 1200 0000 1018")).isTrue();
        assertThat(valid("8026-1200-0000-1018")).isTrue();
    }

    @Test
    void everySingleDigitErrorIsCaught() throws SQLException {
        List<String> typos = new ArrayList<>();
        for (int position = 0; position < ANIL_CARD_NUMBER.length(); position++) {
            for (char digit = '0'; digit <= '9'; digit++) {
                if (ANIL_CARD_NUMBER.charAt(position) != digit) {
                    typos.add(ANIL_CARD_NUMBER.substring(0, position) + digit + ANIL_CARD_NUMBER.substring(position + 1));
                }
            }
        }
        assertThat(typos).hasSize(16 * 9);
        assertThat(validAmong(typos)).isEmpty();
    }

    @Test
    void everySwapOfAdjacentDigitsIsCaught() throws SQLException {
        List<String> numbers = new ArrayList<>(List.of(ANIL_CARD_NUMBER, SUNITA_CARD_NUMBER, RAHUL_CARD_NUMBER));
        numbers.addAll(tx.strings("select app.new_card_number() from generate_series(1, 50)"));
        List<String> swaps = new ArrayList<>();
        for (String number : numbers) {
            for (int i = 0; i + 1 < number.length(); i++) {
                if (number.charAt(i) != number.charAt(i + 1)) {
                    swaps.add(number.substring(0, i) + number.charAt(i + 1) + number.charAt(i) + number.substring(i + 2));
                }
            }
        }
        assertThat(swaps).hasSizeGreaterThan(500);
        assertThat(validAmong(swaps)).isEmpty();
    }

    @Test
    void wrongLengthWrongPrefixAndNonDigitsAreInvalid() throws SQLException {
        for (String bad : List.of("", "802612000000101", "80261200000010180", "7026120000001011", "80261200000010a8", "8026 1200 0000 101X")) {
            assertThat(valid(bad)).as("'%s'", bad).isFalse();
        }
        assertThat(tx.string("select app.card_number_is_valid(null)::text")).isEqualTo("false");
    }

    @Test
    void newCardNumbersAreRandomValidAndAgreeWithJava() throws SQLException {
        List<String> numbers = tx.strings("select app.new_card_number() from generate_series(1, 500)");
        assertThat(numbers).allSatisfy(n -> {
            assertThat(n).matches("8[0-9]{15}");
            assertThat(Verhoeff.isValid(n)).as(n).isTrue();
        });
        assertThat(numbers).doesNotHaveDuplicates();
    }

    @Test
    void theDatabaseAndJavaComputeTheSameCheckDigits() throws SQLException {
        List<List<String>> rows = tx.table("""
                select n, app.verhoeff_check_digit(n)
                from (select lpad((i * 7919 + 12345)::text, 15, '8') as n from generate_series(1, 300) i) s""");
        assertThat(rows).allSatisfy(row -> assertThat(row.get(1)).as(row.getFirst())
                .isEqualTo(String.valueOf(Verhoeff.checkDigit(row.getFirst()))));
    }

    @Test
    void aadhaarUsesTheSameCheckDigit() throws SQLException {
        // 2341 2341 2346 is the usual Verhoeff-valid sample Aadhaar number
        assertThat(tx.bool("select app.national_id_is_valid('aadhaar', '234123412346')")).isTrue();
        assertThat(tx.bool("select app.national_id_is_valid('aadhaar', '234123412345')")).isFalse();
        assertThat(tx.bool("select app.national_id_is_valid('aadhaar', '134123412346')")).as("starts with 1").isFalse();
    }

    @Test
    void theTableRefusesAnInvalidNumberEvenFromTheDefinerRole() throws SQLException {
        // the app role cannot insert cards at all; the check constraint holds for the role that can
        try (Connection c = TestDatabase.connectAsSuperuser(); Statement st = c.createStatement()) {
            c.setAutoCommit(false);
            st.execute("set local role careledger_definer");
            assertThatThrownBy(() -> st.execute(
                    "insert into health_cards (card_number, holder_name) values ('8026120000001019', 'Typo')"))
                    .hasMessageContaining("health_cards_card_number_check");
            c.rollback();
        }
    }

    private boolean valid(String number) throws SQLException {
        return tx.bool("select app.card_number_is_valid(?)", number);
    }

    private List<String> validAmong(List<String> numbers) throws SQLException {
        return tx.strings("select n from unnest(?::text[]) n where app.card_number_is_valid(n)",
                (Object) numbers.toArray(String[]::new));
    }

    /** Verhoeff's check digit, written from the published tables, independently of the SQL. */
    static final class Verhoeff {
        private static final int[][] D = {
            {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, {1, 2, 3, 4, 0, 6, 7, 8, 9, 5}, {2, 3, 4, 0, 1, 7, 8, 9, 5, 6},
            {3, 4, 0, 1, 2, 8, 9, 5, 6, 7}, {4, 0, 1, 2, 3, 9, 5, 6, 7, 8}, {5, 9, 8, 7, 6, 0, 4, 3, 2, 1},
            {6, 5, 9, 8, 7, 1, 0, 4, 3, 2}, {7, 6, 5, 9, 8, 2, 1, 0, 4, 3}, {8, 7, 6, 5, 9, 3, 2, 1, 0, 4},
            {9, 8, 7, 6, 5, 4, 3, 2, 1, 0}};
        private static final int[][] P = {
            {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, {1, 5, 7, 6, 2, 8, 3, 0, 9, 4}, {5, 8, 0, 3, 7, 9, 6, 1, 4, 2},
            {8, 9, 1, 6, 0, 4, 3, 5, 2, 7}, {9, 4, 5, 3, 1, 2, 6, 8, 7, 0}, {4, 2, 8, 6, 5, 7, 3, 9, 0, 1},
            {2, 7, 9, 3, 8, 0, 6, 4, 1, 5}, {7, 0, 4, 6, 9, 1, 3, 2, 5, 8}};
        private static final int[] INV = {0, 4, 3, 2, 1, 5, 6, 7, 8, 9};

        static int checkDigit(String digits) {
            int c = 0;
            for (int i = 0; i < digits.length(); i++) {
                c = D[c][P[(i + 1) % 8][digits.charAt(digits.length() - 1 - i) - '0']];
            }
            return INV[c];
        }

        static boolean isValid(String number) {
            int c = 0;
            for (int i = 0; i < number.length(); i++) {
                c = D[c][P[i % 8][number.charAt(number.length() - 1 - i) - '0']];
            }
            return c == 0;
        }
    }
}
