package com.careledger.core.format;

import java.util.Locale;

/** The two languages the portal writes in. Any locale whose language is Hindi writes Hindi; every other, English (India). */
enum Language {
    ENGLISH,
    HINDI;

    static Language of(Locale locale) {
        return "hi".equals(locale.getLanguage()) ? HINDI : ENGLISH;
    }
}
