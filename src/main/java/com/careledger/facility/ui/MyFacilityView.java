package com.careledger.facility.ui;

import java.time.OffsetDateTime;

import com.careledger.core.security.Roles;
import com.careledger.core.ui.LandingPage;
import com.careledger.facility.domain.CommissionTermsRepository;
import com.careledger.facility.domain.Facility;
import com.careledger.facility.domain.FacilityRepository;
import com.careledger.ledger.domain.LedgerRepository;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.router.Menu;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import jakarta.annotation.security.RolesAllowed;

/**
 * Facility admin: their facility. It lists what the facility query returns — the same query the super
 * admin's grid runs — so row-level security alone decides that exactly one facility shows.
 */
@Route("facility")
@PageTitle("My facility · CareLedger")
@RolesAllowed(Roles.FACILITY_ADMIN)
@Menu(title = "My facility", order = 20, icon = "vaadin:hospital")
@LandingPage(Roles.FACILITY_ADMIN)
public class MyFacilityView extends VerticalLayout {

    public MyFacilityView(FacilityRepository facilities, CommissionTermsRepository terms, LedgerRepository ledger) {
        addClassName("page");
        Div cards = new Div();
        cards.addClassName("cards");
        add(new H2("My facility"), cards);
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
    }

    private static Div card(Facility f) {
        Span type = new Span(FacilityLabels.type(f.type()));
        type.getElement().getThemeList().add("badge");
        Span status = new Span(FacilityLabels.status(f.status()));
        status.getElement().getThemeList().add(f.status().getLiteral().equals("active") ? "badge success" : "badge contrast");
        Div card = new Div(new H3(f.name()), new Div(type, status), new Span(f.city()));
        card.addClassName("facility-card");
        return card;
    }
}
