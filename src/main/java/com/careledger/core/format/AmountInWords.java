package com.careledger.core.format;

import com.careledger.core.i18n.Language;
import com.ibm.icu.text.RuleBasedNumberFormat;
import com.ibm.icu.util.ULocale;

/**
 * Amounts in words for receipts, in the form Indian receipts and cheques use:
 * <ul>
 *   <li>English: "Rupees one lakh twenty-three thousand four hundred fifty-six and fifty paise only"; without paise
 *       "Rupees five only"; without rupees "Fifty paise only"; one paisa is "one paisa"; nothing is
 *       "Rupees zero only"; below zero "Minus rupees …".</li>
 *   <li>Hindi: "एक लाख तेईस हज़ार चार सौ छप्पन रुपये और पचास पैसे मात्र"; "एक रुपया", "एक पैसा" in the
 *       singular; "शून्य रुपये मात्र"; below zero "ऋण …".</li>
 * </ul>
 * ICU's spell-out rules (en_IN, hi) say lakh and crore up to 99 crore, but beyond it ICU switches systems (English
 * "one trillion twenty-three thousand … crore", Hindi arab and kharab). Numbers from one crore on are therefore
 * split here: the crores are spelled again by the same rule and followed by "crore", then the rest below a crore by
 * ICU: ₹1,23,456,78,90,123 is "one lakh twenty-three thousand four hundred fifty-six crore seventy-eight lakh
 * ninety thousand one hundred twenty-three", the way Indian accounts say "lakh crore", in both languages.
 */
final class AmountInWords {

    private static final long CRORE = 10_000_000L;

    /** ICU's formatters are not safe for concurrent use: one per language, used under its own lock. */
    private static final RuleBasedNumberFormat ENGLISH = spellOut("en_IN");
    private static final RuleBasedNumberFormat HINDI = spellOut("hi_IN");

    private AmountInWords() {
    }

    static String of(long paise, Language language) {
        long magnitude = Amounts.magnitude(paise);
        // rupees of a long fit a long (below 2^63 / 100); the unsigned division covers Long.MIN_VALUE
        long rupees = Long.divideUnsigned(magnitude, 100);
        long rest = Long.remainderUnsigned(magnitude, 100);
        boolean negative = paise < 0;
        return language == Language.HINDI ? hindi(negative, rupees, rest) : english(negative, rupees, rest);
    }

    private static String english(boolean negative, long rupees, long paise) {
        StringBuilder words = new StringBuilder(negative ? "minus " : "");
        if (rupees > 0 || paise == 0) {
            words.append("rupees ").append(spell(rupees, ENGLISH));
            if (paise > 0) {
                words.append(" and ");
            }
        }
        if (paise > 0) {
            words.append(spell(paise, ENGLISH)).append(paise == 1 ? " paisa" : " paise");
        }
        words.append(" only");
        return Character.toUpperCase(words.charAt(0)) + words.substring(1);
    }

    private static String hindi(boolean negative, long rupees, long paise) {
        StringBuilder words = new StringBuilder(negative ? "ऋण " : "");
        if (rupees > 0 || paise == 0) {
            words.append(spell(rupees, HINDI)).append(rupees == 1 ? " रुपया" : " रुपये");
            if (paise > 0) {
                words.append(" और ");
            }
        }
        if (paise > 0) {
            words.append(spell(paise, HINDI)).append(paise == 1 ? " पैसा" : " पैसे");
        }
        return words.append(" मात्र").toString();
    }

    /** n ≥ 0 in words: below a crore as ICU spells it, from a crore on as "<crores in words> crore <rest>". */
    static String spell(long n, RuleBasedNumberFormat words) {
        if (n < CRORE) {
            return icu(n, words);
        }
        long rest = n % CRORE;
        // ICU's own word for a crore ("one crore" / "एक करोड़" without its "one")
        String crore = icu(CRORE, words).substring(icu(1, words).length() + 1);
        return spell(n / CRORE, words) + " " + crore + (rest == 0 ? "" : " " + icu(rest, words));
    }

    private static String icu(long n, RuleBasedNumberFormat words) {
        synchronized (words) {
            return words.format(n, "%spellout-cardinal");
        }
    }

    private static RuleBasedNumberFormat spellOut(String locale) {
        return new RuleBasedNumberFormat(new ULocale(locale), RuleBasedNumberFormat.SPELLOUT);
    }
}
