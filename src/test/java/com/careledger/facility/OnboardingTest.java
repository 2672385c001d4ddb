package com.careledger.facility;

import static com.careledger.test.TestDatabase.SANJEEVANI;
import static com.careledger.test.TestDatabase.SANJEEVANI_ADMIN;
import static com.careledger.test.TestDatabase.SUPER_ADMIN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Statement;
import java.util.List;
import java.util.UUID;

import com.careledger.core.notification.NotificationSender;
import com.careledger.test.AppSession;
import com.careledger.test.TestSessions;
import org.junit.jupiter.api.Test;

/**
 * app.onboard_facility: the super admin's wizard in one transaction, all or nothing; its first admin is invited and
 * sets their own password through the mailed link.
 */
class OnboardingTest {

    static final String CONFIGURATION = """
            {"gst_rate": 0.18, "cash_commission_applies": true, "cash_commission_type": "fixed_per_bill",
             "cash_commission_fixed_paise": 2500, "gst_on_cash_commission": true,
             "refund_gateway_fee_bearer": "facility", "tds_rate": 0.02, "settlement_cycle": "weekly",
             "minimum_payout_paise": 100000, "netting_allowed": true,
             "payout_account_name": "Shivneri Hospital Pvt Ltd", "payout_account_number": "50100012345678",
             "payout_ifsc": "ICIC0000123", "payout_pan": "AAECS9876K"}""";
    static final String ALL_RATES = """
            [{"method": "card", "gateway_mdr": 0.011, "platform_mdr": 0.012},
             {"method": "upi", "gateway_mdr": 0, "platform_mdr": 0},
             {"method": "rupay_debit", "gateway_mdr": 0, "platform_mdr": 0},
             {"method": "netbanking", "gateway_mdr": 0.015, "platform_mdr": 0.017},
             {"method": "wallet", "gateway_mdr": 0.018, "platform_mdr": 0.02}]""";
    static final String ONBOARD = """
            select app.onboard_facility('Shivneri Hospital', 'Shivneri Hospital Private Limited', 'hospital',
                   'Satara', '27', '27AAECS9876K1Z3', ?, 'Vikram Jadhav', ?::jsonb, ?::jsonb)::text""";

    @Test
    void theSuperAdminOnboardsAFacilityWithItsAdminConfigurationRatesAndPermissions() throws Exception {
        // with definer access: the new admin, made in this transaction, is entered with a session opened here
        try (AppSession s = AppSession.openWithDefinerAccess().as(SUPER_ADMIN, null)) {
            UUID facility = UUID.fromString(s.string(ONBOARD, "vikram@shivneri.test", CONFIGURATION, ALL_RATES));

            assertThat(s.string("select status::text from facilities where id = ?", facility)).isEqualTo("onboarding");
            assertThat(s.string("select role::text from users where email = 'vikram@shivneri.test'")).isEqualTo("facility_admin");
            assertThat(s.string("select cash_commission_fixed_paise::text from facility_configurations where facility_id = ?",
                    facility)).isEqualTo("2500");
            assertThat(s.rows("facility_method_rates where facility_id = ?", facility)).isEqualTo(5);
            assertThat(s.rows("facility_staff_permissions where facility_id = ?", facility))
                    .isEqualTo(s.rows("default_staff_permissions"));

            // the admin is invited, not given a password: pending, and no session of theirs enters anything
            UUID admin = UUID.fromString(s.string("select id::text from users where email = 'vikram@shivneri.test'"));
            assertThat(s.string("select status::text from users where id = ?", admin)).isEqualTo("pending");
            String early = s.mintSession(admin);
            assertThat(s.sqlFailure("select app.set_current_user(?, ?)", admin, early).getSQLState()).isEqualTo("28000");

            // the invitation the notification sender takes sets the admin's own password
            s.as(NotificationSender.SYSTEM_USER, null);
            List<List<String>> invitation = s.table("""
                    select kind, facility_name, link_token from app.take_notifications(1000)
                    where recipient = 'vikram@shivneri.test'""");
            assertThat(invitation).hasSize(1);
            assertThat(invitation.getFirst().subList(0, 2)).containsExactly("invitation", "Shivneri Hospital");
            assertThat(s.string("select outcome from app.redeem_account_link(?, 'shivneri ward rounds at dawn', 'test')",
                    invitation.getFirst().get(2))).isEqualTo("password_set");
            assertThat(s.string("select outcome from app.sign_in('vikram@shivneri.test', 'shivneri ward rounds at dawn', ?)",
                    "test-" + UUID.randomUUID())).isEqualTo("signed_in");

            // the new admin works in the new facility, and only there
            s.as(admin, facility);
            assertThat(s.strings("select id::text from facilities")).containsExactly(facility.toString());
        }
    }

    @Test
    void aFacilityAdminCannotOnboard() throws Exception {
        try (AppSession s = AppSession.open().as(SANJEEVANI_ADMIN, SANJEEVANI)) {
            assertThatThrownBy(() -> s.execute(ONBOARD, "x@shivneri.test", CONFIGURATION, ALL_RATES))
                    .hasMessageContaining("only the super admin");
        }
    }

    @Test
    void aFailureLeavesNothingBehind() throws Exception {
        String withoutWallet = ALL_RATES.replaceAll(",\\s*\\{\"method\": \"wallet\"[^}]*}", "");
        assertThat(withoutWallet).doesNotContain("wallet");
        try (AppSession s = AppSession.open().as(SUPER_ADMIN, null)) {
            int facilities = s.rows("facilities");
            assertThatThrownBy(() -> s.execute(ONBOARD, "y@shivneri.test", CONFIGURATION, withoutWallet))
                    .hasMessageContaining("MDR rates missing for: wallet");
            assertThatThrownBy(() -> s.execute(ONBOARD, "z@shivneri.test", CONFIGURATION.replace("ICIC0000123", "bad"), ALL_RATES))
                    .hasMessageContaining("facility_configurations_payout_ifsc_check");
            assertThat(s.rows("facilities")).isEqualTo(facilities);
            assertThat(s.rows("users where email like '%@shivneri.test'")).isZero();
        }
    }

    @Test
    void configurationVersionsAreNeverChanged() throws Exception {
        try (AppSession s = AppSession.open().as(SUPER_ADMIN, null)) {
            s.string(ONBOARD, "w@shivneri.test", CONFIGURATION, ALL_RATES);
            assertThatThrownBy(() -> s.execute("update facility_configurations set gst_rate = 0.05"))
                    .hasMessageContaining("permission denied");
        }
    }
}
