package com.careledger;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The shape of the code: Vaadin stays in ui packages, and features keep out of each other's ui. */
class ArchitectureTest {

    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("com.careledger");

    @Test
    void onlyUiPackagesUseVaadin() {
        noClasses().that().resideOutsideOfPackages("..ui..")
                .and().doNotHaveFullyQualifiedName(CareLedgerApplication.class.getName())
                .and().resideOutsideOfPackage("com.careledger.core.security")
                .should().dependOnClassesThat().resideInAPackage("com.vaadin..")
                .because("views live in ui packages; domain code is plain Java over jOOQ")
                .check(CLASSES);
    }

    @Test
    void domainCodeNeverReachesIntoViews() {
        noClasses().that().resideInAPackage("..domain..")
                .should().dependOnClassesThat().resideInAPackage("..ui..")
                .check(CLASSES);
    }

    @Test
    void featureViewsDoNotUseEachOther() {
        for (String feature : new String[] {"facility", "patient", "staff"}) {
            noClasses().that().resideInAPackage("com.careledger." + feature + ".ui..")
                    .should().dependOnClassesThat().resideInAnyPackage(otherFeatureUis(feature))
                    .check(CLASSES);
        }
    }

    private static String[] otherFeatureUis(String feature) {
        return java.util.stream.Stream.of("facility", "patient", "staff")
                .filter(f -> !f.equals(feature))
                .map(f -> "com.careledger." + f + ".ui..")
                .toArray(String[]::new);
    }
}
