package com.careledger.core.i18n;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

import org.jspecify.annotations.Nullable;

/**
 * A language the portal is written in. Both are for India: dates, times and amounts are shown the Indian way in
 * either, with international digits (0–9).
 */
public enum Language {

    ENGLISH("en", Locale.of("en", "IN"), "English"),
    HINDI("hi", Locale.of("hi", "IN"), "हिन्दी");

    private final String code;
    private final Locale locale;
    private final String ownName;

    Language(String code, Locale locale, String ownName) {
        this.code = code;
        this.locale = locale;
        this.ownName = ownName;
    }

    /** "en", "hi": as the database, the cookie and {@code <html lang>} have it. */
    public String code() {
        return code;
    }

    public Locale locale() {
        return locale;
    }

    /** The language's name in itself: what the switcher offers. */
    public String ownName() {
        return ownName;
    }

    /** The other one: what the switcher switches to. */
    public Language other() {
        return this == ENGLISH ? HINDI : ENGLISH;
    }

    public static Optional<Language> ofCode(@Nullable String code) {
        return Arrays.stream(values()).filter(l -> l.code.equals(code)).findFirst();
    }

    /** The language of a locale: Hindi for Hindi, English for every other. */
    public static Language of(@Nullable Locale locale) {
        return locale != null && HINDI.code.equals(locale.getLanguage()) ? HINDI : ENGLISH;
    }
}
