package com.careledger.facility.ui;

import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.stream.Collectors;

import com.careledger.core.security.Roles;
import com.careledger.core.ui.LandingPage;
import com.careledger.core.ui.chart.ChartJs;
import com.careledger.db.public_.enums.FacilityType;
import com.careledger.facility.domain.Facility;
import com.careledger.facility.domain.FacilityRepository;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.router.Menu;
import com.vaadin.flow.router.HasDynamicTitle;
import com.vaadin.flow.router.Route;
import jakarta.annotation.security.RolesAllowed;
import software.xdev.chartjs.model.charts.BarChart;
import software.xdev.chartjs.model.data.BarData;
import software.xdev.chartjs.model.dataset.BarDataset;
import software.xdev.chartjs.model.options.BarOptions;
import software.xdev.chartjs.model.options.Plugins;
import software.xdev.chartjs.model.options.Title;
import software.xdev.chartjs.model.options.LegendOptions;
import software.xdev.chartjs.model.options.scale.Scales;
import software.xdev.chartjs.model.options.scale.cartesian.linear.LinearScaleOptions;
import software.xdev.chartjs.model.options.scale.cartesian.linear.LinearTickOptions;

/** Super admin: every facility on the platform, and how many there are of each type. */
@Route("admin/facilities")
@RolesAllowed(Roles.SUPER_ADMIN)
@Menu(title = "facilities.title", order = 10, icon = "vaadin:hospital")
@LandingPage(Roles.SUPER_ADMIN)
public class FacilitiesView extends VerticalLayout implements HasDynamicTitle {

    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("d MMM yyyy");
    private static final ZoneId IST = ZoneId.of("Asia/Kolkata");

    public FacilitiesView(FacilityRepository facilities) {
        setSizeFull();
        addClassName("page");

        H1 title = new H1(getTranslation("facilities.title"));
        Span total = new Span(getTranslation("facilities.total", facilities.count()));
        total.addClassName("subtitle");
        total.setId("facility-total");

        ChartJs chart = new ChartJs();
        chart.setId("facilities-by-type");
        chart.getElement().setAttribute("aria-label", getTranslation("facilities.by-type"));
        chart.setChart(byType(facilities, this));

        Grid<Facility> grid = new Grid<>();
        grid.setId("facilities");
        grid.addThemeVariants(GridVariant.LUMO_ROW_STRIPES);
        grid.addColumn(Facility::name).setHeader(getTranslation("facilities.name")).setFlexGrow(3);
        grid.addColumn(f -> getTranslation(FacilityLabels.type(f.type()))).setHeader(getTranslation("facilities.type")).setFlexGrow(1);
        grid.addColumn(Facility::city).setHeader(getTranslation("facilities.city")).setFlexGrow(1);
        grid.addColumn(f -> getTranslation(FacilityLabels.status(f.status()))).setHeader(getTranslation("facilities.status")).setFlexGrow(1);
        grid.addColumn(f -> DATE.format(f.createdAt().atZoneSameInstant(IST))).setHeader(getTranslation("facilities.since")).setFlexGrow(1);
        grid.setItems(query -> facilities.findPage(query.getOffset(), query.getLimit()).stream(),
                query -> facilities.count());
        grid.setHeight("360px");

        add(title, total, chart, grid);
    }

    @Override
    public String getPageTitle() {
        return getTranslation("app.page-title", getTranslation("facilities.title"));
    }

    private static BarChart byType(FacilityRepository facilities, FacilitiesView view) {
        Map<FacilityType, Integer> counts = facilities.countByType().stream()
                .collect(Collectors.toMap(FacilityRepository.TypeCount::type, FacilityRepository.TypeCount::count));
        BarData data = new BarData();
        BarDataset dataset = new BarDataset().setLabel(view.getTranslation("facilities.title"));
        for (FacilityType type : FacilityType.values()) {
            data.addLabel(view.getTranslation(FacilityLabels.type(type)));
            dataset.addData(counts.getOrDefault(type, 0));
        }
        dataset.setBackgroundColor("#1f6f8b");
        data.addDataset(dataset);
        return new BarChart(data, new BarOptions()
                // drawn at once, without the grow-in animation: the figures are there as soon as the page is
                .setAnimation(false)
                // counts of facilities: whole numbers on the axis
                .setScales(new Scales().addScale(Scales.ScaleAxis.Y,
                        new LinearScaleOptions().setBeginAtZero(true).setTicks(new LinearTickOptions().setPrecision(0))))
                .setPlugins(new Plugins()
                        .setTitle(new Title().setDisplay(true).setText(view.getTranslation("facilities.by-type")))
                        .setLegend(new LegendOptions().setDisplay(false))));
    }
}
