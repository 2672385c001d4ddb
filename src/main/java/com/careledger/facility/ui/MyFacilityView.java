package com.careledger.facility.ui;

import java.time.OffsetDateTime;

import com.careledger.core.security.Roles;
import com.careledger.core.ui.LandingPage;
import com.careledger.facility.domain.CommissionTermsRepository;
import com.careledger.facility.domain.Facility;
import com.careledger.facility.domain.FacilityRepository;
import com.careledger.ledger.domain.LedgerRepository;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.router.Menu;
import com.vaadin.flow.router.HasDynamicTitle;
import com.vaadin.flow.router.Route;
import jakarta.annotation.security.RolesAllowed;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Facility admin: their facility. It lists what the facility query returns — the same query the super
 * admin's grid runs — so row-level security alone decides that exactly one facility shows. Everything on the page is
 * read in one read-only transaction (one request context, one snapshot: the three answers agree with each other).
 */
@Route("facility")
@RolesAllowed(Roles.FACILITY_ADMIN)
@Menu(title = "my-facility.title", order = 20, icon = "vaadin:hospital")
@LandingPage(Roles.FACILITY_ADMIN)
public class MyFacilityView extends VerticalLayout implements HasDynamicTitle {

    public MyFacilityView(FacilityRepository facilities, CommissionTermsRepository terms, LedgerRepository ledger,
                          PlatformTransactionManager transactions) {
        addClassName("page");
        Div cards = new Div();
        cards.addClassName("cards");
        add(new H1(getTranslation("my-facility.title")), cards);
        TransactionTemplate readOnly = new TransactionTemplate(transactions);
        readOnly.setReadOnly(true);
        readOnly.executeWithoutResult(status -> {
            for (Facility facility : facilities.findPage(0, 50)) {
                cards.add(card(facility));
                terms.inForce(facility.id(), OffsetDateTime.now()).ifPresent(t -> add(new CommissionTermsPanel(t)));
                var pending = ledger.commissionPending(facility.id());
                var held = ledger.heldForPlatform(facility.id());
                var since = ledger.pendingSinceLastSettlement(facility.id());
                if (!pending.isEmpty() && !held.isEmpty() && !since.isEmpty()) {
                    add(new MoneyOwedPanel(pending.getFirst(), held.getFirst(), since.getFirst()));
                }
            }
        });
    }

    @Override
    public String getPageTitle() {
        return getTranslation("app.page-title", getTranslation("my-facility.title"));
    }

    private Div card(Facility f) {
        Span type = new Span(getTranslation(FacilityLabels.type(f.type())));
        type.getElement().getThemeList().add("badge");
        Span status = new Span(getTranslation(FacilityLabels.status(f.status())));
        status.getElement().getThemeList().add(f.status().getLiteral().equals("active") ? "badge success" : "badge contrast");
        Div card = new Div(new H2(f.name()), new Div(type, status), new Span(f.city()));
        card.addClassName("facility-card");
        return card;
    }
}
