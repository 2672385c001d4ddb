package com.careledger.core.ui.i18n;

import com.careledger.core.i18n.Language;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.icon.VaadinIcon;

/**
 * The switcher: one button, named in the other language's own script ("हिन्दी" on an English page, "English" on a
 * Hindi one) and marked with that language, so that a reader of it finds it and a screen reader says it right.
 */
public class LanguageSwitch extends Button {

    public LanguageSwitch(LanguageChoice choice) {
        addThemeVariants(ButtonVariant.LUMO_TERTIARY);
        addClassName("language-switch");
        setId("language-switch");
        setIcon(VaadinIcon.GLOBE_WIRE.create());
        addAttachListener(attach -> {
            Language other = Language.of(attach.getUI().getLocale()).other();
            setText(other.ownName());
            getElement().setAttribute("lang", other.code());
        });
        addClickListener(click -> getUI().ifPresent(ui -> choice.switchTo(ui, Language.of(ui.getLocale()).other())));
    }
}
