package com.careledger.billing;

import static com.careledger.billing.Bills.PRIYA_AT_SHREE;
import static com.careledger.billing.Bills.SHREE;
import static com.careledger.billing.Bills.SHREE_ADMIN;
import static com.careledger.billing.Bills.SANJEEVANI_FOLLOW_UP;
import static com.careledger.billing.Bills.addProduct;
import static com.careledger.billing.Bills.addService;
import static com.careledger.billing.Bills.bill;
import static com.careledger.billing.Bills.create;
import static com.careledger.billing.Bills.discount;
import static com.careledger.billing.Bills.line;
import static com.careledger.billing.Bills.lineDiscounts;
import static com.careledger.billing.Bills.product;
import static com.careledger.billing.Bills.service;
import static com.careledger.test.TestDatabase.ANIL_AT_SANJEEVANI;
import static com.careledger.test.TestDatabase.SANJEEVANI;
import static com.careledger.test.TestDatabase.SANJEEVANI_ADMIN;
import static com.careledger.test.TestDatabase.SANJEEVANI_CBC;
import static com.careledger.test.TestDatabase.SANJEEVANI_CONSULTATION;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.util.UUID;

import com.careledger.billing.Bills.Amounts;
import com.careledger.test.AppSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Worked examples of bill arithmetic (app.bill_line_amounts, app.recompute_bill), to the paisa: exempt services, goods
 * at 5, 12 and 18 % with one rounding per line (half up), the odd paisa of CGST/SGST, IGST across states, a bill
 * discount spread by largest remainder with ties, and snapshots of prices. Each example is worked by hand in its
 * comment. Each test rolls back.
 */
class BillTotalsTest {

    private AppSession app;

    @BeforeEach
    void open() throws SQLException {
        app = AppSession.open();
    }

    @AfterEach
    void rollBack() throws SQLException {
        app.close();
    }

    /** Consultation ₹500.00 × 1 and CBC ₹350.00 × 2, both exempt (SAC 9993, GST 0). */
    @Test
    void exemptServicesCarryNoTax() throws SQLException {
        app.as(SANJEEVANI_ADMIN, SANJEEVANI);
        UUID bill = create(app, SANJEEVANI, ANIL_AT_SANJEEVANI);
        UUID consultation = addService(app, bill, SANJEEVANI_CONSULTATION, 1);
        UUID cbc = addService(app, bill, SANJEEVANI_CBC, 2);

        assertThat(line(app, consultation)).isEqualTo(new Amounts(50000, 0, 50000, 0, 0, 0, 0, 50000));
        assertThat(line(app, cbc)).isEqualTo(new Amounts(70000, 0, 70000, 0, 0, 0, 0, 70000));
        assertThat(bill(app, bill)).isEqualTo(new Amounts(120000, 0, 120000, 0, 0, 0, 0, 120000));
        assertThat(app.string("select amount_due_paise from bills where id = ?", bill)).isEqualTo("120000");
        assertThat(app.strings("select hsn_sac_code || ' ' || gst_rate from bill_items where bill_id = ? order by line_no", bill))
                .containsExactly("999312 0.0000", "999316 0.0000");
    }

    /**
     * Goods at the counter, intra-state:
     * 3 × ₹105.50 at 5 %: 31 650 → GST 1 582.5 → 1 583 (half up) → CGST 792 + SGST 791 (odd paisa to CGST);
     * 2 × ₹47.25 at 12 %: 9 450 → 1 134 → 567 + 567;
     * 1 × ₹199.99 at 18 %: 19 999 → 3 599.82 → 3 600 → 1 800 + 1 800.
     * Bill: subtotal 61 099, GST 6 317 (CGST 3 159, SGST 3 158), total 67 416.
     */
    @Test
    void goodsAtFiveTwelveAndEighteenPercentAreTaxedPerLineRoundedHalfUpOnce() throws SQLException {
        app.as(SHREE_ADMIN, SHREE);
        UUID bill = create(app, SHREE, PRIYA_AT_SHREE);
        UUID five = addProduct(app, bill, product(app, SHREE, "Test five", 10550, "0.05"), 3);
        UUID twelve = addProduct(app, bill, product(app, SHREE, "Test twelve", 4725, "0.12"), 2);
        UUID eighteen = addProduct(app, bill, product(app, SHREE, "Test eighteen", 19999, "0.18"), 1);

        assertThat(line(app, five)).isEqualTo(new Amounts(31650, 0, 31650, 792, 791, 0, 1583, 33233));
        assertThat(line(app, twelve)).isEqualTo(new Amounts(9450, 0, 9450, 567, 567, 0, 1134, 10584));
        assertThat(line(app, eighteen)).isEqualTo(new Amounts(19999, 0, 19999, 1800, 1800, 0, 3600, 23599));
        assertThat(bill(app, bill)).isEqualTo(new Amounts(61099, 0, 61099, 3159, 3158, 0, 6317, 67416));
    }

