package com.careledger.billing;

import static com.careledger.billing.Bills.PRIYA_AT_SHREE;
import static com.careledger.billing.Bills.SHREE;
import static com.careledger.billing.Bills.SHREE_ADMIN;
import static com.careledger.billing.Bills.SHREE_PARACETAMOL;
import static com.careledger.billing.Bills.addService;
import static com.careledger.billing.Bills.bill;
import static com.careledger.billing.Bills.create;
import static com.careledger.billing.Bills.discount;
import static com.careledger.test.TestDatabase.ANIL_AT_SANJEEVANI;
import static com.careledger.test.TestDatabase.SANJEEVANI;
import static com.careledger.test.TestDatabase.SANJEEVANI_ADMIN;
import static com.careledger.test.TestDatabase.SANJEEVANI_CBC;
import static com.careledger.test.TestDatabase.SANJEEVANI_CONSULTATION;
import static com.careledger.test.TestDatabase.SUPER_ADMIN;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.util.UUID;

import com.careledger.billing.Bills.Amounts;
import com.careledger.test.AppSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Bad input gets a clear error and changes nothing (R__0007_billing.sql): quantities, discounts, empty and free bills,
 * prices above MRP, lines that are both or neither, services no longer offered, facilities that cannot bill.
 * Each test rolls back.
 */
class BillInputTest {

    private static final String CHECK = "23514";

    private AppSession app;
    private UUID bill;
    private UUID line;

    @BeforeEach
    void open() throws SQLException {
        app = AppSession.open().as(SANJEEVANI_ADMIN, SANJEEVANI);
        bill = create(app, SANJEEVANI, ANIL_AT_SANJEEVANI);
        line = addService(app, bill, SANJEEVANI_CONSULTATION, 1);
    }

    @AfterEach
    void rollBack() throws SQLException {
        app.close();
    }

    private Amounts unchanged() throws SQLException {
        return new Amounts(50000, 0, 50000, 0, 0, 0, 0, 50000);
    }

    @Test
    void quantitiesAreWholeUnitsFromOneToOneHundredThousand() throws SQLException {
        for (int quantity : new int[] {0, -1, 100001}) {
            assertThat(app.failure("select app.add_bill_service(?, ?, ?)", bill, SANJEEVANI_CBC, quantity))
                    .hasMessageContaining("quantity must be a whole number from 1 to 100000 (got " + quantity + ")")
                    .extracting(e -> ((SQLException) e).getSQLState()).isEqualTo(CHECK);
            assertThat(app.sqlFailure("select app.set_bill_line_quantity(?, ?)", line, quantity).getSQLState()).isEqualTo(CHECK);
        }
        assertThat(app.failure("select app.add_bill_service(?, ?, null)", bill, SANJEEVANI_CBC))
                .hasMessageContaining("(got none)");
        assertThat(app.count("select count(*) from bill_items where bill_id = ?", bill)).isEqualTo(1);
        assertThat(bill(app, bill)).isEqualTo(unchanged());
    }

    @Test
    void aDiscountIsNeverNegativeNorAboveTheSubtotal() throws SQLException {
        assertThat(app.failure("select app.set_bill_discount(?, -1)", bill)).hasMessageContaining("a discount is 0 or more paise")
                .extracting(e -> ((SQLException) e).getSQLState()).isEqualTo(CHECK);
        assertThat(app.failure("select app.set_bill_discount(?, 50001)", bill))
                .hasMessageContaining("the bill discount (50001 paise) would exceed its subtotal (50000 paise)");
        // written by hand, the table's own checks refuse the same
        assertThat(app.sqlFailure("update bills set discount_paise = 50001 where id = ?", bill).getMessage())
                .containsAnyOf("bills_discount_within_subtotal", "bills_taxable_paise_check");
        assertThat(app.failure("update bills set discount_paise = -5 where id = ?", bill)).hasMessageContaining("bills_discount_paise_check");
        assertThat(bill(app, bill)).isEqualTo(unchanged());

        // the whole subtotal may be discounted in a draft, but then the line cannot go
        discount(app, bill, 50000);
        assertThat(app.failure("select app.remove_bill_line(?)", line)).hasMessageContaining("would exceed its subtotal (0 paise)");
        assertThat(app.count("select count(*) from bill_items where bill_id = ?", bill)).isEqualTo(1);
    }

