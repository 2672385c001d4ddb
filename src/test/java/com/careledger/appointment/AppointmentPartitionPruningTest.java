package com.careledger.appointment;

import static com.careledger.test.TestDatabase.SANJEEVANI;
import static com.careledger.test.TestDatabase.SANJEEVANI_ADMIN;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.careledger.test.AppSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A one-facility, one-month query touches exactly one appointments partition, read from EXPLAIN (ANALYZE) as the app
 * runs it: with constant bounds the planner prunes; with bounds from a subquery or a generic plan's parameters the
 * executor does (other partitions show as never executed, or as "Subplans Removed").
 */
class AppointmentPartitionPruningTest {

    /** A scan node of one appointments partition, e.g. "Index Scan using … on appointments_p20261101 appointments_2". */
    private static final Pattern SCAN = Pattern.compile("Scan.* on (appointments_(?:p\\d{8}|default))(?: |$)");

    private AppSession app;
    private LocalDate month;

    @BeforeEach
    void open() throws SQLException {
        app = AppSession.open().as(SANJEEVANI_ADMIN, SANJEEVANI);
        month = app.istToday().withDayOfMonth(1);
    }

    @AfterEach
    void rollBack() throws SQLException {
        app.close();
    }

    @Test
    void constantMonthBoundsArePrunedByThePlannerToOnePartition() throws SQLException {
        List<String> plan = app.strings("explain (analyze, costs off, timing off, summary off)"
                + " select * from appointments where facility_id = '" + SANJEEVANI + "'"
                + " and starts_on >= date '" + month + "' and starts_on < date '" + month.plusMonths(1) + "'");
        assertThat(scanned(plan, false)).containsExactly(partition(month));
        assertThat(scanned(plan, true)).containsExactly(partition(month));
    }

    @Test
    void boundsFromASubqueryArePrunedAtExecution() throws SQLException {
        List<String> plan = app.strings("explain (analyze, costs off, timing off, summary off)"
                + " select * from appointments where facility_id = '" + SANJEEVANI + "'"
                + " and starts_on >= (select date '" + month + "') and starts_on < (select date '" + month.plusMonths(1) + "')");
        assertThat(scanned(plan, false)).as("planned").contains(partition(month), "appointments_default");
        assertThat(scanned(plan, true)).as("executed").containsExactly(partition(month));
    }

    @Test
    void aGenericPlanWithParametersRemovesTheOtherSubplansAtStartUp() throws SQLException {
        app.update("set local plan_cache_mode = force_generic_plan");
        app.update("prepare month_of_facility(uuid, date, date) as"
                + " select * from appointments where facility_id = $1 and starts_on >= $2 and starts_on < $3");
        List<String> plan = app.strings("explain (analyze, costs off, timing off, summary off)"
                + " execute month_of_facility('" + SANJEEVANI + "', '" + month + "', '" + month.plusMonths(1) + "')");
        assertThat(plan).anyMatch(line -> line.contains("Subplans Removed"));
        assertThat(scanned(plan, false)).containsExactly(partition(month));
        assertThat(scanned(plan, true)).containsExactly(partition(month));
    }

    private static String partition(LocalDate month) {
        return "appointments_p" + month.toString().replace("-", "");
    }

    /** The partitions in the plan's scan nodes; only those that ran when {@code executedOnly}. */
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
