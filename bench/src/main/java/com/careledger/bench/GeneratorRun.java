package com.careledger.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.UUID;

/**
 * What every facility of a generator run shares: the size and seed, the first simulated day (recorded in
 * {@code bench.run}, so a rerun continues the same days), the platform's super admin, and which optional money
 * functions the database has (payment orders, refunds, settlements).
 */
record GeneratorRun(Size size, long seed, LocalDate firstDay, UUID superAdmin, boolean paymentOrders, boolean refunds,
                    boolean settlements) {

    /**
     * The bench schema, the run's parameters (a rerun must match them), the super admin, which functions exist;
     * committed on the given connection (the run's login).
     */
    static GeneratorRun prepare(Connection admin, Size size, long seed, int templates) throws SQLException {
        LocalDate firstDay;
        UUID superAdmin;
        boolean refunds;
        boolean settlements;
        boolean paymentOrders;
        admin.setAutoCommit(false);
        try (Statement st = admin.createStatement()) {
            st.execute("""
                    create schema if not exists bench;
                    create table if not exists bench.run (
                      only_row boolean primary key default true check (only_row),
                      size text not null, facilities integer not null, days integer not null, seed bigint not null,
                      first_day date not null, started_at timestamptz not null default now());
                    create table if not exists bench.facility_progress (
                      facility_no integer primary key, facility_id uuid not null, last_day integer not null,
                      updated_at timestamptz not null default now());
                    alter table bench.run add column if not exists templates integer not null default 0;
                    grant usage on schema bench to careledger_app;
                    grant select, insert, update on bench.facility_progress to careledger_app;
                    grant select on bench.run to careledger_app;
                    """);
            LocalDate today = LocalDate.now(DataGenerator.IST);
            try (ResultSet rs = st.executeQuery("select size, facilities, days, seed, first_day, templates from bench.run")) {
                if (rs.next()) {
                    if (!rs.getString(1).equals(size.name()) || rs.getInt(2) != size.facilities()
                            || rs.getInt(3) != size.days() || rs.getLong(4) != seed || rs.getInt(6) != templates) {
                        throw new IllegalStateException("this database holds a %s run of %d facilities, %d days, seed %d, templates %d: "
                                .formatted(rs.getString(1), rs.getInt(2), rs.getInt(3), rs.getLong(4), rs.getInt(6))
                                + "rerun with those settings to continue it, or start on an empty database (--fresh)");
                    }
                    firstDay = rs.getObject(5, LocalDate.class);
                } else {
                    firstDay = today.minusDays(size.days());
                    try (PreparedStatement ps = admin.prepareStatement(
                            "insert into bench.run (size, facilities, days, seed, first_day, templates) values (?, ?, ?, ?, ?, ?)")) {
                        ps.setString(1, size.name());
                        ps.setInt(2, size.facilities());
                        ps.setInt(3, size.days());
                        ps.setLong(4, seed);
                        ps.setObject(5, firstDay);
                        ps.setInt(6, templates);
                        ps.execute();
                    }
                }
            }
            superAdmin = Plan.id(seed, "super-admin", 0, 0);
            st.execute("set local role careledger_definer");
            try (PreparedStatement ps = admin.prepareStatement("""
                    insert into users (id, email, display_name, password_hash, role)
                    values (?, 'superadmin@bench.careledger.test', 'Bench platform admin', '!', 'super_admin')
                    on conflict do nothing""")) {
                ps.setObject(1, superAdmin);
                ps.execute();
            }
            st.execute("reset role");
            try (ResultSet rs = st.executeQuery("""
                    select to_regprocedure('app.refund_payment(uuid, text, bigint, text)') is not null
                       and to_regprocedure('app.refund_cash(uuid, bigint, text, text)') is not null,
                           to_regprocedure('app.create_settlement(uuid, settlement_type, date, date, boolean)') is not null
                       and to_regprocedure('app.submit_settlement(uuid)') is not null
                       and to_regprocedure('app.approve_settlement(uuid)') is not null
                       and to_regprocedure('app.pay_settlement(uuid, text)') is not null,
                           to_regprocedure('app.create_payment_order(uuid, payment_gateway, text, bigint)') is not null
                       and to_regprocedure('app.record_payment_failed(payment_gateway, text, text, payment_method, text)') is not null""")) {
                rs.next();
                refunds = rs.getBoolean(1);
                settlements = rs.getBoolean(2);
                paymentOrders = rs.getBoolean(3);
            }
        }
        admin.commit();
        return new GeneratorRun(size, seed, firstDay, superAdmin, paymentOrders, refunds, settlements);
    }
}
