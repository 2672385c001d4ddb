package com.careledger.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;

import org.junit.jupiter.api.Test;

/** Properties of the Indian grouping of paise amounts, over seeded random amounts (reproducible, bounded). */
class MoneyPropertiesTest {

    private static final long SEED = 20_261_127L;
    private static final int TRIES = 2_000;

    @Test
    void displayKeepsEveryDigitAndGroupsTheIndianWay() {
        RandomGenerator random = RandomGeneratorFactory.of("L64X128MixRandom").create(SEED);
        for (int i = 0; i < TRIES; i++) {
            // amounts of every length, 1 to 16 digits, both signs
            long paise = random.nextLong((long) Math.pow(10, 1 + random.nextInt(16))) * (random.nextBoolean() ? 1 : -1);
            String shown = Money.ofPaise(paise).display();
            long abs = Math.abs(paise);
            assertThat(shown.replaceAll("[^0-9]", "")).as("%d", paise).isEqualTo(abs / 100 + "%02d".formatted(abs % 100));
            assertThat(shown.startsWith("-")).as("%d", paise).isEqualTo(paise < 0);
            // thousands, then groups of two: ₹12,34,56,789.01
            assertThat(shown).as("%d", paise).matches("-?₹(\\d{1,2}(,\\d{2})*,\\d{3}|\\d{1,3})\\.\\d{2}");
        }
    }
}
