package com.careledger.core.format;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Locale;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;

import com.ibm.icu.text.RuleBasedNumberFormat;
import com.ibm.icu.util.ULocale;
import org.junit.jupiter.api.Test;

/** Amounts in words as receipts write them, English (India) and Hindi. */
class AmountInWordsTest {

    private static final Locale ENGLISH = Locale.forLanguageTag("en-IN");
    private static final Locale HINDI = Locale.forLanguageTag("hi-IN");

    @Test
    void englishSaysRupeesAndPaiseThenOnly() {
        assertThat(Amounts.inWords(12_345_650, ENGLISH))
                .isEqualTo("Rupees one lakh twenty-three thousand four hundred fifty-six and fifty paise only");
        assertThat(Amounts.inWords(500, ENGLISH)).isEqualTo("Rupees five only");
        assertThat(Amounts.inWords(100, ENGLISH)).isEqualTo("Rupees one only");
        assertThat(Amounts.inWords(50, ENGLISH)).isEqualTo("Fifty paise only");
        assertThat(Amounts.inWords(101, ENGLISH)).isEqualTo("Rupees one and one paisa only");
        assertThat(Amounts.inWords(0, ENGLISH)).isEqualTo("Rupees zero only");
        assertThat(Amounts.inWords(4_560_000_000L, ENGLISH)).isEqualTo("Rupees four crore fifty-six lakh only");
        assertThat(Amounts.inWords(-9_900, ENGLISH)).isEqualTo("Minus rupees ninety-nine only");
    }

    @Test
    void hindiSaysRupayeAndPaiseThenMatra() {
        assertThat(Amounts.inWords(12_345_650, HINDI)).isEqualTo("एक लाख तेईस हज़ार चार सौ छप्पन रुपये और पचास पैसे मात्र");
        assertThat(Amounts.inWords(100, HINDI)).isEqualTo("एक रुपया मात्र");
        assertThat(Amounts.inWords(1, HINDI)).isEqualTo("एक पैसा मात्र");
        assertThat(Amounts.inWords(0, HINDI)).isEqualTo("शून्य रुपये मात्र");
        assertThat(Amounts.inWords(1_000_000_000, HINDI)).isEqualTo("एक करोड़ रुपये मात्र");
        assertThat(Amounts.inWords(-500, HINDI)).isEqualTo("ऋण पाँच रुपये मात्र");
    }

    @Test
    void beyondNinetyNineCroreItCountsCroresInLakhsAndThousandsInsteadOfTrillionsOrArab() {
        // ₹1,23,456,78,90,123: ICU alone says "one trillion twenty-three thousand …" and "बारह खरब …"
        long paise = 1_234_567_890_123_00L;
        assertThat(Amounts.inWords(paise, ENGLISH)).isEqualTo("Rupees one lakh twenty-three thousand four hundred "
                + "fifty-six crore seventy-eight lakh ninety thousand one hundred twenty-three only");
        assertThat(Amounts.inWords(paise, HINDI))
                .isEqualTo("एक लाख तेईस हज़ार चार सौ छप्पन करोड़ अठहत्तर लाख नब्बे हज़ार एक सौ तेईस रुपये मात्र");
        assertThat(Amounts.inWords(1_000_000_000_00L, HINDI)).isEqualTo("एक सौ करोड़ रुपये मात्र");
        assertThat(Amounts.inWords(Long.MIN_VALUE, ENGLISH)).startsWith("Minus rupees nine hundred twenty-two crore")
                .endsWith("seven hundred fifty-eight and eight paise only");
    }

    @Test
    void belowACroreTheWordsAreIcusOwn() {
        RuleBasedNumberFormat english = new RuleBasedNumberFormat(new ULocale("en_IN"), RuleBasedNumberFormat.SPELLOUT);
        RuleBasedNumberFormat hindi = new RuleBasedNumberFormat(new ULocale("hi_IN"), RuleBasedNumberFormat.SPELLOUT);
        RandomGenerator random = RandomGeneratorFactory.of("L64X128MixRandom").create(20_261_205L);
        for (int i = 0; i < 500; i++) {
            long rupees = 2 + random.nextLong(9_999_998L);
            assertThat(Amounts.inWords(rupees * 100, ENGLISH)).as("%d", rupees)
                    .isEqualTo("Rupees " + english.format(rupees, "%spellout-cardinal") + " only");
            assertThat(Amounts.inWords(rupees * 100, HINDI)).as("%d", rupees)
                    .isEqualTo(hindi.format(rupees, "%spellout-cardinal") + " रुपये मात्र");
        }
    }
}
