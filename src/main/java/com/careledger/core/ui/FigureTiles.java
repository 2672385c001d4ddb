package com.careledger.core.ui;

import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.Span;

/**
 * A row of figures, each a label above its value (already formatted: amounts by {@code core.Money}), wrapping on a
 * phone. Each value has an id, for the page's tests and for links to it. Texts come from the caller.
 */
public class FigureTiles extends Div {

    public FigureTiles(String id) {
        setId(id);
        addClassName("figure-tiles");
    }

    /** Adds a figure; its value gets the id. */
    public FigureTiles add(String id, String label, String value) {
        Span name = new Span(label);
        name.addClassName("figure-label");
        Span figure = new Span(value);
        figure.addClassName("figure-value");
        figure.setId(id);
        Div tile = new Div(name, figure);
        tile.addClassName("figure-tile");
        add(tile);
        return this;
    }
}
