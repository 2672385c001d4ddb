package com.careledger.core.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import com.careledger.core.security.CareLedgerUser;
import com.vaadin.flow.router.Menu;
import com.vaadin.flow.router.Route;
import jakarta.annotation.security.RolesAllowed;
import org.junit.jupiter.api.Test;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.core.type.filter.AnnotationTypeFilter;

/** Every role lands somewhere after sign-in: exactly one view declares itself the role's landing page, and may be opened by it. */
class LandingPageTest {

    @Test
    void everyRoleHasExactlyOneLandingPageItMayOpenAndFindInTheMenu() throws ClassNotFoundException {
        var scanner = new ClassPathScanningCandidateComponentProvider(false);
        scanner.addIncludeFilter(new AnnotationTypeFilter(Route.class));
        List<Class<?>> views = new ArrayList<>();
        for (var candidate : scanner.findCandidateComponents("com.careledger")) {
            views.add(Class.forName(candidate.getBeanClassName()));
        }
        for (CareLedgerUser.Role role : CareLedgerUser.Role.values()) {
            List<Class<?>> landing = views.stream().filter(v -> HomeView.isLandingPageOf(v, role)).toList();
            assertThat(landing).as("landing pages of %s", role).hasSize(1);
            Class<?> view = landing.getFirst();
            assertThat(view.getAnnotation(RolesAllowed.class)).as("%s says who may open it", view.getName()).isNotNull();
            assertThat(Arrays.asList(view.getAnnotation(RolesAllowed.class).value()))
                    .as("%s admits %s", view.getName(), role).contains(role.name());
            assertThat(view.getAnnotation(Menu.class)).as("%s has a menu entry", view.getName()).isNotNull();
        }
    }
}
