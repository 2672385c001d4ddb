package com.careledger.core.ui;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.regex.Pattern;

import com.careledger.test.BrowserTest;
import com.careledger.test.TestDatabase;
import org.junit.jupiter.api.Test;

/**
 * The browser draws the portal's text in real glyphs, the rupee sign included: what the screenshots show depends
 * on the fonts the browser finds, and a browser without them passes every check on the page's text while
 * drawing blanks or boxes.
 */
class TextRenderingIT extends BrowserTest {

    /** Draws each text on a canvas in the element's font and reports its ink and whether two drew alike. */
    private static final String DRAW = """
            element => {
              const style = getComputedStyle(element);
              const font = `${style.fontWeight} 32px ${style.fontFamily}`;
              const draw = text => {
                const canvas = document.createElement('canvas');
                canvas.width = 64;
                canvas.height = 64;
                const g = canvas.getContext('2d');
                g.font = font;
                g.textBaseline = 'top';
                g.fillText(text, 8, 8);
                return Array.from(g.getImageData(0, 0, 64, 64).data.filter((_, i) => i % 4 === 3));
              };
              const ink = alpha => alpha.filter(a => a > 0).length;
              const letter = draw('A'), rupee = draw('\\u20b9'), ka = draw('\\u0915'), unassigned = draw('\\u0378');
              return {
                font,
                letter: ink(letter),
                rupee: ink(rupee),
                rupeeDrawnAsMissingGlyph: rupee.every((a, i) => a === unassigned[i]),
                devanagari: ink(ka),
                devanagariDrawnAsMissingGlyph: ka.every((a, i) => a === unassigned[i])
              };
            }""";

    @Test
    void aFacilityAdminsMoneyFiguresAreDrawnInTheirOwnGlyphs() {
        page.navigate(url("/login"));
        signIn("admin@sanjeevani.test", TestDatabase.DEMO_PASSWORD);
        page.waitForURL(Pattern.compile(".*/facility(\\?continue)?$"));
        assertThat(page.locator("#held-for-platform")).containsText("₹");

        @SuppressWarnings("unchecked")
        Map<String, Object> drawn = (Map<String, Object>) page.locator("#held-for-platform").evaluate(DRAW);

        assertThat(((Number) drawn.get("letter")).intValue()).as("ink of 'A' in %s", drawn.get("font")).isPositive();
        assertThat(((Number) drawn.get("rupee")).intValue()).as("ink of '₹' in %s", drawn.get("font")).isPositive();
        assertThat(drawn.get("rupeeDrawnAsMissingGlyph")).as("'₹' drawn as the missing-glyph box in %s",
                drawn.get("font")).isEqualTo(false);
    }

    /**
     * Hindi is drawn in real Devanagari letters even where the machine has no Devanagari font: the portal serves one.
     * The letter is drawn in the font of the language switcher (a button, whose component declares its own font list).
     */
    @Test
    void hindiIsDrawnInDevanagariLetters() {
        page.navigate(url("/login"));
        page.locator("#language-switch").click();
        assertThat(page.locator("html")).hasAttribute("lang", "hi");
        page.evaluate("() => document.fonts.load('16px \\'Noto Sans Devanagari\\'', '\\u0915')");

        @SuppressWarnings("unchecked")
        Map<String, Object> drawn = (Map<String, Object>) page.locator("vaadin-login-form vaadin-button[slot='submit']")
                .evaluate(DRAW);

        assertThat(((Number) drawn.get("devanagari")).intValue()).as("ink of 'क' in %s", drawn.get("font")).isPositive();
        assertThat(drawn.get("devanagariDrawnAsMissingGlyph")).as("'क' drawn as the missing-glyph box in %s",
                drawn.get("font")).isEqualTo(false);
    }
}
