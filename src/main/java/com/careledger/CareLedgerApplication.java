package com.careledger;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** The CareLedger portal: one Spring Boot application serving the Vaadin views of every role (page shell: core.ui.AppShell). */
@SpringBootApplication
@ConfigurationPropertiesScan
public class CareLedgerApplication {

    public static void main(String[] args) {
        SpringApplication.run(CareLedgerApplication.class, args);
    }
}
