package com.careledger.facility.ui;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import com.careledger.core.Money;
import com.careledger.core.format.Dates;
import com.careledger.core.format.Numbers;
import com.careledger.core.security.Roles;
import com.careledger.core.ui.FigureTiles;
import com.careledger.core.ui.LandingPage;
import com.careledger.core.ui.chart.ChartCard;
import com.careledger.core.ui.chart.ChartData;
import com.careledger.core.ui.chart.ChartTexts;
import com.careledger.core.ui.chart.ChartType;
import com.careledger.db.public_.enums.FacilityType;
import com.careledger.facility.domain.Facility;
import com.careledger.facility.domain.FacilityRepository;
import com.careledger.reporting.domain.CommissionReportRepository;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.router.HasDynamicTitle;
import com.vaadin.flow.router.Menu;
import com.vaadin.flow.router.Route;
import jakarta.annotation.security.RolesAllowed;

/** Super admin: every facility on the platform, and how many there are of each type. */
@Route("admin/facilities")
@RolesAllowed(Roles.SUPER_ADMIN)
@Menu(title = "facilities.title", order = 10, icon = "vaadin:hospital")
@LandingPage(Roles.SUPER_ADMIN)
public class FacilitiesView extends VerticalLayout implements HasDynamicTitle {

    public FacilitiesView(FacilityRepository facilities, CommissionReportRepository reports) {
        setSizeFull();
        addClassName("page");
        H1 title = new H1(getTranslation("facilities.title"));
        Span total = new Span(getTranslation("facilities.total", Numbers.grouped(facilities.count())));
        total.addClassName("subtitle");
        total.setId("facility-total");

        // the platform's money as of the reports' last refresh
        CommissionReportRepository.PlatformSummary platform = reports.platformSummary();
        FigureTiles money = new FigureTiles("platform-figures")
                .add("platform-billed", getTranslation("facilities.billed"), Money.ofPaise(platform.billedPaise()).display())
                .add("platform-online", getTranslation("facilities.online"), Money.ofPaise(platform.collectedOnlinePaise()).display())
                .add("platform-cash", getTranslation("facilities.cash"), Money.ofPaise(platform.collectedCashPaise()).display())
                .add("platform-commission", getTranslation("facilities.commission-earned"),
                        Money.ofPaise(platform.commissionEarnedPaise()).display())
                .add("platform-pending", getTranslation("facilities.commission-pending"),
                        Money.ofPaise(platform.commissionPendingPaise()).display());

        ChartCard chart = byType(facilities);

        Grid<Facility> grid = new Grid<>();
        grid.setId("facilities");
        grid.addThemeVariants(GridVariant.LUMO_ROW_STRIPES);
        grid.setAriaLabel(getTranslation("facilities.title"));
        grid.addColumn(Facility::name).setHeader(getTranslation("facilities.name")).setFlexGrow(3);
        grid.addColumn(f -> getTranslation(FacilityLabels.type(f.type()))).setHeader(getTranslation("facilities.type")).setFlexGrow(1);
        grid.addColumn(Facility::city).setHeader(getTranslation("facilities.city")).setFlexGrow(1);
        grid.addColumn(f -> getTranslation(FacilityLabels.status(f.status()))).setHeader(getTranslation("facilities.status")).setFlexGrow(1);
        grid.addColumn(f -> Dates.date(f.createdAt(), getLocale())).setHeader(getTranslation("facilities.since")).setFlexGrow(1);
        grid.setItems(query -> facilities.findPage(query.getOffset(), query.getLimit()).stream(),
                query -> facilities.count());
        grid.setHeight("360px");
        add(title, total, money, chart, grid);
    }

    @Override
    public String getPageTitle() {
        return getTranslation("app.page-title", getTranslation("facilities.title"));
    }

    /** How many facilities of each type: a bar per type, every type shown, none too. */
    private ChartCard byType(FacilityRepository facilities) {
        Map<FacilityType, Integer> counts = facilities.countByType().stream()
                .collect(Collectors.toMap(FacilityRepository.TypeCount::type, FacilityRepository.TypeCount::count));
        List<String> types = new ArrayList<>();
        List<Long> values = new ArrayList<>();
        for (FacilityType type : FacilityType.values()) {
            types.add(getTranslation(FacilityLabels.type(type)));
            values.add((long) counts.getOrDefault(type, 0));
        }
        ChartData data = ChartData.counts(getLocale(), types).series(getTranslation("facilities.title"), values);
        return new ChartCard("facilities-by-type", getTranslation("facilities.by-type"), ChartType.BAR, data,
                new ChartTexts(getTranslation("chart.show-table"), getTranslation("facilities.type")));
    }
}
