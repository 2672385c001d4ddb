package com.careledger;

import com.vaadin.flow.component.page.AppShellConfigurator;
import com.vaadin.flow.component.dependency.StyleSheet;
import com.vaadin.flow.theme.lumo.Lumo;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** The CareLedger portal: one Spring Boot application serving the Vaadin views of every role. */
@SpringBootApplication
@ConfigurationPropertiesScan
@StyleSheet(Lumo.STYLESHEET)
@StyleSheet("themes/careledger/styles.css")
public class CareLedgerApplication implements AppShellConfigurator {

    public static void main(String[] args) {
        SpringApplication.run(CareLedgerApplication.class, args);
    }
}