    /**
     * The same goods with ₹10.00 off, spread in proportion to gross: 1000 × 31 650 / 61 099 = 518.01,
     * × 9 450 / 61 099 = 154.67, × 19 999 / 61 099 = 327.32 → floors 518 + 154 + 327 = 999; the one paisa left goes
     * to the largest remainder (line 2) → 518, 155, 327. Taxable 31 132, 9 295, 19 672; GST 1 556.6 → 1 557
     * (779 + 778), 1 115.4 → 1 115 (558 + 557), 3 540.96 → 3 541 (1 771 + 1 770). Bill: taxable 60 099, GST 6 213,
     * total 66 312.
     */
    @Test
    void aBillDiscountIsSpreadByLargestRemainderAndTaxedAfterIt() throws SQLException {
        app.as(SHREE_ADMIN, SHREE);
        UUID bill = create(app, SHREE, PRIYA_AT_SHREE);
        UUID five = addProduct(app, bill, product(app, SHREE, "Test five", 10550, "0.05"), 3);
        UUID twelve = addProduct(app, bill, product(app, SHREE, "Test twelve", 4725, "0.12"), 2);
        UUID eighteen = addProduct(app, bill, product(app, SHREE, "Test eighteen", 19999, "0.18"), 1);
        discount(app, bill, 1000);

        assertThat(lineDiscounts(app, bill)).containsExactly(518L, 155L, 327L);
        assertThat(line(app, five)).isEqualTo(new Amounts(31650, 518, 31132, 779, 778, 0, 1557, 32689));
        assertThat(line(app, twelve)).isEqualTo(new Amounts(9450, 155, 9295, 558, 557, 0, 1115, 10410));
        assertThat(line(app, eighteen)).isEqualTo(new Amounts(19999, 327, 19672, 1771, 1770, 0, 3541, 23213));
        assertThat(bill(app, bill)).isEqualTo(new Amounts(61099, 1000, 60099, 3108, 3105, 0, 6213, 66312));
    }

    /**
     * Ties: lines of ₹100, ₹300 and ₹100 with 3 paise off: exact shares 0.6, 1.8, 0.6 → floors 0, 1, 0; two paise
     * left; remainders 30 000, 40 000, 30 000 (of 50 000) → line 2 first, then lines 1 and 3 tie and the lower
     * line number wins → 1, 2, 0. Three equal lines with ₹1.00 off → 34, 33, 33.
     */
    @Test
    void remaindersThatTieGoToTheLowerLineNumber() throws SQLException {
        app.as(SANJEEVANI_ADMIN, SANJEEVANI);
        UUID hundred = service(app, SANJEEVANI, "TEST-100", 10000, "0");
        UUID bill = create(app, SANJEEVANI, ANIL_AT_SANJEEVANI);
        addService(app, bill, hundred, 1);
        addService(app, bill, SANJEEVANI_FOLLOW_UP, 1);
        addService(app, bill, hundred, 1);
        discount(app, bill, 3);
        assertThat(lineDiscounts(app, bill)).containsExactly(1L, 2L, 0L);
        assertThat(bill(app, bill)).isEqualTo(new Amounts(50000, 3, 49997, 0, 0, 0, 0, 49997));

        UUID equal = create(app, SANJEEVANI, ANIL_AT_SANJEEVANI);
        addService(app, equal, hundred, 1);
        addService(app, equal, hundred, 1);
        addService(app, equal, hundred, 1);
        discount(app, equal, 100);
        assertThat(lineDiscounts(app, equal)).containsExactly(34L, 33L, 33L);
        assertThat(bill(app, equal)).isEqualTo(new Amounts(30000, 100, 29900, 0, 0, 0, 0, 29900));
    }

    /** The spread follows every change: a removed line, a new quantity, a discount taken back. */
    @Test
    void theDiscountIsSpreadAgainWhenLinesChange() throws SQLException {
        app.as(SANJEEVANI_ADMIN, SANJEEVANI);
        UUID hundred = service(app, SANJEEVANI, "TEST-100", 10000, "0");
        UUID bill = create(app, SANJEEVANI, ANIL_AT_SANJEEVANI);
        UUID first = addService(app, bill, hundred, 1);
        UUID second = addService(app, bill, hundred, 1);
        discount(app, bill, 101);
        assertThat(lineDiscounts(app, bill)).containsExactly(51L, 50L);

        app.execute("select app.set_bill_line_quantity(?, 3)", second);  // 10 000 and 30 000: 25.25, 75.75
        assertThat(lineDiscounts(app, bill)).containsExactly(25L, 76L);
        app.execute("select app.remove_bill_line(?)", first);
        assertThat(lineDiscounts(app, bill)).containsExactly(101L);
        assertThat(bill(app, bill)).isEqualTo(new Amounts(30000, 101, 29899, 0, 0, 0, 0, 29899));
        discount(app, bill, 0);
        assertThat(bill(app, bill)).isEqualTo(new Amounts(30000, 0, 30000, 0, 0, 0, 0, 30000));
    }

