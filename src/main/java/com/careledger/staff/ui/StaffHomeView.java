package com.careledger.staff.ui;

import java.time.OffsetDateTime;

import com.careledger.cash.domain.CashCounterRepository;
import com.careledger.core.Money;
import com.careledger.core.format.Dates;
import com.careledger.core.format.Numbers;
import com.careledger.core.security.CareLedgerUser;
import com.careledger.core.security.Roles;
import com.careledger.core.ui.FigureTiles;
import com.careledger.core.ui.LandingPage;
import com.careledger.facility.domain.FacilityRepository;
import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.router.Menu;
import com.vaadin.flow.router.HasDynamicTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.spring.security.AuthenticationContext;
import jakarta.annotation.security.RolesAllowed;

/** Staff landing page: the facility they work at today. Appointments and the cash counter come here. */
@Route("staff")
@RolesAllowed(Roles.STAFF)
@Menu(title = "staff.title", order = 30, icon = "vaadin:calendar")
@LandingPage(Roles.STAFF)
public class StaffHomeView extends VerticalLayout implements HasDynamicTitle {

    public StaffHomeView(AuthenticationContext authentication, FacilityRepository facilities, CashCounterRepository counter) {
        addClassName("page");
        CareLedgerUser user = authentication.getAuthenticatedUser(CareLedgerUser.class).orElseThrow();
        String facility = user.facilityId() == null ? "" : facilities.findById(user.facilityId())
                .map(f -> f.name() + ", " + f.city()).orElse("");
        add(new H1(getTranslation("staff.greeting", user.displayName())));
        Paragraph where = new Paragraph(facility);
        where.setId("staff-facility");
        // the counter's figures, as row-level security shows them: the clerk's own open shift, the facility's cash
        FigureTiles cash = new FigureTiles("staff-figures");
        counter.openShift().ifPresentOrElse(shift -> cash
                        .add("shift-opened", getTranslation("staff.shift-opened"), Dates.time(shift.openedAt(), getLocale()))
                        .add("shift-collected", getTranslation("staff.shift-collected"), Money.ofPaise(shift.collectedPaise()).display()),
                () -> cash.add("shift-opened", getTranslation("staff.shift"), getTranslation("staff.no-shift")));
        CashCounterRepository.Collected week = counter.collectedSince(OffsetDateTime.now().minusDays(7));
        cash.add("collected-week", getTranslation("staff.collected-week", Numbers.grouped(week.collections())),
                Money.ofPaise(week.paise()).display());
        add(where, cash, new Paragraph(getTranslation("staff.coming")));
    }

    @Override
    public String getPageTitle() {
        return getTranslation("app.page-title", getTranslation("staff.title"));
    }
}
