package com.careledger.core.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.lang.annotation.Annotation;
import java.util.HashSet;
import java.util.Set;

import com.vaadin.base.devserver.startup.DevModeStartupListener;
import com.vaadin.flow.di.Lookup;
import com.vaadin.flow.internal.FileIOUtils;
import com.vaadin.flow.server.Mode;
import com.vaadin.flow.server.frontend.BundleValidationUtil;
import com.vaadin.flow.server.frontend.Options;
import com.vaadin.flow.server.frontend.scanner.ClassFinder;
import jakarta.servlet.annotation.HandlesTypes;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.AnnotatedBeanDefinition;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.core.type.filter.AnnotationTypeFilter;
import org.springframework.core.type.filter.AssignableTypeFilter;

/**
 * The committed bundles in src/main/bundles still match their inputs: frontend/**, the frontend annotations
 * ({@code @NpmPackage}, {@code @JsModule}, ...) of the app and of Vaadin, and the npm versions. Vaadin's own
 * check decides, with the classes its Spring add-on hands the dev server, so this fails exactly when
 * {@code spring-boot:run} would need Node to rebuild dev.bundle, or {@code -Pproduction} to rebuild
 * prod.bundle, rather than serve the committed one. Needs what vaadin:prepare-frontend generates.
 */
class FrontendBundleTest {

    private static final File PROJECT = new File(System.getProperty("user.dir"));
    private static final String CHECK_DIRECTORY = "target/bundle-check";
    private static final String STALE = "src/main/bundles/%s no longer matches the frontend inputs (the log "
            + "says what changed): run frontend/update-bundles.sh, then commit src/main/bundles, package.json "
            + "and package-lock.json";

    private static ClassFinder classes;

    @BeforeAll
    static void findClassesAsTheSpringAddOnDoes() throws ClassNotFoundException {
        var scanner = new ClassPathScanningCandidateComponentProvider(false) {
            @Override
            protected boolean isCandidateComponent(AnnotatedBeanDefinition definition) {
                return super.isCandidateComponent(definition) || definition.getMetadata().isAbstract();
            }
        };
        for (Class<?> type : DevModeStartupListener.class.getAnnotation(HandlesTypes.class).value()) {
            scanner.addIncludeFilter(type.isAnnotation()
                    ? new AnnotationTypeFilter(type.asSubclass(Annotation.class))
                    : new AssignableTypeFilter(type));
        }
        Set<Class<?>> found = new HashSet<>();
        // the app's package (vaadin.allowed-packages), and com.vaadin.flow: it holds the Vaadin packages
        // the add-on always scans (component, theme, data.renderer)
        for (String basePackage : new String[] {"com.careledger", "com.vaadin.flow"}) {
            for (var candidate : scanner.findCandidateComponents(basePackage)) {
                found.add(Class.forName(candidate.getBeanClassName(), false,
                        FrontendBundleTest.class.getClassLoader()));
            }
        }
        classes = new ClassFinder.DefaultClassFinder(found);
    }

    @Test
    void developmentBundleIsUpToDate() throws IOException {
        Options options = options().withProductionMode(false);

        assertThat(BundleValidationUtil.needsBuild(options, options.getFrontendDependenciesScanner(),
                Mode.DEVELOPMENT_BUNDLE)).as(STALE, "dev.bundle").isFalse();
    }

    @Test
    void productionBundleIsUpToDate() throws IOException {
        // like vaadin:build-frontend with its default optimizeBundle: only what the routes reach counts
        Options options = options().withProductionMode(true).useByteCodeScanner(true);

        assertThat(BundleValidationUtil.needsBuild(options, options.getFrontendDependenciesScanner(),
                Mode.PRODUCTION_PRECOMPILED_BUNDLE)).as(STALE, "prod.bundle").isFalse();
    }

    private static Options options() throws IOException {
        // Vaadin checks <build directory>/dev-bundle and unpacks dev.bundle there only if it is missing: a
        // fresh folder of our own has the committed bundle checked, not one a dev-mode run left in target/
        File checkDirectory = new File(PROJECT, CHECK_DIRECTORY);
        FileIOUtils.delete(checkDirectory);
        File frontend = new File(PROJECT, "frontend");
        return new Options(Lookup.of(classes, ClassFinder.class), classes, PROJECT)
                .withBuildDirectory(CHECK_DIRECTORY)
                .withBuildResultFolders(new File(checkDirectory, "webapp"), new File(checkDirectory, "classes"))
                .withFrontendDirectory(frontend)
                .withFrontendGeneratedFolder(new File(frontend, "generated"))
                .withJarFrontendResourcesFolder(new File(frontend, "generated/jar-resources"));
    }
}
