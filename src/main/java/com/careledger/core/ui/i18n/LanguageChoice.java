package com.careledger.core.ui.i18n;

import java.time.Duration;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.Locale;
import java.util.Optional;

import com.careledger.core.i18n.Language;
import com.careledger.core.i18n.LanguageRepository;
import com.careledger.core.security.CareLedgerUser;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.server.ServiceInitEvent;
import com.vaadin.flow.server.VaadinRequest;
import com.vaadin.flow.server.VaadinResponse;
import com.vaadin.flow.server.VaadinServiceInitListener;
import com.vaadin.flow.server.VaadinServletRequest;
import com.vaadin.flow.server.VaadinSession;
import com.vaadin.flow.spring.annotation.SpringComponent;
import jakarta.servlet.http.Cookie;
import org.jspecify.annotations.Nullable;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;

/**
 * Which language a page is in, and the switch to the other one.
 *
 * <p>In order: the signed-in person's own choice (kept with their sign-in, so it follows them to every device), the
 * choice made on this browser (a cookie, so the sign-in page and the account pages keep it too), else the first of
 * the browser's languages the portal has (Accept-Language), else English. Every UI gets its locale when it starts,
 * before its view is made, and the page's {@code <html lang>} follows it (the bootstrap page is given it by
 * {@link PageLanguage}; a signed-in person's own choice corrects it once the page runs).
 */
@SpringComponent
public class LanguageChoice implements VaadinServiceInitListener {

    static final String COOKIE = "careledger-language";
    /** The signed-in person's own choice, in their Vaadin session (which ends with the sign-in). */
    private static final String OWN_CHOICE = LanguageChoice.class.getName() + ".own";
    /** Kept for a person who never chose: their pages follow the browser without asking the database again. */
    private static final String NONE = "none";

    private final LanguageRepository languages;

    LanguageChoice(LanguageRepository languages) {
        this.languages = languages;
    }

    @Override
    public void serviceInit(ServiceInitEvent event) {
        event.getSource().addUIInitListener(init -> {
            UI ui = init.getUI();
            Language language = resolve(VaadinRequest.getCurrent());
            ui.setLocale(language.locale());
            ui.getPage().executeJs("document.documentElement.lang = $0", language.code());
            // the connection indicator Vaadin's client shows (and screen readers read) speaks the page's language too
            ui.getPage().executeJs("""
                    const texts = {onlineText: $0, offlineText: $1, reconnectingText: $2};
                    customElements.whenDefined('vaadin-connection-indicator').then(() =>
                      document.querySelectorAll('vaadin-connection-indicator').forEach(i => Object.assign(i, texts)));""",
                    ui.getTranslation("connection.online"), ui.getTranslation("connection.offline"),
                    ui.getTranslation("connection.reconnecting"));
        });
    }

    /**
     * The language of a request, as the class comment orders the sources. A signed-in person's own choice is read once
     * per session (and kept there by the switcher), not for every page.
     */
    Language resolve(@Nullable VaadinRequest request) {
        if (signedIn()) {
            Optional<Language> own = ownOnce();
            if (own.isPresent()) {
                if (!own.get().equals(fromCookie(request).orElse(null))) {
                    remember(own.get());
                }
                return own.get();
            }
        }
        return fromCookie(request).orElseGet(() -> fromBrowser(request));
    }

    /**
     * Switches the current page to the other language: remembered on this browser and, for a signed-in person, with
     * their sign-in; the page reloads in it.
     */
    public void switchTo(UI ui, Language language) {
        remember(language);
        if (signedIn()) {
            languages.setMine(language);
            ui.getSession().setAttribute(OWN_CHOICE, language);
        }
        ui.getPage().reload();
    }

    private Optional<Language> ownOnce() {
        VaadinSession session = VaadinSession.getCurrent();
        Object kept = session == null ? null : session.getAttribute(OWN_CHOICE);
        if (kept instanceof Language language) {
            return Optional.of(language);
        } else if (NONE.equals(kept)) {
            return Optional.empty();
        }
        Optional<Language> own = own();
        if (session != null) {
            session.setAttribute(OWN_CHOICE, own.<Object>map(language -> language).orElse(NONE));
        }
        return own;
    }

    /** The signed-in person's choice; none when the database refuses the session (the page then signs them out). */
    private Optional<Language> own() {
        try {
            return languages.mine();
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    static Optional<Language> fromCookie(@Nullable VaadinRequest request) {
        Cookie[] cookies = request == null ? null : request.getCookies();
        return cookies == null ? Optional.empty() : Arrays.stream(cookies)
                .filter(c -> COOKIE.equals(c.getName()))
                .findFirst()
                .flatMap(c -> Language.ofCode(c.getValue()));
    }

    /** The first of the browser's languages the portal has: Hindi or English. */
    static Language fromBrowser(@Nullable VaadinRequest request) {
        if (request instanceof VaadinServletRequest servlet) {
            Enumeration<Locale> locales = servlet.getLocales();
            while (locales.hasMoreElements()) {
                String code = locales.nextElement().getLanguage();
                Optional<Language> known = Language.ofCode(code);
                if (known.isPresent()) {
                    return known.get();
                }
            }
        }
        return Language.ENGLISH;
    }

    private static void remember(Language language) {
        VaadinResponse response = VaadinResponse.getCurrent();
        if (response != null) {
            Cookie cookie = new Cookie(COOKIE, language.code());
            cookie.setPath("/");
            cookie.setMaxAge((int) Duration.ofDays(365).toSeconds());
            cookie.setHttpOnly(true);
            cookie.setAttribute("SameSite", "Lax");
            response.addCookie(cookie);
        }
    }

    private static boolean signedIn() {
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        return authentication != null && authentication.getPrincipal() instanceof CareLedgerUser;
    }
}
