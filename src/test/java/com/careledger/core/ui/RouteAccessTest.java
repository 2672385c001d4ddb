package com.careledger.core.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.annotation.Annotation;
import java.util.List;

import com.vaadin.flow.router.Layout;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.server.auth.AnonymousAllowed;
import jakarta.annotation.security.DenyAll;
import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import org.junit.jupiter.api.Test;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.core.type.filter.AnnotationTypeFilter;

/** Every view and layout says who may open it; one without an access annotation fails the build. */
class RouteAccessTest {

    private static final List<Class<? extends Annotation>> ACCESS =
            List.of(RolesAllowed.class, PermitAll.class, AnonymousAllowed.class, DenyAll.class);

    @Test
    void everyRouteAndLayoutCarriesAnAccessAnnotation() throws ClassNotFoundException {
        var scanner = new ClassPathScanningCandidateComponentProvider(false);
        scanner.addIncludeFilter(new AnnotationTypeFilter(Route.class));
        scanner.addIncludeFilter(new AnnotationTypeFilter(Layout.class));
        var candidates = scanner.findCandidateComponents("com.careledger");
        assertThat(candidates).as("views found").hasSizeGreaterThanOrEqualTo(6);
        for (var candidate : candidates) {
            Class<?> view = Class.forName(candidate.getBeanClassName());
            long annotations = ACCESS.stream().filter(view::isAnnotationPresent).count();
            assertThat(annotations).as("%s must carry exactly one of @RolesAllowed, @PermitAll, @AnonymousAllowed, @DenyAll",
                    view.getName()).isEqualTo(1);
        }
    }
}
