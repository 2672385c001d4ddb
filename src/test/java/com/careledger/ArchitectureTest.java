package com.careledger;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/**
 * The shape of the code: features (every package directly under com.careledger but {@code core} and the generated
 * {@code db}) keep out of each other's views and out of {@code core}; Vaadin stays in ui packages; repositories are
 * transactional; jOOQ results are mapped by code the compiler checks, never by reflection.
 */
class ArchitectureTest {

    private static final String ROOT = "com.careledger";

    /** Direct subpackages of com.careledger that are not features. */
    private static final Set<String> NOT_FEATURES = Set.of("core", "db");

    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages(ROOT);

    /** The features, as the package tree has them. */
    static Set<String> features(JavaClasses classes) {
        Set<String> features = new TreeSet<>();
        for (JavaClass c : classes) {
            String pkg = c.getPackageName();
            if (pkg.startsWith(ROOT + ".")) {
                String top = pkg.substring(ROOT.length() + 1).split("\\.")[0];
                if (!NOT_FEATURES.contains(top)) {
                    features.add(top);
                }
            }
        }
        return features;
    }

    @Test
    void theFeaturesAreTheTopLevelPackages() {
        assertThat(features(CLASSES)).contains("facility", "patient", "staff", "settlement", "reporting")
                .doesNotContain("core", "db");
    }

    @Test
    void onlyUiPackagesUseVaadin() {
        noClasses().that().resideOutsideOfPackage("..ui..")
                .should().dependOnClassesThat().resideInAPackage("com.vaadin..")
                .because("views live in ui packages (the shell's in core.ui); domain code is plain Java over jOOQ")
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
        Set<String> features = features(CLASSES);
        for (String feature : features) {
            String[] others = features.stream().filter(f -> !f.equals(feature))
                    .map(f -> ROOT + "." + f + ".ui..").toArray(String[]::new);
            noClasses().that().resideInAPackage(ROOT + "." + feature + ".ui..")
                    .should().dependOnClassesThat().resideInAnyPackage(others)
                    .allowEmptyShould(true) // a feature without views
                    .check(CLASSES);
        }
    }

    @Test
    void coreDependsOnNoFeature() {
        String[] features = features(CLASSES).stream().map(f -> ROOT + "." + f + "..").toArray(String[]::new);
        noClasses().that().resideInAPackage(ROOT + ".core..")
                .should().dependOnClassesThat().resideInAnyPackage(features)
                .because("the shell and the infrastructure serve every feature and name none; features declare"
                         + " themselves (@Menu, @LandingPage, events)")
                .check(CLASSES);
    }

    @Test
    void repositoriesAreTransactionalAtClassLevel() {
        classes().that().areAnnotatedWith(Repository.class)
                .should().beAnnotatedWith(Transactional.class)
                .because("the request context is transaction-local: a statement outside a transaction is refused")
                .check(CLASSES);
    }

    @Test
    void jooqResultsAreNotMappedByReflection() {
        noClasses().that().resideOutsideOfPackage(ROOT + ".db..")
                .should().callMethodWhere(REFLECTIVE_JOOQ_MAPPING)
                .because("Records.mapping(Constructor::new) or a lambda is checked by the compiler; into(Class) and"
                         + " fetchInto(Class) match columns to a class by reflection at run time")
                .check(CLASSES);
    }

    /** jOOQ's into(Class), fetchInto(Class), fetchOneInto(Class), ..., fetchMap/fetchGroups/intoMap/intoGroups(..., Class). */
    private static final Pattern MAPPING_BY_CLASS = Pattern.compile("into|fetch\\w*Into|fetchMap|fetchGroups|intoMap|intoGroups");

    static final DescribedPredicate<JavaMethodCall> REFLECTIVE_JOOQ_MAPPING = DescribedPredicate.describe(
            "a jOOQ method that maps a result into a Class", call -> {
                var target = call.getTarget();
                return MAPPING_BY_CLASS.matcher(target.getName()).matches()
                       && target.getRawParameterTypes().stream().anyMatch(t -> t.isEquivalentTo(Class.class))
                       && isJooq(target.getOwner());
            });

    private static boolean isJooq(JavaClass owner) {
        return owner.getPackageName().startsWith("org.jooq")
               || owner.getAllRawInterfaces().stream().anyMatch(i -> i.getPackageName().startsWith("org.jooq"))
               || owner.getAllRawSuperclasses().stream().anyMatch(s -> s.getPackageName().startsWith("org.jooq"));
    }
}
