package com.careledger.core.ui.i18n;

import com.careledger.core.i18n.Language;
import com.vaadin.flow.server.communication.IndexHtmlRequestListener;
import com.vaadin.flow.server.communication.IndexHtmlResponse;
import com.vaadin.flow.server.ServiceInitEvent;
import com.vaadin.flow.server.VaadinServiceInitListener;
import com.vaadin.flow.spring.annotation.SpringComponent;

/**
 * Writes {@code <html lang>} into the page the browser loads first, from the cookie or the browser's languages, so
 * that screen readers and the browser's own text handling (hyphenation, fonts) know the language from the start.
 */
@SpringComponent
class PageLanguage implements VaadinServiceInitListener, IndexHtmlRequestListener {

    @Override
    public void serviceInit(ServiceInitEvent event) {
        event.addIndexHtmlRequestListener(this);
    }

    @Override
    public void modifyIndexHtmlResponse(IndexHtmlResponse response) {
        Language language = LanguageChoice.fromCookie(response.getVaadinRequest())
                .orElseGet(() -> LanguageChoice.fromBrowser(response.getVaadinRequest()));
        var html = response.getDocument().selectFirst("html");
        if (html != null) {
            html.attr("lang", language.code());
        }
    }
}
