package com.careledger.core.ui.chart;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.HasSize;
import com.vaadin.flow.component.Tag;
import com.vaadin.flow.component.dependency.JsModule;
import com.vaadin.flow.component.dependency.NpmPackage;
import software.xdev.chartjs.model.charts.Chart;

/**
 * A Chart.js chart. Build its configuration with chartjs-java-model ({@code new BarChart(...)}) and
 * hand it over with {@link #setChart}; the {@code <careledger-chart>} element in
 * frontend/src/careledger-chart.ts draws it on a canvas and redraws it on every new configuration.
 */
@Tag("careledger-chart")
@NpmPackage(value = "chart.js", version = "4.5.1")
@JsModule("./src/careledger-chart.ts")
public class ChartJs extends Component implements HasSize {

    public ChartJs() {
        setWidthFull();
        setHeight("320px");
    }

    public void setChart(Chart<?, ?, ?> chart) {
        setConfigJson(chart.toJson());
    }

    /** A configuration written as JSON already ({@link ChartCard} writes its own, see {@code ChartConfig}). */
    public void setConfigJson(String json) {
        getElement().setProperty("config", json);
    }

    /** The configuration as JSON, as the browser receives it. */
    public String getConfigJson() {
        return getElement().getProperty("config", "");
    }
}
