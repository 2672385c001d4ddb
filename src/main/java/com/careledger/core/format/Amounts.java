package com.careledger.core.format;

import java.util.Locale;

import com.careledger.core.i18n.Language;

/**
 * Amounts of money (paise, a long) as text, the Indian way and in digits 0-9 in both languages:
 * <ul>
 *   <li>{@link #display}: exact, grouped, always with paise: "₹1,23,45,678.50", "-₹0.05";</li>
 *   <li>{@link #compact}: for dashboards and chart axes: below ₹1 lakh the exact amount, paise shown only when there
 *       are some ("₹45,678", "₹999.50", "₹0"); from ₹1 lakh on, in lakh with two decimals ("₹1.23 L", "₹99.99 L";
 *       Hindi "₹1.23 लाख"); once that rounds to 100 lakh, in crore with two decimals and the crores grouped
 *       ("₹1.00 Cr", "₹12,345.68 Cr"; Hindi "₹4.56 करोड़"). Rounded half up on the magnitude; a no-break space
 *       keeps the unit with its figure;</li>
 *   <li>{@link #inWords}: for receipts, "Rupees one lakh twenty-three thousand four hundred fifty-six and fifty
 *       paise only", Hindi "एक लाख तेईस हज़ार चार सौ छप्पन रुपये और पचास पैसे मात्र".</li>
 * </ul>
 * A negative amount carries a minus before the rupee sign ("-₹1.23 L"), in words "Minus rupees …" / "ऋण …".
 */
public final class Amounts {

    /** Keeps "₹1.23" and its unit on one line. */
    static final char NO_BREAK_SPACE = '\u00a0';

    private static final long PAISE_PER_LAKH = 10_000_000L;
    private static final long HUNDREDTH_LAKH = 100_000L;
    private static final long HUNDREDTH_CRORE = 10_000_000L;

    private Amounts() {
    }

    /** "₹1,00,000.00", "-₹0.05": the same in every language. */
    public static String display(long paise) {
        long magnitude = magnitude(paise);
        return sign(paise) + "₹" + Numbers.groupDigits(Long.toUnsignedString(Long.divideUnsigned(magnitude, 100)))
                + "." + twoDigits(Long.remainderUnsigned(magnitude, 100));
    }

    /** The exact amount in the locale's language; digits and grouping do not change with the language. */
    public static String display(long paise, Locale locale) {
        return display(paise);
    }

    /** The short form of dashboards: "₹45,678", "₹1.23 L", "₹4.56 Cr" (Hindi "लाख", "करोड़"); see the class. */
    public static String compact(long paise, Locale locale) {
        long magnitude = magnitude(paise);
        if (Long.compareUnsigned(magnitude, PAISE_PER_LAKH) < 0) {
            long rest = magnitude % 100;
            return sign(paise) + "₹" + Numbers.groupDigits(Long.toString(magnitude / 100))
                    + (rest == 0 ? "" : "." + twoDigits(rest));
        }
        Language language = Language.of(locale);
        long lakhs = roundedHalfUp(magnitude, HUNDREDTH_LAKH);
        if (lakhs < 100 * 100) {
            return sign(paise) + "₹" + lakhs / 100 + "." + twoDigits(lakhs % 100) + NO_BREAK_SPACE
                    + (language == Language.HINDI ? "लाख" : "L");
        }
        long crores = roundedHalfUp(magnitude, HUNDREDTH_CRORE);
        return sign(paise) + "₹" + Numbers.grouped(crores / 100) + "." + twoDigits(crores % 100) + NO_BREAK_SPACE
                + (language == Language.HINDI ? "करोड़" : "Cr");
    }

    /** The amount in words, as receipts write it; see {@link AmountInWords}. */
    public static String inWords(long paise, Locale locale) {
        return AmountInWords.of(paise, Language.of(locale));
    }

    /** |paise| as an unsigned long: right for {@link Long#MIN_VALUE} too. */
    static long magnitude(long paise) {
        return paise < 0 ? -paise : paise;
    }

    private static String sign(long paise) {
        return paise < 0 ? "-" : "";
    }

    /** magnitude / unit, rounded half up, both unsigned; the result is far below 2^63. */
    private static long roundedHalfUp(long magnitude, long unit) {
        long whole = Long.divideUnsigned(magnitude, unit);
        return Long.remainderUnsigned(magnitude, unit) * 2 >= unit ? whole + 1 : whole;
    }

    private static String twoDigits(long n) {
        return n < 10 ? "0" + n : Long.toString(n);
    }
}
