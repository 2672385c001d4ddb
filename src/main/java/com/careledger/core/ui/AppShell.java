package com.careledger.core.ui;

import com.vaadin.flow.component.dependency.StyleSheet;
import com.vaadin.flow.component.page.AppShellConfigurator;
import com.vaadin.flow.theme.lumo.Lumo;

/** The page every view is served in: Lumo and the portal's own style sheet. */
@StyleSheet(Lumo.STYLESHEET)
@StyleSheet("themes/careledger/styles.css")
public class AppShell implements AppShellConfigurator {
}