    @Test
    void aBillWithoutLinesOrWithNothingToPayIsNotIssued() throws SQLException {
        String counters = app.string("select coalesce(string_agg(last_number::text, ','), '') from document_counters");
        UUID empty = create(app, SANJEEVANI, ANIL_AT_SANJEEVANI);
        assertThat(app.failure("select app.issue_bill(?)", empty)).hasMessageContaining("a bill without lines cannot be issued");

        // a service offered for free (zero price) bills nothing: no tax invoice for 0
        UUID free = Bills.service(app, SANJEEVANI, "FREE-CAMP", 0, "0");
        UUID freeBill = create(app, SANJEEVANI, ANIL_AT_SANJEEVANI);
        addService(app, freeBill, free, 3);
        assertThat(bill(app, freeBill).total()).isZero();
        assertThat(app.failure("select app.issue_bill(?)", freeBill)).hasMessageContaining("a bill with a total of 0 cannot be issued");
        // nor a bill discounted to nothing
        discount(app, bill, 50000);
        assertThat(app.failure("select app.issue_bill(?)", bill)).hasMessageContaining("a bill with a total of 0 cannot be issued");

        assertThat(app.string("select coalesce(string_agg(last_number::text, ','), '') from document_counters")).isEqualTo(counters);
        assertThat(app.count("select count(*) from bills where id in (?, ?, ?) and status = 'draft'", empty, freeBill, bill)).isEqualTo(3);
    }

    @Test
    void aLineIsAServiceOrAProductNeverBothOrNeither() throws SQLException {
        assertThat(app.failure("insert into bill_items (facility_id, bill_id, quantity) values (?, ?, 1)", SANJEEVANI, bill))
                .hasMessageContaining("a bill line is either a service or a product");
        assertThat(app.failure("insert into bill_items (facility_id, bill_id, service_id, product_id, quantity) values (?, ?, ?, ?, 1)",
                SANJEEVANI, bill, SANJEEVANI_CBC, SHREE_PARACETAMOL)).hasMessageContaining("a bill line is either a service or a product");
        assertThat(app.count("select count(*) from bill_items where bill_id = ?", bill)).isEqualTo(1);
    }

    @Test
    void aServiceNoLongerOfferedCannotBeBilled() throws SQLException {
        app.update("update services set active = false where id = ?", SANJEEVANI_CBC);
        assertThat(app.failure("select app.add_bill_service(?, ?, 1)", bill, SANJEEVANI_CBC))
                .hasMessageContaining("Complete blood count (CBC) is no longer offered");
    }

    @Test
    void aLineKeepsWhatItWasAddedWith() throws SQLException {
        // the app role may change only the quantity of a line, and never a bill's patient (triggers guard the rest)
        assertThat(app.sqlFailure("update bill_items set service_id = ? where id = ?", SANJEEVANI_CBC, line).getSQLState())
                .isEqualTo("42501");
        assertThat(app.sqlFailure("update bills set patient_id = ? where id = ?", ANIL_AT_SANJEEVANI, bill).getSQLState())
                .isEqualTo("42501");
    }

    @Test
    void aProductsPriceWithGstNeverExceedsItsMrp() throws SQLException {
        app.as(SHREE_ADMIN, SHREE);
        String insert = "insert into products (facility_id, name, hsn_code, gst_rate, price_paise, mrp_paise) values (?, ?, '3004', 0.12, ?, ?)";
        // 10 000 × 1.12 = 11 200: an MRP of 11 200 is fine, 11 199 is not
        app.execute(insert, SHREE, "At MRP", 10000L, 11200L);
        assertThat(app.failure(insert, SHREE, "Above MRP", 10000L, 11199L)).hasMessageContaining("products_price_within_mrp");
        assertThat(app.failure(insert, SHREE, "Negative", -1L, 0L)).hasMessageContaining("products_price_paise_check");
        assertThat(app.failure("insert into products (facility_id, name, hsn_code, gst_rate, price_paise, mrp_paise) "
                + "values (?, 'Bad HSN', '30A4', 0.05, 100, 200)", SHREE)).hasMessageContaining("products_hsn_code_check");
        assertThat(app.count("select count(*) from products where facility_id = ? and name = 'At MRP'", SHREE)).isEqualTo(1);
    }

    @Test
    void aQuantityOfGoodsAtMrpStaysWithinQuantityTimesMrp() throws SQLException {
        app.as(SHREE_ADMIN, SHREE);
        // 3 × ₹32.00 at 5 % with MRP ₹33.60: 9 600 + 480 = 10 080 = 3 × 3 360
        UUID sale = create(app, SHREE, PRIYA_AT_SHREE);
        Bills.addProduct(app, sale, SHREE_PARACETAMOL, 3);
        assertThat(bill(app, sale)).isEqualTo(new Amounts(9600, 0, 9600, 240, 240, 0, 480, 10080));
    }

    @Test
    void aFacilityWithoutAGstStateCannotBill() throws SQLException {
        UUID navjeevan = UUID.fromString("0b5a0c8e-4a57-4f43-9b1e-1f6d2a1c0004");
        app.as(SUPER_ADMIN, navjeevan);
        assertThat(app.failure("select app.create_bill(?, ?)", navjeevan, ANIL_AT_SANJEEVANI))
                .hasMessageContaining("the facility has no GST state code: set it before billing");
        app.as(SANJEEVANI_ADMIN, SANJEEVANI);
        assertThat(app.failure("select app.create_bill(?, ?, null, 'KA')", SANJEEVANI, ANIL_AT_SANJEEVANI))
                .hasMessageContaining("bills_place_of_supply_state_check");
    }
}
