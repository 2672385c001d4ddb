package com.careledger.billing;

import java.sql.SQLException;
import java.util.List;
import java.util.UUID;

import com.careledger.test.AppSession;

/**
 * The portal's calls on bills (app.create_bill, app.add_bill_service, app.issue_bill and the rest) as tests make them,
 * and the amounts the database computed, in paise. Fixture ids beyond {@code TestDatabase}: the demo data of Shree
 * Medical Store and the demo bills.
 */
final class Bills {

    static final UUID SHREE = UUID.fromString("0b5a0c8e-4a57-4f43-9b1e-1f6d2a1c0005");
    static final UUID SHREE_ADMIN = UUID.fromString("5e1f7d2a-8c3b-4d6e-a1f0-2b3c4d5e0b01");
    static final UUID PRIYA_AT_SHREE = UUID.fromString("9c4d1b2a-0000-4000-a000-000000000501");
    static final UUID SHREE_PARACETAMOL = UUID.fromString("d1e2f3a4-0000-4000-c000-000000000501");
    static final UUID PRECISION_ADMIN = UUID.fromString("5e1f7d2a-8c3b-4d6e-a1f0-2b3c4d5e0004");
    static final UUID PRECISION_CBC = UUID.fromString("c5e7a1b0-0000-4000-b000-000000000301");
    static final UUID SANJEEVANI_FOLLOW_UP = UUID.fromString("c5e7a1b0-0000-4000-b000-000000000102");
    static final UUID SANJEEVANI_XRAY = UUID.fromString("c5e7a1b0-0000-4000-b000-000000000104");
    /** Demo: Anil's issued bill at Sanjeevani (consultation + CBC, for today's appointment). */
    static final UUID ANIL_ISSUED_BILL = UUID.fromString("b1110000-0000-4000-8000-000000000101");
    /** Demo: Sunita's issued bill at Sanjeevani. */
    static final UUID SUNITA_ISSUED_BILL = UUID.fromString("b1110000-0000-4000-8000-000000000102");
    /** Demo: Anil's draft bill at Sanjeevani. */
    static final UUID ANIL_DRAFT_BILL = UUID.fromString("b1110000-0000-4000-8000-000000000103");
    /** Demo: Anil's appointment at Sanjeevani today. */
    static final UUID ANIL_TODAY_AT_SANJEEVANI = UUID.fromString("a9900000-0000-4000-8000-000000000101");

    private Bills() {
    }

    /** Amounts of a bill or a line, in paise. */
    record Amounts(long gross, long discount, long taxable, long cgst, long sgst, long igst, long tax, long total) {
    }

    static UUID create(AppSession app, UUID facility, UUID patient) throws SQLException {
        return UUID.fromString(app.string("select app.create_bill(?, ?)::text", facility, patient));
    }

    static UUID addService(AppSession app, UUID bill, UUID service, int quantity) throws SQLException {
        return UUID.fromString(app.string("select app.add_bill_service(?, ?, ?)::text", bill, service, quantity));
    }

    static UUID addProduct(AppSession app, UUID bill, UUID product, int quantity) throws SQLException {
        return UUID.fromString(app.string("select app.add_bill_product(?, ?, ?)::text", bill, product, quantity));
    }

    static void discount(AppSession app, UUID bill, long paise) throws SQLException {
        app.execute("select app.set_bill_discount(?, ?)", bill, paise);
    }

    static String issue(AppSession app, UUID bill) throws SQLException {
        return app.string("select app.issue_bill(?)", bill);
    }

    /** A service of the facility, made by its admin for this transaction (exempt unless a rate is given). */
    static UUID service(AppSession app, UUID facility, String code, long pricePaise, String gstRate) throws SQLException {
        return UUID.fromString(app.string("""
                insert into services (facility_id, code, name, category, price_paise, hsn_sac_code, gst_rate)
                values (?, ?, ?, 'procedure', ?, '999312', ?::numeric) returning id""",
                facility, code, "Test " + code, pricePaise, gstRate));
    }

    /** A product of the facility, made by its admin for this transaction; MRP just covers price with GST. */
    static UUID product(AppSession app, UUID facility, String name, long pricePaise, String gstRate) throws SQLException {
        return UUID.fromString(app.string("""
                insert into products (facility_id, name, hsn_code, gst_rate, price_paise, mrp_paise, unit)
                values (?, ?, '30049099', ?::numeric, ?, ceil(?::numeric * (1 + ?::numeric)), 'strip') returning id""",
                facility, name, gstRate, pricePaise, pricePaise, gstRate));
    }

    static Amounts bill(AppSession app, UUID bill) throws SQLException {
        return amounts(app, "select concat_ws(',', subtotal_paise, discount_paise, taxable_paise, cgst_paise, sgst_paise, "
                + "igst_paise, tax_paise, total_paise) from bills where id = ?", bill);
    }

    static Amounts line(AppSession app, UUID line) throws SQLException {
        return amounts(app, "select concat_ws(',', gross_paise, discount_paise, taxable_paise, cgst_paise, sgst_paise, "
                + "igst_paise, tax_paise, total_paise) from bill_items where id = ?", line);
    }

    static List<Long> lineDiscounts(AppSession app, UUID bill) throws SQLException {
        return app.strings("select discount_paise from bill_items where bill_id = ? order by line_no", bill).stream()
                .map(Long::valueOf).toList();
    }

    private static Amounts amounts(AppSession app, String select, UUID id) throws SQLException {
        String[] v = app.string(select, id).split(",");
        return new Amounts(Long.parseLong(v[0]), Long.parseLong(v[1]), Long.parseLong(v[2]), Long.parseLong(v[3]),
                Long.parseLong(v[4]), Long.parseLong(v[5]), Long.parseLong(v[6]), Long.parseLong(v[7]));
    }
}
