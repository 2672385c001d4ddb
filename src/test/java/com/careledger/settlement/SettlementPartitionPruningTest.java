package com.careledger.settlement;

import static com.careledger.payment.OnlinePayments.SUPER_ADMIN;
import static com.careledger.test.TestDatabase.SANJEEVANI;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.careledger.test.AppSession;
import org.junit.jupiter.api.Test;

/**
 * A one-facility, one-month query of settlements touches exactly one partition (the IST month of created_at), read
 * from EXPLAIN (ANALYZE) as the app runs it, with constant bounds and with a generic plan's parameters.
 */
class SettlementPartitionPruningTest {

    private static final Pattern SCAN = Pattern.compile("Scan.* on (settlements_(?:p\\d{8}|default))(?: |$)");

    @Test
    void aFacilitysMonthIsReadFromOnePartition() throws Exception {
        try (AppSession s = AppSession.open().as(SUPER_ADMIN, SANJEEVANI)) {
            LocalDate month = s.istToday().withDayOfMonth(1);
            String from = month + " 00:00:00+05:30";
            String to = month.plusMonths(1) + " 00:00:00+05:30";
            List<String> plan = s.strings("explain (analyze, costs off, timing off, summary off)"
                    + " select * from settlements where facility_id = '" + SANJEEVANI + "'"
                    + " and created_at >= timestamptz '" + from + "' and created_at < timestamptz '" + to + "'");
            assertThat(scanned(plan, false)).containsExactly(partition(month));

            s.update("set local plan_cache_mode = force_generic_plan");
            s.update("prepare settlements_of_month(uuid, timestamptz, timestamptz) as"
                    + " select * from settlements where facility_id = $1 and created_at >= $2 and created_at < $3");
            List<String> generic = s.strings("explain (analyze, costs off, timing off, summary off)"
                    + " execute settlements_of_month('" + SANJEEVANI + "', '" + from + "', '" + to + "')");
            assertThat(generic).anyMatch(line -> line.contains("Subplans Removed"));
            assertThat(scanned(generic, true)).containsExactly(partition(month));
        }
    }

    private static String partition(LocalDate month) {
        return "settlements_p" + month.toString().replace("-", "");
    }

    private static List<String> scanned(List<String> plan, boolean executedOnly) {
        List<String> partitions = new ArrayList<>();
        for (String line : plan) {
            Matcher m = SCAN.matcher(line);
            if (m.find() && !(executedOnly && line.contains("(never executed)"))) {
                partitions.add(m.group(1));
            }
        }
        return partitions;
    }
}
