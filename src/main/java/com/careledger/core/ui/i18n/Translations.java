package com.careledger.core.ui.i18n;

import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.MissingResourceException;
import java.util.ResourceBundle;

import com.careledger.core.i18n.Language;
import com.vaadin.flow.i18n.I18NProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Every visible text of the portal, by key, from {@code vaadin-i18n/translations.properties} (English) and
 * {@code translations_hi.properties} (Hindi), both UTF-8. Parameters fill {@code {0}}, {@code {1}}, … as they are
 * given, already formatted (amounts by {@code core.Money}, dates by the date formatter): no number is formatted
 * here, and an apostrophe is just an apostrophe. A key missing from a file shows the key itself (and logs it);
 * {@code TranslationsTest} keeps both files complete and every key a view names present.
 */
@Component
public class Translations implements I18NProvider {

    static final String BUNDLE = "vaadin-i18n.translations";

    private static final Logger log = LoggerFactory.getLogger(Translations.class);

    /** Never falls back to the JVM's default locale: a Hindi page never borrows English silently. */
    private static final ResourceBundle.Control EXACT = ResourceBundle.Control.getNoFallbackControl(
            ResourceBundle.Control.FORMAT_PROPERTIES);

    private final Map<Language, ResourceBundle> bundles = new EnumMap<>(Language.class);

    public Translations() {
        for (Language language : Language.values()) {
            bundles.put(language, ResourceBundle.getBundle(BUNDLE,
                    language == Language.ENGLISH ? Locale.ROOT : language.locale(), EXACT));
        }
    }

    @Override
    public List<Locale> getProvidedLocales() {
        return List.of(Language.ENGLISH.locale(), Language.HINDI.locale());
    }

    @Override
    public String getTranslation(String key, Locale locale, Object... params) {
        return translate(Language.of(locale), key, params);
    }

    /** The text of a key in a language, its {@code {n}} replaced by the n-th parameter's {@code toString()}. */
    public String translate(Language language, String key, Object... params) {
        String text;
        try {
            text = bundles.get(language).getString(key);
        } catch (MissingResourceException e) {
            log.warn("No {} text for key {}", language, key);
            return key;
        }
        for (int i = 0; i < params.length; i++) {
            text = text.replace("{" + i + "}", String.valueOf(params[i]));
        }
        return text;
    }
}
