package com.careledger.bench;

import java.sql.SQLException;

/**
 * A facility's set-up rows, which are not money, written as the definer role like the demo data (the caller
 * switches the role): the facility, its admin and billing clerk (sign-ins that cannot sign in), its terms
 * (configuration and method rates), its staff permissions from the platform defaults, the clerk and the clinicians,
 * and the services and products of its type. Planned from the template (terms, place, staff, prices); named after
 * the facility itself (its number in names, e-mails, GSTIN, PAN, invoice prefix and registration numbers).
 */
final class FacilityWriter {

    private final WorkerSql sql;
    private final GeneratedFacility f;

    FacilityWriter(WorkerSql sql, GeneratedFacility f) {
        this.sql = sql;
        this.f = f;
    }

    void write() throws SQLException {
        int no = f.no();
        int plan = f.plan();
        Catalogue.Type type = f.type();
        FacilityNames names = FacilityNames.of(no, plan);
        String state = names.state();
        String city = names.city();
        String name = names.name();
        String gstin = names.gstin();
        String pan = names.pan();
        sql.exec("""
                insert into facilities (id, name, legal_name, type, status, city, state_code, gstin, invoice_prefix)
                values (?, ?, ?, ?::facility_type, 'active', ?, ?, ?, ?)""",
                f.id(), name, name + " Private Limited", type.name(), city, state, gstin,
                names.invoicePrefix());
        sql.exec("""
                insert into users (id, email, display_name, password_hash, role, facility_id) values
                  (?, ?, ?, '!', 'facility_admin', ?), (?, ?, ?, '!', 'staff', ?)""",
                f.admin(), "admin.%04d@bench.careledger.test".formatted(no + 1), "Admin of " + name, f.id(),
                f.clerk(), "billing.%04d@bench.careledger.test".formatted(no + 1), "Billing clerk of " + name, f.id());
        // terms vary by facility: commission on cash by percentage, by a fixed fee per bill, or none;
        // settlement cycle, netting and TDS
        boolean commission = plan % 10 != 9;
        boolean fixed = plan % 5 == 3;
        sql.exec("""
                insert into facility_configurations (facility_id, effective_from, gst_rate, cash_commission_applies,
                    cash_commission_type, cash_commission_rate, cash_commission_fixed_paise, gst_on_cash_commission,
                    refund_gateway_fee_bearer, tds_rate, settlement_cycle, minimum_payout_paise, netting_allowed,
                    payout_account_name, payout_account_number, payout_ifsc, payout_pan)
                values (?, now(), 0.18, ?, ?::cash_commission_type, ?::numeric, ?, true,
                    ?::gateway_fee_bearer, ?::numeric, ?::settlement_cycle, 0, ?, ?, ?, 'HDFC0001234', ?)""",
                f.id(), commission, fixed ? "fixed_per_bill" : "percentage",
                commission && !fixed ? "0.0" + (1 + plan % 3) : null, commission && fixed ? 2000L + 1000L * (plan % 4) : null,
                plan % 3 == 0 ? "facility" : "platform", plan % 5 == 0 ? "0.01" : "0",
                switch (f.cycleDays()) { case 7 -> "weekly"; case 14 -> "fortnightly"; default -> "monthly"; },
                f.netting(), name, "5010" + String.format("%08d", no + 1), pan);
        sql.exec("""
                insert into facility_method_rates (facility_id, effective_from, method, gateway_mdr, platform_mdr)
                select c.facility_id, c.effective_from, r.method::payment_method, r.gateway_mdr, r.platform_mdr
                from facility_configurations c
                cross join (values ('card', 0.0110, 0.0120), ('upi', 0, 0), ('rupay_debit', 0, 0),
                                   ('netbanking', 0.0150, 0.0170), ('wallet', 0.0180, 0.0200)) as r(method, gateway_mdr, platform_mdr)
                where c.facility_id = ?""", f.id());
        sql.exec("""
                insert into facility_staff_permissions (facility_id, kind, permission)
                select ?, d.kind, d.permission from default_staff_permissions d""", f.id());
        sql.exec("insert into staff (id, facility_id, user_id, kind, display_name) values (?, ?, ?, 'billing', ?)",
                f.clerkStaff(), f.id(), f.clerk(), "Billing clerk " + (no + 1));
        for (int k = 0; k < type.clinicians(); k++) {
            sql.exec("insert into staff (id, facility_id, kind, display_name, registration_number) values (?, ?, ?::staff_kind, ?, ?)",
                    f.clinician(k), f.id(), type.staffKind(),
                    (type.staffKind().equals("doctor") ? "Dr. " : "") + Catalogue.FIRST[(plan + k) % 20] + " "
                            + Catalogue.LAST[(plan * 3 + k) % 20], "MMC-%06d".formatted(no * 10 + k));
        }
        for (int k = 0; k < type.services().size(); k++) {
            Catalogue.Service s = type.services().get(k);
            sql.exec("""
                    insert into services (id, facility_id, code, name, category, price_paise, hsn_sac_code, gst_rate, duration_minutes)
                    values (?, ?, ?, ?, ?::service_category, ?, ?, 0, ?)""",
                    f.service(k), f.id(), s.code(), s.name(), s.category(),
                    s.pricePaise() * (95 + plan % 11) / 100, s.sac(), s.minutes());
        }
        for (int k = 0; k < type.products().size(); k++) {
            Catalogue.Product p = type.products().get(k);
            sql.exec("""
                    insert into products (id, facility_id, name, hsn_code, gst_rate, price_paise, mrp_paise, unit)
                    values (?, ?, ?, ?, ?::numeric, ?, ?, ?)""",
                    f.product(k), f.id(), p.name(), p.hsn(), p.gstRate(), p.pricePaise(),
                    p.mrpPaise(), p.unit());
        }
    }
}
