package com.careledger.core;

import java.util.Locale;

import com.careledger.core.format.Amounts;

/**
 * An amount of money in paise, the unit every amount is kept in (never a floating-point number). Shown the Indian way
 * by {@link Amounts}, the portal's one formatter of amounts: {@code ₹1,00,000.00} — the last three digits of the
 * rupees, then groups of two — in the digits 0-9 in English and Hindi alike.
 */
public record Money(long paise) {

    public static Money ofPaise(long paise) {
        return new Money(paise);
    }

    /** "₹1,00,000.00", "-₹0.05": exact, for grids, bills and receipts. */
    public String display() {
        return Amounts.display(paise);
    }

    /** The exact amount as {@code locale} reads it: the same text in English and Hindi ("₹1,23,456.50"). */
    public String display(Locale locale) {
        return Amounts.display(paise, locale);
    }

    /** The short form for dashboards: "₹45,678", "₹1.23 L", "₹4.56 Cr" ("लाख", "करोड़" in Hindi); {@link Amounts}. */
    public String compact(Locale locale) {
        return Amounts.compact(paise, locale);
    }

    /** For receipts: "Rupees one lakh twenty-three thousand … and fifty paise only", or its Hindi. */
    public String inWords(Locale locale) {
        return Amounts.inWords(paise, locale);
    }

    @Override
    public String toString() {
        return display();
    }
}
