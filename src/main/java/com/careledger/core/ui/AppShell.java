package com.careledger.core.ui;

import com.vaadin.flow.component.dependency.CssImport;
import com.vaadin.flow.component.dependency.NpmPackage;
import com.vaadin.flow.component.dependency.StyleSheet;
import com.vaadin.flow.component.page.AppShellConfigurator;
import com.vaadin.flow.theme.lumo.Lumo;

/**
 * The page every view is served in: Lumo, the portal's own style sheet, and Noto Sans Devanagari for Hindi (from npm's
 * {@code @fontsource/noto-sans-devanagari}, its Devanagari subset only, packed into the frontend bundle), so a browser
 * without a Devanagari font of its own draws Hindi too.
 */
@StyleSheet(Lumo.STYLESHEET)
@StyleSheet("themes/careledger/styles.css")
@NpmPackage(value = "@fontsource/noto-sans-devanagari", version = "5.3.0")
@CssImport("@fontsource/noto-sans-devanagari/devanagari-400.css")
@CssImport("@fontsource/noto-sans-devanagari/devanagari-600.css")
public class AppShell implements AppShellConfigurator {
}