    /**
     * Odd GST split: ₹0.10 at 18 % → 1.8 → 2 paise → 1 + 1; ₹0.15 at 18 % → 2.7 → 3 → CGST 2 + SGST 1;
     * ₹0.05 at 5 % → 0.25 → 0. Bill CGST 3, SGST 2.
     */
    @Test
    void anOddPaisaOfGstGoesToCgst() throws SQLException {
        app.as(SHREE_ADMIN, SHREE);
        UUID bill = create(app, SHREE, PRIYA_AT_SHREE);
        UUID even = addProduct(app, bill, product(app, SHREE, "Test ten paise", 10, "0.18"), 1);
        UUID odd = addProduct(app, bill, product(app, SHREE, "Test fifteen paise", 15, "0.18"), 1);
        UUID none = addProduct(app, bill, product(app, SHREE, "Test five paise", 5, "0.05"), 1);
        assertThat(line(app, even)).isEqualTo(new Amounts(10, 0, 10, 1, 1, 0, 2, 12));
        assertThat(line(app, odd)).isEqualTo(new Amounts(15, 0, 15, 2, 1, 0, 3, 18));
        assertThat(line(app, none)).isEqualTo(new Amounts(5, 0, 5, 0, 0, 0, 0, 5));
        assertThat(bill(app, bill)).isEqualTo(new Amounts(30, 0, 30, 3, 2, 0, 5, 35));
    }

    /**
     * Place of supply in Karnataka (29) for a Maharashtra (27) store: the 5/12/18 % example as IGST —
     * 1 583 + 1 134 + 3 600 = 6 317, no CGST or SGST; back to Maharashtra, the split returns.
     */
    @Test
    void aPlaceOfSupplyInAnotherStateMakesItIgst() throws SQLException {
        app.as(SHREE_ADMIN, SHREE);
        UUID bill = UUID.fromString(app.string("select app.create_bill(?, ?, null, '29')::text", SHREE, PRIYA_AT_SHREE));
        UUID five = addProduct(app, bill, product(app, SHREE, "Test five", 10550, "0.05"), 3);
        addProduct(app, bill, product(app, SHREE, "Test twelve", 4725, "0.12"), 2);
        addProduct(app, bill, product(app, SHREE, "Test eighteen", 19999, "0.18"), 1);

        assertThat(app.string("select intra_state from bills where id = ?", bill)).isEqualTo("f");
        assertThat(line(app, five)).isEqualTo(new Amounts(31650, 0, 31650, 0, 0, 1583, 1583, 33233));
        assertThat(bill(app, bill)).isEqualTo(new Amounts(61099, 0, 61099, 0, 0, 6317, 6317, 67416));

        app.execute("select app.set_bill_place_of_supply(?, '27')", bill);
        assertThat(bill(app, bill)).isEqualTo(new Amounts(61099, 0, 61099, 3159, 3158, 0, 6317, 67416));
    }

    @Test
    void thePlaceOfSupplyDefaultsToTheFacilitysState() throws SQLException {
        app.as(SANJEEVANI_ADMIN, SANJEEVANI);
        UUID bill = create(app, SANJEEVANI, ANIL_AT_SANJEEVANI);
        assertThat(app.string("select supplier_state_code || '/' || place_of_supply_state || '/' || intra_state from bills where id = ?",
                bill)).isEqualTo("27/27/true");
    }

    /** A line keeps the price, code and rate it was added with; a new line takes the new price. */
    @Test
    void linesSnapshotPriceCodeAndRate() throws SQLException {
        app.as(SANJEEVANI_ADMIN, SANJEEVANI);
        UUID bill = create(app, SANJEEVANI, ANIL_AT_SANJEEVANI);
        UUID before = addService(app, bill, SANJEEVANI_CONSULTATION, 1);
        app.update("update services set price_paise = 65000, hsn_sac_code = '999319', name = 'OPD consultation (new)' where id = ?",
                SANJEEVANI_CONSULTATION);
        UUID after = addService(app, bill, SANJEEVANI_CONSULTATION, 1);

        assertThat(app.string("select unit_price_paise || ' ' || hsn_sac_code || ' ' || description from bill_items where id = ?", before))
                .isEqualTo("50000 999312 OPD consultation");
        assertThat(app.string("select unit_price_paise || ' ' || hsn_sac_code || ' ' || description from bill_items where id = ?", after))
                .isEqualTo("65000 999319 OPD consultation (new)");
        assertThat(bill(app, bill).total()).isEqualTo(115000);
    }

    /** The demo's medical-store sale, as issued: the numbers a reader of docs/ledger.md can check by hand. */
    @Test
    void theDemoCounterSaleAddsUp() throws SQLException {
        app.as(SHREE_ADMIN, SHREE);
        assertThat(app.string("select bill_number from bills where facility_id = ? and status = 'issued'", SHREE))
                .matches("SMS/[0-9]{2}-[0-9]{2}/000001");
        assertThat(app.string("""
                select concat_ws(',', subtotal_paise, discount_paise, taxable_paise, cgst_paise, sgst_paise, total_paise)
                from bills where facility_id = ?""", SHREE)).isEqualTo("31586,1000,30586,2099,2098,34783");
    }
}
