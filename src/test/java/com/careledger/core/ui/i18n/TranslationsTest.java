package com.careledger.core.ui.i18n;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.careledger.core.i18n.Language;
import org.junit.jupiter.api.Test;

/**
 * The two translation files are complete and every view's text comes from them: the same keys in English and Hindi,
 * each Hindi text written in Devanagari (but for the few that are the same in both languages), every key a view
 * names present, and no view holding a sentence of its own.
 */
class TranslationsTest {

    private static final Path ENGLISH = Path.of("src/main/resources/vaadin-i18n/translations.properties");
    private static final Path HINDI = Path.of("src/main/resources/vaadin-i18n/translations_hi.properties");

    /** Texts that are the same in both languages: the portal's name, and the owner's questions as the owner asks them. */
    private static final Set<String> SAME_IN_BOTH = Set.of("app.name", "app.page-title",
            "owed.question.commission", "owed.question.held", "owed.question.since");

    /**
     * Literals in view code that are not texts people read, yet have a capital or a space: theme names, a time zone,
     * a date pattern and a header name.
     */
    private static final Set<String> TECHNICAL = Set.of("badge contrast", "badge success", "Asia/Kolkata",
            "d MMM yyyy", "Location", "hi-Latn",
            // words of the database's own sentences that a view maps to its keys
            "at least", "at most");

    private static final Pattern LITERAL = Pattern.compile("\"\"\"(.*?)\"\"\"|\"((?:[^\"\\\\\\n]|\\\\.)*)\"", Pattern.DOTALL);
    private static final Pattern COMMENT = Pattern.compile("/\\*.*?\\*/|//[^\\n]*", Pattern.DOTALL);
    /** The script a component runs in the browser: code, not text. */
    private static final Pattern SCRIPT = Pattern.compile("executeJs\\(\\s*\"\"\".*?\"\"\"", Pattern.DOTALL);
    private static final Pattern DEVANAGARI = Pattern.compile("\\p{IsDevanagari}");

    @Test
    void englishAndHindiHaveTheSameKeys() throws IOException {
        assertThat(load(HINDI).stringPropertyNames()).containsExactlyInAnyOrderElementsOf(load(ENGLISH).stringPropertyNames());
    }

    @Test
    void everyHindiTextIsWrittenInHindi() throws IOException {
        Properties english = load(ENGLISH);
        Properties hindi = load(HINDI);
        List<String> notHindi = new ArrayList<>();
        for (String key : hindi.stringPropertyNames()) {
            if (SAME_IN_BOTH.contains(key)) {
                assertThat(hindi.getProperty(key)).as(key).isEqualTo(english.getProperty(key));
            } else if (!DEVANAGARI.matcher(hindi.getProperty(key)).find()) {
                notHindi.add(key + "=" + hindi.getProperty(key));
            }
        }
        assertThat(notHindi).as("Hindi texts without a Devanagari letter").isEmpty();
    }

    @Test
    void placeholdersAreTheSameInBothLanguages() throws IOException {
        Properties english = load(ENGLISH);
        Properties hindi = load(HINDI);
        for (String key : english.stringPropertyNames()) {
            assertThat(placeholders(hindi.getProperty(key))).as(key).isEqualTo(placeholders(english.getProperty(key)));
        }
    }

    @Test
    void everyKeyAViewNamesExistsAndNoViewHoldsTextOfItsOwn() throws IOException {
        Set<String> keys = load(ENGLISH).stringPropertyNames();
        List<String> missing = new ArrayList<>();
        List<String> hardCoded = new ArrayList<>();
        for (Path file : viewSources()) {
            String code = SCRIPT.matcher(COMMENT.matcher(Files.readString(file)).replaceAll(" ")).replaceAll("executeJs(");
            Matcher literal = LITERAL.matcher(code);
            while (literal.find()) {
                String text = literal.group(1) != null ? literal.group(1) : literal.group(2);
                boolean key = keys.contains(text) || (text.endsWith(".") && keys.stream().anyMatch(k -> k.startsWith(text)));
                boolean keyLike = text.matches("[a-z][a-z0-9-]*(\\.[a-z0-9_-]+)+\\.?");
                if (keyLike && !key && isTranslated(code, literal.start())) {
                    missing.add(file.getFileName() + ": " + text);
                } else if (!key && !TECHNICAL.contains(text) && !text.matches("[^A-Z\\s]*") && text.matches("(?s).*\\p{L}.*")) {
                    hardCoded.add(file.getFileName() + ": \"" + text + "\"");
                }
            }
        }
        assertThat(missing).as("keys the views name that the translations lack").isEmpty();
        assertThat(hardCoded).as("texts written into views instead of the translations").isEmpty();
    }

    @Test
    void theProviderFallsBackToNeitherTheDefaultLocaleNorAnotherKey() {
        Locale before = Locale.getDefault();
        Locale.setDefault(Locale.GERMANY);
        Translations translations;
        try {
            translations = new Translations();
        } finally {
            Locale.setDefault(before);
        }
        assertThat(translations.getTranslation("login.title", Language.HINDI.locale())).isEqualTo("साइन इन करें");
        assertThat(translations.getTranslation("login.title", Locale.FRANCE)).isEqualTo("Sign in");
        assertThat(translations.getTranslation("facilities.total", Language.ENGLISH.locale(), 7))
                .isEqualTo("7 on the platform");
        assertThat(translations.getTranslation("no.such.key", Language.HINDI.locale())).isEqualTo("no.such.key");
    }

    /** A key given to getTranslation, a menu title or a page's heading key (not, say, a CSS class with a dot). */
    private static boolean isTranslated(String code, int at) {
        String before = code.substring(Math.max(0, at - 40), at);
        return before.matches("(?s).*(getTranslation\\(|title = |super\\(|tryAgainIn\\(|return |, )\\s*$");
    }

    private static Set<String> placeholders(String text) {
        Set<String> found = new TreeSet<>();
        Matcher m = Pattern.compile("\\{\\d+}").matcher(text);
        while (m.find()) {
            found.add(m.group());
        }
        return found;
    }

    private static List<Path> viewSources() throws IOException {
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            return files.filter(f -> f.toString().endsWith(".java"))
                    // the security configuration and the servlet filter of the ui package hold no views; the chart API
                    // draws only the texts its callers give it (ChartCardTest); the language machinery (i18n) shows none itself
                    .filter(f -> !f.toString().endsWith("Configuration.java") && !f.toString().endsWith("Filter.java"))
                    .filter(f -> !Set.of("chart", "i18n").contains(f.getParent().getFileName().toString()))
                    .filter(f -> f.getParent().getFileName().toString().equals("ui")
                            || f.getParent().getParent().getFileName().toString().equals("ui"))
                    .sorted()
                    .toList();
        }
    }

    private static Properties load(Path file) throws IOException {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        }
        return properties;
    }
}
