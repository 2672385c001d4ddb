package com.careledger.test.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import java.util.TreeSet;

import com.careledger.core.ui.SignInEnded;
import com.vaadin.flow.router.HasErrorParameter;
import com.vaadin.flow.router.Route;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.core.type.filter.AnnotationTypeFilter;
import org.springframework.core.type.filter.AssignableTypeFilter;

/** The browser sweep's list of views names every routed view and every error page of the portal. */
class ViewCatalogTest {

    @Test
    void everyViewOfThePortalIsInTheSweep() {
        ClassPathScanningCandidateComponentProvider scanner = new ClassPathScanningCandidateComponentProvider(false);
        scanner.addIncludeFilter(new AnnotationTypeFilter(Route.class));
        scanner.addIncludeFilter(new AssignableTypeFilter(HasErrorParameter.class));
        Set<String> views = new TreeSet<>();
        for (BeanDefinition found : scanner.findCandidateComponents("com.careledger")) {
            views.add(found.getBeanClassName());
        }
        // the root address only forwards, and a refused session only signs out: neither draws a page
        views.remove(com.careledger.core.ui.HomeView.class.getName());
        views.remove(SignInEnded.class.getName());

        Set<String> swept = new TreeSet<>();
        ViewPage.ALL.forEach(view -> swept.add(view.view().getName()));
        assertThat(swept).containsExactlyElementsOf(views);
    }
}
